# 自定义层：Lambda 层、能保存的全连接层、两个输入两个输出的层、噪声层、层归一化。
import os
import re
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()
folder = tempfile.mkdtemp()  # 保存的模型都放在这里，绝不放进仓库

# 由函数得到的无权重层：输出取指数，预测值就总是正的。
exponential = tf.keras.layers.Lambda(lambda x: tf.exp(x), name="exponential")
print(exponential(tf.constant([[-1.0, 0.0, 1.0, 2.0]])).numpy().round(4))
positive_model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(2),
                                      exponential])
inputs = np.array([[0.5, -1.0, 2.0]], dtype=np.float32)
print("outputs:", positive_model(inputs).numpy().round(4))

# 保存没有问题；加载时却拒绝 lambda 的 Python 字节码，除非声明它可信。
lambda_path = os.path.join(folder, "with_lambda.keras")
positive_model.save(lambda_path)
try:
    tf.keras.models.load_model(lambda_path)
except ValueError as error:
    print("ValueError:", error)
unsafe = tf.keras.models.load_model(lambda_path, safe_mode=False)
try:
    unsafe(inputs)
except NameError as error:  # 字节码回来了，它用到的模块却没有回来
    print("NameError:", re.search(r"name '\w+' is not defined", str(error)).group(0))


# 能保存、克隆和重新加载的全连接层：它知道自己的配置。
@tf.keras.utils.register_keras_serializable(package="book")
class FullyConnected(tf.keras.layers.Layer):
    def __init__(self, units, activation=None, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.activation = tf.keras.activations.get(activation)
        self.kernel_initializer = tf.keras.initializers.get(kernel_initializer)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer=self.kernel_initializer, name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(inputs @ self.kernel + self.bias)

    def compute_output_shape(self, input_shape):  # 符号输入：不调用 call 就得出形状
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):  # __init__ 重建同样的层所需的一切
        return {**super().get_config(), "units": self.units,
                "activation": tf.keras.activations.serialize(self.activation),
                "kernel_initializer": tf.keras.initializers.serialize(self.kernel_initializer)}


hidden = FullyConnected(4, activation="relu", kernel_initializer="he_normal", name="hidden")
config = hidden.get_config()
print({key: config[key] for key in ["name", "units", "activation"]},
      "| initializer:", config["kernel_initializer"]["class_name"])
print("symbolic output:", hidden(tf.keras.Input(shape=(3,))).shape,
      "| compute_output_shape:", hidden.compute_output_shape((None, 7, 3)))
twin = FullyConnected.from_config(config)  # 配置相同，但还没有权重
print("twin:", twin.name, twin.units, twin.activation.__name__, "| built:", twin.built)
try:
    FullyConnected(4, dynamic=True)  # Keras 2 中表示层必须即时执行的标志
except ValueError as error:
    print("ValueError:", error)

# 在模型中，这个层按名字和配置保存，在安全模式下就能加载。
dense_model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), hidden, FullyConnected(1)])
dense_path = os.path.join(folder, "with_fully_connected.keras")
dense_model.save(dense_path)
reloaded = tf.keras.models.load_model(dense_path)
print([type(layer).__name__ for layer in reloaded.layers],
      "| same outputs:", np.array_equal(reloaded(inputs), dense_model(inputs)))


# 多个输入、多个输出：call() 接收一个列表，返回一个列表。
class SumAndProduct(tf.keras.layers.Layer):
    def call(self, inputs):
        a, b = inputs
        return [a + b, a * b]

    def compute_output_shape(self, input_shapes):
        return [input_shapes[0], input_shapes[0]]


input_a = tf.keras.Input(shape=(2,), name="a")
input_b = tf.keras.Input(shape=(2,), name="b")
total, product = SumAndProduct(name="sum_and_product")([input_a, input_b])
pair_model = tf.keras.Model(inputs=[input_a, input_b], outputs=[total, product])
print("outputs:", [tuple(output.shape) for output in pair_model.outputs])
a = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
b = np.array([[10.0, 20.0], [0.5, -1.0]], dtype=np.float32)
sums, products = pair_model([a, b])
print("a + b:", sums.numpy().tolist(), "| a * b:", products.numpy().tolist())


# 只在训练时加高斯噪声的层：call() 有一个 `training` 参数。
class TrainingNoise(tf.keras.layers.Layer):
    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev, self.seed = stddev, seed
        self.seed_generator = tf.keras.random.SeedGenerator(seed)  # Keras 3 的随机数状态

    def call(self, inputs, training=False):
        if training:
            noise = tf.keras.random.normal(tf.shape(inputs), stddev=self.stddev,
                                           seed=self.seed_generator)
            return inputs + noise
        return inputs

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


noise = TrainingNoise(stddev=0.5, seed=1)
zeros = tf.zeros([10000, 1])
print(f"training=True:  std {float(tf.math.reduce_std(noise(zeros, training=True))):.4f}")
print(f"training=False: std {float(tf.math.reduce_std(noise(zeros, training=False))):.4f}")

# 在模型中：fit() 用 training=True 调用它，evaluate() 和 predict() 用 training=False。
x = np.linspace(-1, 1, 256, dtype=np.float32).reshape(-1, 1)
y = 2 * x  # 下面的 Dense 层被设成恰好计算 y = 2x
noisy_model = tf.keras.Sequential([tf.keras.Input(shape=(1,)), TrainingNoise(0.5, seed=2),
                                   tf.keras.layers.Dense(1)])
noisy_model.layers[-1].set_weights([np.array([[2.0]], np.float32), np.zeros(1, np.float32)])
for training in [True, False]:
    error = float(tf.reduce_mean((noisy_model(x, training=training) - y) ** 2))
    print(f"model(x, training={training}): MSE {error:.4f}")
noisy_model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.0), loss="mse")  # 不更新权重
history = noisy_model.fit(x, y, epochs=1, batch_size=64, verbose=0)
print(f"fit loss {history.history['loss'][0]:.4f} | "
      f"evaluate loss {noisy_model.evaluate(x, y, verbose=0):.4f}")
print("predict twice, same:", np.array_equal(noisy_model.predict(x, verbose=0),
                                             noisy_model.predict(x, verbose=0)))


# 层归一化：对每个样本的特征做标准化，再缩放、平移。
class LayerNorm(tf.keras.layers.Layer):
    def __init__(self, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.gamma = self.add_weight(name="gamma", shape=input_shape[-1:], initializer="ones")
        self.beta = self.add_weight(name="beta", shape=input_shape[-1:], initializer="zeros")

    def call(self, inputs):
        mean, variance = tf.nn.moments(inputs, axes=[-1], keepdims=True)
        return self.gamma * (inputs - mean) / tf.sqrt(variance + self.epsilon) + self.beta

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


rng = np.random.default_rng(0)
features = rng.normal(0.0, 2.0, size=(64, 10)).astype(np.float32)
ours, keras_own = LayerNorm(), tf.keras.layers.LayerNormalization(epsilon=1e-3)
ours.build(features.shape)
keras_own.build(features.shape)
gamma = rng.normal(1.0, 0.5, size=10).astype(np.float32)  # 不取 1 和 0，核对时把它们也包括进去
beta = rng.normal(0.0, 0.5, size=10).astype(np.float32)
ours.set_weights([gamma, beta])
keras_own.set_weights([gamma, beta])
difference = float(tf.reduce_max(tf.abs(ours(features) - keras_own(features))))
print(f"max |ours - Keras| = {difference:.5f} | below 1e-6: {difference < 1e-6}")
mean, variance = tf.nn.moments(features, axes=[-1], keepdims=True)
std_plus_epsilon = gamma * (features - mean) / (tf.sqrt(variance) + 1e-3) + beta
other = float(tf.reduce_max(tf.abs(std_plus_epsilon - keras_own(features))))
print(f"dividing by std + epsilon instead: {other:.5f} | below 1e-6: {other < 1e-6}")
