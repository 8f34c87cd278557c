# The linear model y = a * X + b of the basics chapter, rewritten as a Keras model.
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The same data as before, scaled to [0, 1]; Keras expects a batch axis: [samples, features].
years = np.array([2017, 2018, 2019, 2020, 2021, 2022, 2023], dtype=np.float32)
prices = np.array([8.6, 9.3, 9.8, 10.6, 11.1, 11.9, 12.4], dtype=np.float32)
X = ((years - years.min()) / (years.max() - years.min())).reshape(-1, 1)
y = ((prices - prices.min()) / (prices.max() - prices.min())).reshape(-1, 1)
print("X:", X.shape, "y:", y.shape)


# A model is a class: layers are created in __init__, the computation goes in call().
class Linear(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = tf.keras.layers.Dense(
            units=1,
            kernel_initializer=tf.keras.initializers.Zeros(),
            bias_initializer=tf.keras.initializers.Zeros(),
            activation=None,
        )

    def call(self, inputs):
        return self.dense(inputs)


model = Linear()
print("variables before the first call:", len(model.variables))
print("prediction:", model(X[:2]).numpy().ravel())
print("variables after it:", [v.path for v in model.variables])

# The training loop of the basics chapter, with model.variables instead of [a, b].
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
for step in range(1000):
    with tf.GradientTape() as tape:
        prediction = model(X)
        loss = tf.reduce_mean((prediction - y) ** 2)
    grads = tape.gradient(loss, model.variables)
    optimizer.apply_gradients(zip(grads, model.variables))
print(f"loss = {loss.numpy():.6f}")
for variable in model.variables:
    print(variable.path, variable.shape, variable.numpy().ravel().round(4))

# Dense computes activation(inputs @ kernel + bias); the bias is broadcast over the batch.
layer = tf.keras.layers.Dense(units=3, activation="relu")
batch = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
output = layer(batch)
print("kernel:", layer.kernel.shape, "bias:", layer.bias.shape, "output:", output.shape)
by_hand = tf.nn.relu(batch @ layer.kernel + layer.bias)
print("same as by hand:", bool(tf.reduce_all(tf.abs(output - by_hand) < 1e-6)))
