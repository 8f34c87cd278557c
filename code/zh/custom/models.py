# 自定义模型：残差块，由重复的块组成的模型，训练、保存、重新加载。
import argparse
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser(description="A subclassed model of residual blocks.")
parser.add_argument("--epochs", type=int, default=10)
args, _ = parser.parse_known_args()  # 只解析认识的参数：notebook 内核会附加自己的命令行参数

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# 残差块：两个 Dense 层，再把块的输入加到它们的输出上。
@tf.keras.utils.register_keras_serializable(package="book")
class ResidualBlock(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = tf.keras.layers.Dense(units, activation="relu",
                                           kernel_initializer="he_normal", name="inner")
        self.outer = tf.keras.layers.Dense(units, kernel_initializer="zeros",  # 从零开始
                                           name="outer")

    def call(self, inputs):
        return inputs + self.outer(self.inner(inputs))  # 跳跃连接

    def compute_output_shape(self, input_shape):  # 输出形状等于收到的形状，供 summary() 使用
        return input_shape

    def get_config(self):
        return {**super().get_config(), "units": self.units}


block = ResidualBlock(4, name="block")
print("output:", block(tf.ones([2, 4])).shape)
print("weights:", [weight.path for weight in block.weights])
methods = ["fit", "evaluate", "predict", "save", "summary"]
print("Layer has:", [m for m in methods if hasattr(tf.keras.layers.Layer, m)],
      "| Model has:", [m for m in methods if hasattr(tf.keras.Model, m)])


# 由重复的块搭成的模型：先投影到 `units` 维，再经过各个块，最后一个输出。
@tf.keras.utils.register_keras_serializable(package="book")
class ResidualMLP(tf.keras.Model):
    def __init__(self, units=16, blocks=3, output_dim=1, **kwargs):
        super().__init__(**kwargs)
        self.units, self.blocks, self.output_dim = units, blocks, output_dim
        self.project = tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal", name="project")
        self.residual_blocks = [ResidualBlock(units, name=f"block_{i}") for i in range(blocks)]
        self.head = tf.keras.layers.Dense(output_dim, name="head")

    def call(self, inputs):
        hidden = self.project(inputs)
        for residual_block in self.residual_blocks:
            hidden = residual_block(hidden)
        return self.head(hidden)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "blocks": self.blocks,
                "output_dim": self.output_dim}


# 糖尿病数据，划分与标准化的方式和“自定义损失函数”一页相同（留出的 90 人用于验证）。
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y = ((target - target[train].mean()) / target[train].std()).astype(np.float32).reshape(-1, 1)
x_train, y_train, x_valid, y_valid = x[train], y[train], x[valid], y[valid]
baseline = y_train.mean()  # 总是预测训练集目标值的平均值
print(f"validation MSE of the training mean: {float(np.mean((y_valid - baseline) ** 2)):.4f}")
with_bias = np.hstack([x_train, np.ones([len(x_train), 1], np.float32)])
coefficients = np.linalg.lstsq(with_bias, y_train, rcond=None)[0]  # 线性最小二乘
linear = x_valid @ coefficients[:-1] + coefficients[-1]
print(f"validation MSE of a linear regression: {float(np.mean((linear - y_valid) ** 2)):.4f}")

model = ResidualMLP(units=16, blocks=3, name="residual_mlp")
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
print(f"training loss {history.history['loss'][0]:.4f} -> {history.history['loss'][-1]:.4f} | "
      f"validation MSE {model.evaluate(x_valid, y_valid, verbose=0):.4f}")
model.summary()

# 保存为 .keras 文件再加载回来：类、配置和预测值都不变。
path = os.path.join(tempfile.mkdtemp(), "residual_mlp.keras")
model.save(path)
reloaded = tf.keras.models.load_model(path)
print(type(reloaded).__name__, {key: reloaded.get_config()[key] for key in ["units", "blocks"]},
      "| same predictions:", np.array_equal(reloaded.predict(x_valid, verbose=0),
                                            model.predict(x_valid, verbose=0)))
