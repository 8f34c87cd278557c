# Solutions to the exercises of "Keras 3 behaviour changes".
import os
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


def make_data(n, seed, outliers=0.02):  # the chapter's regression task (see the page)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, 8)).astype(np.float32)
    y = (np.sin(1.5 * x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + 0.25 * x[:, 3] ** 2
         - 0.5 * np.abs(x[:, 4]) + 0.3 * x[:, 5])
    y = y + rng.normal(0.0, 0.1, size=n)
    gross = rng.random(n) < outliers
    y[gross] += rng.normal(0.0, 5.0, size=int(gross.sum()))
    return x, y.astype(np.float32).reshape(-1, 1)


x_train, y_train = make_data(20000, seed=1)


# Exercise 1: a count of training batches, kept in a tf.Variable and in add_weight.
class CountVariable(tf.keras.layers.Layer):
    def build(self, input_shape):
        self.count = tf.Variable(0, name="count")

    def call(self, inputs, training=None):
        if training:  # a Python bool that Keras passes: no tensor involved
            self.count.assign_add(1)
        return inputs


class CountWeight(CountVariable):
    def build(self, input_shape):
        self.count = self.add_weight(shape=(), dtype="int32", initializer="zeros",
                                     trainable=False, name="count")


folder = tempfile.mkdtemp()
for counter in [CountVariable, CountWeight]:
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), counter(),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x_train, y_train, epochs=1, batch_size=500, verbose=0)
    path = os.path.join(folder, f"{counter.__name__}.keras")
    model.save(path)
    reloaded = tf.keras.models.load_model(path, custom_objects={counter.__name__: counter})
    print(f"{counter.__name__}: counted {int(model.layers[0].count.numpy())} batches | "
          f"non-trainable weights {[w.path for w in model.non_trainable_weights]} | "
          f"after reloading {int(reloaded.layers[0].count.numpy())}")


# Exercise 2: the losses page's pinball loss with keras.ops, beside its tf.* original.
def pinball_tf(quantile):
    def pinball_loss(y_true, y_pred):
        error = y_true - y_pred
        return tf.reduce_mean(tf.maximum(quantile * error, (quantile - 1.0) * error), axis=-1)
    return pinball_loss


def pinball_ops(quantile):
    def pinball_loss(y_true, y_pred):
        ops = tf.keras.ops
        error = y_true - y_pred
        return ops.mean(ops.maximum(quantile * error, (quantile - 1.0) * error), axis=-1)
    return pinball_loss


rng = np.random.default_rng(0)
targets = rng.normal(size=(1000, 1)).astype(np.float32)
predictions = rng.normal(size=(1000, 1)).astype(np.float32)
for quantile in [0.1, 0.5, 0.9]:
    same = np.array_equal(pinball_tf(quantile)(targets, predictions).numpy(),
                          pinball_ops(quantile)(targets, predictions).numpy())
    print(f"quantile {quantile}: tf.* and keras.ops agree bit for bit: {same}")
symbolic = tf.keras.Input(shape=(1,))
print("keras.ops on an Input:", type(pinball_ops(0.9)(symbolic, symbolic)).__name__)


# Exercise 3: weights computed from the inputs in compute_loss, against sample_weight.
def weights_of(x):  # samples with |x0| > 1 count twice
    return 1.0 + tf.cast(tf.abs(x[:, 0]) > 1.0, tf.float32)


class WeightedByInputs(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.features = tf.keras.layers.Dense(32, activation="relu")
        self.out = tf.keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.features(inputs))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return super().compute_loss(x, y, y_pred, weights_of(x), training=training)


class Plain(WeightedByInputs):
    compute_loss = tf.keras.Model.compute_loss  # Keras's own


trained = []
for model_class, extra in [(WeightedByInputs, {}),
                           (Plain, {"sample_weight": weights_of(x_train).numpy()})]:
    tf.keras.utils.set_random_seed(42)
    model = model_class()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss="mse")
    history = model.fit(x_train, y_train, epochs=2, batch_size=128, verbose=0, **extra)
    trained.append(model)
    print(f"{model_class.__name__}: losses {np.round(history.history['loss'], 6).tolist()}")
print("same weights after training:", all(np.array_equal(a, b) for a, b in
                                          zip(trained[0].get_weights(), trained[1].get_weights())))
