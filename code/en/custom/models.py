# Custom models: a residual block, a model of repeated blocks, trained, saved and reloaded.
import argparse
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser(description="A subclassed model of residual blocks.")
parser.add_argument("--epochs", type=int, default=10)
args, _ = parser.parse_known_args()  # known only: a notebook kernel adds its own arguments

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


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
      "| Model has:", [m for m in methods if hasattr(tf.keras.Model, m)])


# A model built from repeated blocks: a projection to `units`, the blocks, one output.
@tf.keras.utils.register_keras_serializable(package="book")
class ResidualMLP(tf.keras.Model):
    def __init__(self, units=16, blocks=3, output_dim=1, **kwargs):
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


# The diabetes data, split and standardized as on the losses page (the held-out 90 validate).
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y = ((target - target[train].mean()) / target[train].std()).astype(np.float32).reshape(-1, 1)
x_train, y_train, x_valid, y_valid = x[train], y[train], x[valid], y[valid]
baseline = y_train.mean()  # always predict the mean of the training targets
print(f"validation MSE of the training mean: {float(np.mean((y_valid - baseline) ** 2)):.4f}")
with_bias = np.hstack([x_train, np.ones([len(x_train), 1], np.float32)])
coefficients = np.linalg.lstsq(with_bias, y_train, rcond=None)[0]  # linear least squares
linear = x_valid @ coefficients[:-1] + coefficients[-1]
print(f"validation MSE of a linear regression: {float(np.mean((linear - y_valid) ** 2)):.4f}")

model = ResidualMLP(units=16, blocks=3, name="residual_mlp")
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
print(f"training loss {history.history['loss'][0]:.4f} -> {history.history['loss'][-1]:.4f} | "
      f"validation MSE {model.evaluate(x_valid, y_valid, verbose=0):.4f}")
model.summary()

# Saved to a .keras file and loaded back: the same class, configuration and predictions.
path = os.path.join(tempfile.mkdtemp(), "residual_mlp.keras")
model.save(path)
reloaded = tf.keras.models.load_model(path)
print(type(reloaded).__name__, {key: reloaded.get_config()[key] for key in ["units", "blocks"]},
      "| same predictions:", np.array_equal(reloaded.predict(x_valid, verbose=0),
                                            model.predict(x_valid, verbose=0)))
