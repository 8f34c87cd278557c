# Solutions to the exercises of "Custom models".
import os
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
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


x_train, y_train = make_data(20000, seed=1)
x_test, y_test = make_data(5000, seed=2, outliers=0.0)


class Block(tf.keras.layers.Layer):  # the page's ResidualBlock, unregistered
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = tf.keras.layers.Dense(units, activation="relu", kernel_initializer="he_normal")
        self.outer = tf.keras.layers.Dense(units, kernel_initializer="zeros")

    def call(self, inputs):
        return inputs + self.outer(self.inner(inputs))


class BlockMLP(tf.keras.Model):
    def __init__(self, units=64, repeats=3, shared=True, **kwargs):
        super().__init__(**kwargs)
        self.project = tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal")
        count = 1 if shared else repeats  # one block used `repeats` times, or one block each
        self.residual_blocks = [Block(units) for _ in range(count)]
        self.schedule = [self.residual_blocks[0 if shared else i] for i in range(repeats)]
        self.head = tf.keras.layers.Dense(1)

    def call(self, inputs):
        hidden = self.project(inputs)
        for block in self.schedule:
            hidden = block(hidden)
        return self.head(hidden)


# Exercise 1: one block applied several times shares its weights.
results = {}
for shared in [True, False]:
    for seed in [1, 2, 3]:  # several seeds: one run per seed and per design
        tf.keras.utils.set_random_seed(seed)
        model = BlockMLP(shared=shared)
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse",
                      steps_per_execution=32)
        model.fit(x_train, y_train, epochs=10, batch_size=128, verbose=0)
        results.setdefault(shared, []).append(model.evaluate(x_test, y_test, verbose=0))
    name = "one shared block" if shared else "three blocks"
    mse = results[shared]
    print(f"{name:16s}: {model.count_params():6,d} parameters, {len(model.weights):2d} tensors"
          f" | test MSE {' '.join(f'{r:.4f}' for r in mse)},"
          f" mean {np.mean(mse):.4f} ± {np.std(mse):.4f}")

# Exercise 2: weights only, for a model without get_config(): a new instance, then its weights.
tf.keras.utils.set_random_seed(1)
trained = BlockMLP(shared=True)  # a shared-block model, trained for one epoch
trained.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
trained.fit(x_train, y_train, epochs=1, batch_size=128, verbose=0)
path = os.path.join(tempfile.mkdtemp(), "shared.weights.h5")
trained.save_weights(path)
restored = BlockMLP(shared=True)
restored(x_test[:1])  # the first call creates the variables that load_weights fills
restored.load_weights(path)
print("same predictions:", np.array_equal(restored(x_test).numpy(), trained(x_test).numpy()))
