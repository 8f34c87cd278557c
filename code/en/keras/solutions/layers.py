# Solutions to the exercises of "Layers, the building blocks".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Exercise 1: parameter counts by hand, checked against count_params().
cases = [("Dense(8), 16 features", tf.keras.layers.Dense(8), (32, 16), 16 * 8 + 8),
         ("Dense(8), 20 steps of 16", tf.keras.layers.Dense(8), (32, 20, 16), 16 * 8 + 8),
         ("LSTM(8), 16 features", tf.keras.layers.LSTM(8), (32, 20, 16), 4 * (16 * 8 + 8 * 8 + 8)),
         ("LSTM(8), 100 steps", tf.keras.layers.LSTM(8), (32, 100, 16), 4 * (16 * 8 + 8 * 8 + 8)),
         ("Conv1D(8, 3), 16 channels", tf.keras.layers.Conv1D(8, 3), (32, 20, 16), 3 * 16 * 8 + 8),
         ("Conv2D(8, 3), 1 channel", tf.keras.layers.Conv2D(8, 3), (32, 28, 28, 1), 9 * 1 * 8 + 8),
         ("Conv2D(8, 3), 3 channels", tf.keras.layers.Conv2D(8, 3), (32, 28, 28, 3), 9 * 3 * 8 + 8)]
for description, layer, shape, by_hand in cases:
    layer(np.zeros(shape, dtype=np.float32))
    print(f"{description:26} by hand {by_hand:4} | Keras {layer.count_params():4}")

# Exercise 2: Dropout has no weights, but its output depends on the training flag.
dropout = tf.keras.layers.Dropout(0.5)
ones = np.ones((1, 10000), dtype=np.float32)
for training in (True, False):
    out = dropout(ones, training=training).numpy()
    print(f"training={training!s:5}: zeros {np.mean(out == 0):.4f} | "
          f"values kept {np.unique(out[out != 0])} | mean {out.mean():.4f}")
model = tf.keras.Sequential([tf.keras.layers.Dense(1, kernel_initializer="ones"), dropout])
outputs = model(np.ones((1000, 4), dtype=np.float32), training=True).numpy()
print(f"inside a model, training=True: zeros {np.mean(outputs == 0):.4f}")


# Exercise 3: SimpleDense with an input_spec, so that __call__ checks every input.
class SimpleDense(tf.keras.layers.Layer):
    def __init__(self, units, activation=None, **options):
        super().__init__(**options)
        self.activation = tf.keras.activations.get(activation)
        self.units = units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(shape=(input_dim, self.units), name="kernel",
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(tf.matmul(inputs, self.kernel) + self.bias)


class CheckedDense(SimpleDense):
    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = tf.keras.layers.InputSpec(min_ndim=2, axes={-1: input_shape[-1]})


layer = CheckedDense(4)
print("first call:", layer(np.ones((2, 5), dtype=np.float32)).shape)
for bad in [np.ones((2, 6), dtype=np.float32), np.ones((5,), dtype=np.float32)]:
    try:
        layer(bad)
    except ValueError as error:
        print("ValueError:", str(error).split(": ", 1)[1].split("\n")[0])
