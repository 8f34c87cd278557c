# “自定义层”一页练习的解答。
import os
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# 练习 1：RMS 归一化，与 Keras 的 RMSNormalization 核对。
class RMSNorm(tf.keras.layers.Layer):
    def __init__(self, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=input_shape[-1:], initializer="ones")

    def call(self, inputs):
        mean_square = tf.reduce_mean(tf.square(inputs), axis=-1, keepdims=True)
        return self.scale * inputs / tf.sqrt(mean_square + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


rng = np.random.default_rng(0)
features = rng.normal(0.0, 2.0, size=(64, 10)).astype(np.float32)
scale = rng.normal(1.0, 0.5, size=10).astype(np.float32)
ours, keras_own = RMSNorm(), tf.keras.layers.RMSNormalization()
ours.build(features.shape)
keras_own.build(features.shape)
ours.set_weights([scale])
keras_own.set_weights([scale])
difference = float(tf.reduce_max(tf.abs(ours(features) - keras_own(features))))
print(f"RMS norm: max |ours - Keras| = {difference:.5f} | below 1e-6: {difference < 1e-6}")
unit_scale = RMSNorm()(features)  # 新建的层：缩放系数为 1
rms = tf.sqrt(tf.reduce_mean(tf.square(unit_scale), axis=-1))
means = tf.reduce_mean(unit_scale, axis=-1)
print(f"scale 1: each row's RMS {float(tf.reduce_min(rms)):.4f} to {float(tf.reduce_max(rms)):.4f}"
      f" | row means {float(tf.reduce_min(means)):.4f} to {float(tf.reduce_max(means)):.4f}")


# 练习 2：在序列的最后两个轴上做层归一化。
class LayerNorm2D(tf.keras.layers.Layer):
    def __init__(self, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):  # 每个（时间步，特征）各有一个 gamma 和一个 beta
        self.gamma = self.add_weight(name="gamma", shape=input_shape[-2:], initializer="ones")
        self.beta = self.add_weight(name="beta", shape=input_shape[-2:], initializer="zeros")

    def call(self, inputs):
        mean, variance = tf.nn.moments(inputs, axes=[-2, -1], keepdims=True)
        return self.gamma * (inputs - mean) / tf.sqrt(variance + self.epsilon) + self.beta


sequences = rng.normal(0.0, 2.0, size=(8, 5, 6)).astype(np.float32)
ours, keras_own = LayerNorm2D(), tf.keras.layers.LayerNormalization(axis=[-2, -1])
ours.build(sequences.shape)
keras_own.build(sequences.shape)
print("gamma:", tuple(ours.gamma.shape), "| Keras's gamma:", tuple(keras_own.gamma.shape))
weights = [rng.normal(1.0, 0.5, size=(5, 6)).astype(np.float32),
           rng.normal(0.0, 0.5, size=(5, 6)).astype(np.float32)]
ours.set_weights(weights)
keras_own.set_weights(weights)
difference = float(tf.reduce_max(tf.abs(ours(sequences) - keras_own(sequences))))
print(f"two axes: max |ours - Keras| = {difference:.5f} | below 1e-6: {difference < 1e-6}")


# 练习 3：本页的平方特征层，写成两种能在安全模式下加载的形式。
@tf.keras.utils.register_keras_serializable(package="book")
def append_squares(x):
    return tf.concat([x, tf.square(x)], axis=-1)


@tf.keras.utils.register_keras_serializable(package="book")
class AppendSquares(tf.keras.layers.Layer):  # 没有权重，也没有参数：不需要 get_config
    def call(self, inputs):
        return tf.concat([inputs, tf.square(inputs)], axis=-1)


folder = tempfile.mkdtemp()
inputs = np.array([[0.5, -1.0, 2.0]], dtype=np.float32)
tf.keras.utils.set_random_seed(42)  # 两个模型的 Dense 权重相同
with_function = tf.keras.Sequential([tf.keras.Input(shape=(3,)),
                                     tf.keras.layers.Lambda(append_squares),
                                     tf.keras.layers.Dense(1)])
tf.keras.utils.set_random_seed(42)
with_layer = tf.keras.Sequential([tf.keras.Input(shape=(3,)), AppendSquares(),
                                  tf.keras.layers.Dense(1)])
for name, model in [("registered function", with_function), ("layer subclass", with_layer)]:
    path = os.path.join(folder, "model.keras")
    model.save(path)
    reloaded = tf.keras.models.load_model(path)  # 安全模式，即默认设置
    print(f"{name}: reloaded {reloaded(inputs).numpy().round(4)} | "
          f"same: {np.array_equal(reloaded(inputs), model(inputs))}")
print("saved as:", with_function.layers[0].get_config()["function"]["config"])
