# Layers: which layer for which data, stateless and stateful layers, and shape inference.
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state: layer names start again at "dense"
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# A batch of 32 samples of each kind of data, made by NumPy.
rng = np.random.default_rng(0)
vectors = rng.normal(size=(32, 16)).astype(np.float32)        # (samples, features)
sequences = rng.normal(size=(32, 20, 16)).astype(np.float32)  # (samples, timesteps, features)
images = rng.random(size=(32, 28, 28, 1)).astype(np.float32)  # (samples, height, width, channels)

dense = tf.keras.layers.Dense(8)
lstm = tf.keras.layers.LSTM(8)
conv1d = tf.keras.layers.Conv1D(8, kernel_size=3)
conv2d = tf.keras.layers.Conv2D(8, kernel_size=3)
cases = [("Dense(8)", vectors, dense),
         ("LSTM(8)", sequences, lstm),
         ("LSTM(8, return_sequences=True)", sequences,
          tf.keras.layers.LSTM(8, return_sequences=True)),
         ("Conv1D(8, 3)", sequences, conv1d),
         ("Conv2D(8, 3)", images, conv2d),
         ("Dense(8) on sequences", sequences, tf.keras.layers.Dense(8))]
for description, data, layer in cases:
    print(f"{str(data.shape):16} -> {description:31} -> {layer(data).shape}")

# Stateless layers compute a fixed function of their input: no weights.
stateless = [tf.keras.layers.Flatten(), tf.keras.layers.ReLU(), tf.keras.layers.Dropout(0.5),
             tf.keras.layers.MaxPooling2D()]
for layer in stateless:
    outputs = layer(images)
    print(f"{layer.__class__.__name__:18} output {str(outputs.shape):18} weights {layer.weights}")
print("Dropout's variables:", [v.name for v in stateless[2].variables])

# Stateful layers hold weights, created when they first saw an input (above).
batch_norm = tf.keras.layers.BatchNormalization()
batch_norm(images)
for layer in [dense, lstm, conv1d, conv2d, batch_norm]:
    shapes = [f"{w.name}{tuple(w.shape)}" for w in layer.weights]
    print(f"{layer.__class__.__name__:18} {layer.count_params():4} parameters: {', '.join(shapes)}")
print("BatchNormalization: trainable", len(batch_norm.trainable_weights),
      "| non-trainable", len(batch_norm.non_trainable_weights))


# A Dense layer of our own: the weights' shape depends on the input, so build() creates them.
class SimpleDense(tf.keras.layers.Layer):
    def __init__(self, units, activation=None, **options):
        super().__init__(**options)
        self.activation = tf.keras.activations.get(activation)  # "relu" -> relu; None -> identity
        self.units = units

    def build(self, input_shape):  # called once, by __call__, with the first input's shape
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(shape=(input_dim, self.units), name="kernel",
                                      initializer="glorot_uniform")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(tf.matmul(inputs, self.kernel) + self.bias)


layer = SimpleDense(32, activation="relu")
print("before the first call: built", layer.built, "| weights", layer.weights)
outputs = layer(vectors)
print("after the first call:  built", layer.built, "| output", outputs.shape)
print("weights:", [(w.path, tuple(w.shape)) for w in layer.weights])

# Once built, a layer's weights fix the number of input features it accepts.
try:
    dense(vectors[:, :10])  # dense was built for 16 features
except ValueError as error:
    print("ValueError:", str(error).split(": ", 1)[1])

# A stack of SimpleDense layers: no layer is told its input size.
hidden_widths = [48, 24]
model = tf.keras.Sequential(
    [SimpleDense(width, activation="relu") for width in hidden_widths] + [SimpleDense(10)],
    name="simple_mlp")
print("before the first call: built", model.built, "| weights", len(model.weights))
flat_images = images.reshape(32, -1)  # (32, 784)
logits = model(flat_images[:5])
print("after the first call:  built", model.built, "| weights", len(model.weights),
      "| logits", logits.shape)
model.summary()
print("a batch of 32:", model(flat_images).shape)
