# Losses and metrics from a model's internals: add_loss() and a tracked Mean metric.
import argparse

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser(description="A regressor that also reconstructs its inputs.")
parser.add_argument("--epochs", type=int, default=10)
args, _ = parser.parse_known_args()  # known only: a notebook kernel adds its own arguments

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The diabetes data, split and standardized as on the losses page.
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y = ((target - target[train].mean()) / target[train].std()).astype(np.float32).reshape(-1, 1)
x_train, y_train, x_valid, y_valid = x[train], y[train], x[valid], y[valid]


# A regressor whose last hidden layer must also let a decoder rebuild the inputs.
class RegressorWithDecoder(tf.keras.Model):
    def __init__(self, units=16, depth=3, reconstruction_weight=0.05, **kwargs):
        super().__init__(**kwargs)
        self.reconstruction_weight = reconstruction_weight
        self.hidden = [tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal") for _ in range(depth)]
        self.head = tf.keras.layers.Dense(1)
        self.reconstruction_error = tf.keras.metrics.Mean(name="reconstruction")  # tracked

    def build(self, input_shape):  # the decoder needs the number of input features
        self.decoder = tf.keras.layers.Dense(input_shape[-1])

    def call(self, inputs, training=False):
        hidden = inputs
        for layer in self.hidden:
            hidden = layer(hidden)
        error = tf.reduce_mean(tf.square(self.decoder(hidden) - inputs))
        self.add_loss(self.reconstruction_weight * error)  # added to the loss fit minimizes
        if training:
            self.reconstruction_error.update_state(error)
        return self.head(hidden)


model = RegressorWithDecoder(name="regressor_with_decoder")
model(x_train[:32])
print("model.losses:", [round(float(loss), 4) for loss in model.losses])
model(x_train[32:64])
print("after a second call:", [round(float(loss), 4) for loss in model.losses])
print(f"reconstruction metric after two calls: {float(model.reconstruction_error.result()):.4f}")
print("model.metrics:", [metric.name for metric in model.metrics])

# fit() reports every metric in model.metrics: the compiled ones and ours.
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse", metrics=["mse"])
print("after compile:", [metric.name for metric in model.metrics])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32,
                    validation_data=(x_valid, y_valid), verbose=0)
print(list(history.history.keys()))
for key, values in history.history.items():
    print(f"{key:19s} {values[0]:.4f} -> {values[-1]:.4f}")
last = {key: values[-1] for key, values in history.history.items()}
print("loss = mse + 0.05 * reconstruction:",
      abs(last["loss"] - (last["mse"] + 0.05 * last["reconstruction"])) < 1e-4)


# The Keras 2 habit: list one's own metrics in a `metrics` property. Now it hides the others.
class OnlyOurMetric(RegressorWithDecoder):
    @property
    def metrics(self):
        return [self.reconstruction_error]


tf.keras.utils.set_random_seed(42)
keras2_style = OnlyOurMetric()
keras2_style.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse",
                     metrics=["mse"])
history = keras2_style.fit(x_train, y_train, epochs=1, batch_size=32,
                           validation_data=(x_valid, y_valid), verbose=0)
print("with the metrics property overridden:", list(history.history.keys()))
