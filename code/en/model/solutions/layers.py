# Solutions to the exercises of "Models and layers".
import warnings

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


class Linear(tf.keras.Model):  # the page's model, unchanged
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = tf.keras.layers.Dense(
            units=1,
            kernel_initializer=tf.keras.initializers.Zeros(),
            bias_initializer=tf.keras.initializers.Zeros(),
        )

    def call(self, inputs):
        return self.dense(inputs)


def train(model, X, y, steps=1000):
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
    for step in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(X) - y) ** 2)
        grads = tape.gradient(loss, model.variables)
        optimizer.apply_gradients(zip(grads, model.variables))
    return float(loss)


# Exercise 1: a second feature, the year squared, scaled to [0, 1] like the first.
years = np.array([2017, 2018, 2019, 2020, 2021, 2022, 2023], dtype=np.float32)
prices = np.array([8.6, 9.3, 9.8, 10.6, 11.1, 11.9, 12.4], dtype=np.float32)


def scale(values):
    return (values - values.min()) / (values.max() - values.min())


X = np.stack([scale(years), scale(years**2)], axis=1)
y = scale(prices).reshape(-1, 1)
model = Linear()
loss = train(model, X, y)
print("X:", X.shape)
for variable in model.variables:
    print(variable.path, variable.shape, variable.numpy().ravel().round(4))
print(f"loss with two features: {loss:.6f}")
# The best fit by least squares, for comparison: weights that almost cancel.
A = np.hstack([X, np.ones((7, 1), dtype=np.float32)]).astype(np.float64)
best, *_ = np.linalg.lstsq(A, y.astype(np.float64), rcond=None)
print(f"least squares: weights {best[:2].ravel().round(2)}, "
      f"loss {np.mean((A @ best - y) ** 2):.6f}")

# Exercise 2: build() instead of a first call.
model = Linear()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.build((None, 1))
print("variables after build((None, 1)):", [v.path for v in model.variables])
message = next(str(w.message) for w in caught if "build()" in str(w.message))
print("Keras warns:", message.split(". ")[0] + ".")
output = model(np.ones((3, 2), dtype=np.float32))
print("called on two features:", output.shape,
      [(v.path, tuple(v.shape)) for v in model.variables])
