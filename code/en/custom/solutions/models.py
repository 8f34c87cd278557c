# Solutions to the exercises of "Custom models".
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

tf.keras.backend.clear_session()
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


# Exercise 1: one block applied several times shares its weights.
class SharedBlock(tf.keras.layers.Layer):  # the page's ResidualBlock, unregistered
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = tf.keras.layers.Dense(units, activation="relu", kernel_initializer="he_normal")
        self.outer = tf.keras.layers.Dense(units, kernel_initializer="zeros")

    def call(self, inputs):
        return inputs + self.outer(self.inner(inputs))


class SharedBlockMLP(tf.keras.Model):
    def __init__(self, units=16, repeats=3, **kwargs):
        super().__init__(**kwargs)
        self.repeats = repeats
        self.project = tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal")
        self.block = SharedBlock(units)  # one block ...
        self.head = tf.keras.layers.Dense(1)

    def call(self, inputs):
        hidden = self.project(inputs)
        for _ in range(self.repeats):  # ... used `repeats` times
            hidden = self.block(hidden)
        return self.head(hidden)


shared = SharedBlockMLP(units=16, repeats=3)
shared.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
history = shared.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
print("parameters:", shared.count_params(), "| weight tensors:", len(shared.weights))
print(f"training loss {history.history['loss'][-1]:.4f} | "
      f"validation MSE {shared.evaluate(x_valid, y_valid, verbose=0):.4f}")

# Exercise 2: weights only, for a model without get_config(): a new instance, then its weights.
path = os.path.join(tempfile.mkdtemp(), "shared.weights.h5")
shared.save_weights(path)
restored = SharedBlockMLP(units=16, repeats=3)
restored(x_valid[:1])  # the first call creates the variables that load_weights fills
restored.load_weights(path)
print("same predictions:", np.array_equal(restored(x_valid).numpy(),
                                          shared(x_valid).numpy()))
