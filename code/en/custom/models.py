# Custom models: a residual block, a model of repeated blocks, trained, saved and reloaded.
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="A subclassed model of residual blocks.")
parser.add_argument("--epochs", type=int, default=10)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


def make_data(n, seed, outliers=0.02):
    # The chapter's regression task: 8 features, a nonlinear target with Gaussian noise of
    # standard deviation 0.1, and a fraction `outliers` of the targets given gross errors on
    # top of the noise (what a robust loss must ignore).
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, 8)).astype(np.float32)
    y = (np.sin(1.5 * x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + 0.25 * x[:, 3] ** 2
         - 0.5 * np.abs(x[:, 4]) + 0.3 * x[:, 5])  # x[:, 6] and x[:, 7] do not matter
    y = y + rng.normal(0.0, 0.1, size=n)
    gross = rng.random(n) < outliers
    y[gross] += rng.normal(0.0, 5.0, size=int(gross.sum()))
    return x, y.astype(np.float32).reshape(-1, 1)


# A residual block: two Dense layers, and the block's input added to their output.
@tf.keras.utils.register_keras_serializable(package="book")
class ResidualBlock(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = tf.keras.layers.Dense(units, activation="relu",
                                           kernel_initializer="he_normal", name="inner")
        self.outer = tf.keras.layers.Dense(units, kernel_initializer="zeros",  # starts at zero
                                           name="outer")

    def call(self, inputs):
        return inputs + self.outer(self.inner(inputs))  # the skip connection

    def compute_output_shape(self, input_shape):  # the shape it receives, for summary()
        return input_shape

    def get_config(self):
        return {**super().get_config(), "units": self.units}


block = ResidualBlock(4, name="block")
print("output:", block(tf.ones([2, 4])).shape)
print("weights:", [weight.path for weight in block.weights])
methods = ["fit", "evaluate", "predict", "save", "summary"]
print("Layer has:", [m for m in methods if hasattr(tf.keras.layers.Layer, m)],
      "| Model has:", [m for m in methods if hasattr(tf.keras.Model, m)],
      "| a Model is a Layer:", issubclass(tf.keras.Model, tf.keras.layers.Layer))


# A model built from repeated blocks: a projection to `units`, the blocks, one output.
@tf.keras.utils.register_keras_serializable(package="book")
class ResidualMLP(tf.keras.Model):
    def __init__(self, units=64, blocks=3, output_dim=1, **kwargs):
        super().__init__(**kwargs)
        self.units, self.blocks, self.output_dim = units, blocks, output_dim
        self.project = tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal", name="project")
        self.residual_blocks = [ResidualBlock(units, name=f"block_{i}") for i in range(blocks)]
        self.head = tf.keras.layers.Dense(output_dim, name="head")

    def call(self, inputs):
        hidden = self.project(inputs)
        for residual_block in self.residual_blocks:
            hidden = residual_block(hidden)
        return self.head(hidden)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "blocks": self.blocks,
                "output_dim": self.output_dim}


# The chapter's task, as on the losses page, and the baseline a model must beat.
x_train, y_train = make_data(20000, seed=1)
x_test, y_test = make_data(5000, seed=2, outliers=0.0)  # clean targets: the floor is 0.01
column = np.ones([len(x_train), 1], np.float32)
coefficients = np.linalg.lstsq(np.hstack([x_train, column]), y_train, rcond=None)[0]
linear = x_test @ coefficients[:-1] + coefficients[-1]
print(f"test MSE of least squares: {float(np.mean((linear - y_test) ** 2)):.4f}")

model = ResidualMLP(units=64, blocks=3, name="residual_mlp")
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=0)
print(f"training loss {history.history['loss'][0]:.4f} -> {history.history['loss'][-1]:.4f} | "
      f"test MSE {model.evaluate(x_test, y_test, verbose=0):.4f}")
model.summary()

# Saved to a .keras file and loaded back: the same class, configuration and predictions.
path = os.path.join(tempfile.mkdtemp(), "residual_mlp.keras")
model.save(path)
reloaded = tf.keras.models.load_model(path)
print(type(reloaded).__name__, {key: reloaded.get_config()[key] for key in ["units", "blocks"]},
      "| same predictions:", np.array_equal(reloaded.predict(x_test, verbose=0),
                                            model.predict(x_test, verbose=0)))
