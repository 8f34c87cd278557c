# 层：什么数据用什么层，无状态的层与有状态的层，以及形状的自动推断。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字重新从 "dense" 开始编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 用 NumPy 为每种数据各造一个批次，每批 32 个样本。
rng = np.random.default_rng(0)
vectors = rng.normal(size=(32, 16)).astype(np.float32)        # （样本，特征）
sequences = rng.normal(size=(32, 20, 16)).astype(np.float32)  # （样本，时间步，特征）
images = rng.random(size=(32, 28, 28, 1)).astype(np.float32)  # （样本，高，宽，通道）

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

# 无状态的层对输入做固定的计算，没有权重。
stateless = [tf.keras.layers.Flatten(), tf.keras.layers.ReLU(), tf.keras.layers.Dropout(0.5),
             tf.keras.layers.MaxPooling2D()]
for layer in stateless:
    outputs = layer(images)
    print(f"{layer.__class__.__name__:18} output {str(outputs.shape):18} weights {layer.weights}")
print("Dropout's variables:", [v.name for v in stateless[2].variables])

# 有状态的层带有权重，它们在上面第一次见到输入时就已创建。
batch_norm = tf.keras.layers.BatchNormalization()
batch_norm(images)
for layer in [dense, lstm, conv1d, conv2d, batch_norm]:
    shapes = [f"{w.name}{tuple(w.shape)}" for w in layer.weights]
    print(f"{layer.__class__.__name__:18} {layer.count_params():4} parameters: {', '.join(shapes)}")
print("BatchNormalization: trainable", len(batch_norm.trainable_weights),
      "| non-trainable", len(batch_norm.non_trainable_weights))


# 自己写一个全连接层：权重的形状取决于输入，所以在 build() 中创建。
class SimpleDense(tf.keras.layers.Layer):
    def __init__(self, units, activation=None, **options):
        super().__init__(**options)
        self.activation = tf.keras.activations.get(activation)  # "relu" 即 relu 函数；None 即恒等映射
        self.units = units

    def build(self, input_shape):  # 由 __call__ 调用一次，参数是第一个输入的形状
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

# 层一旦构建，权重就固定了它能接受的输入特征数。
try:
    dense(vectors[:, :10])  # dense 是按 16 个特征构建的
except ValueError as error:
    print("ValueError:", str(error).split(": ", 1)[1])

# 一摞 SimpleDense 层：没有哪一层被告知输入的大小。
hidden_widths = [48, 24]
model = tf.keras.Sequential(
    [SimpleDense(width, activation="relu") for width in hidden_widths] + [SimpleDense(10)],
    name="simple_mlp")
print("before the first call: built", model.built, "| weights", len(model.weights))
flat_images = images.reshape(32, -1)  # 形状为 (32, 784)
logits = model(flat_images[:5])
print("after the first call:  built", model.built, "| weights", len(model.weights),
      "| logits", logits.shape)
model.summary()
print("a batch of 32:", model(flat_images).shape)
