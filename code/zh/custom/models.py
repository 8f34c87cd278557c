# 自定义模型：残差块，由重复的块组成的模型，训练、保存、重新加载。
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="A subclassed model of residual blocks.")
parser.add_argument("--epochs", type=int, default=10)
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


def make_data(n, seed, outliers=0.02):
    # 本章的回归任务：8 个特征；目标值是特征的非线性函数，加上标准差为 0.1 的
    # 高斯噪声；另有比例为 `outliers` 的目标值在噪声之外再加上粗大误差
    # （稳健的损失函数应当不受它们左右）。
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, 8)).astype(np.float32)
    y = (np.sin(1.5 * x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + 0.25 * x[:, 3] ** 2
         - 0.5 * np.abs(x[:, 4]) + 0.3 * x[:, 5])  # x[:, 6] 和 x[:, 7] 与目标无关
    y = y + rng.normal(0.0, 0.1, size=n)
    gross = rng.random(n) < outliers
    y[gross] += rng.normal(0.0, 5.0, size=int(gross.sum()))
    return x, y.astype(np.float32).reshape(-1, 1)


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
      "| Model has:", [m for m in methods if hasattr(tf.keras.Model, m)],
      "| a Model is a Layer:", issubclass(tf.keras.Model, tf.keras.layers.Layer))


# 由重复的块搭成的模型：先投影到 `units` 维，再经过各个块，最后一个输出。
@tf.keras.utils.register_keras_serializable(package="book")
class ResidualMLP(tf.keras.Model):
    def __init__(self, units=64, blocks=3, output_dim=1, **kwargs):
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


# 本章的回归任务（与“自定义损失函数”一页相同），以及模型必须超过的基线。
x_train, y_train = make_data(20000, seed=1)
x_test, y_test = make_data(5000, seed=2, outliers=0.0)  # 目标值不含离群值：MSE 的下限是 0.01
column = np.ones([len(x_train), 1], np.float32)
coefficients = np.linalg.lstsq(np.hstack([x_train, column]), y_train, rcond=None)[0]
linear = x_test @ coefficients[:-1] + coefficients[-1]
print(f"test MSE of least squares: {float(np.mean((linear - y_test) ** 2)):.4f}")

model = ResidualMLP(units=64, blocks=3, name="residual_mlp")
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=0)
print(f"training loss {history.history['loss'][0]:.4f} -> {history.history['loss'][-1]:.4f} | "
      f"test MSE {model.evaluate(x_test, y_test, verbose=0):.4f}")
model.summary()

# 保存为 .keras 文件再加载回来：类、配置和预测值都不变。
path = os.path.join(tempfile.mkdtemp(), "residual_mlp.keras")
model.save(path)
reloaded = tf.keras.models.load_model(path)
print(type(reloaded).__name__, {key: reloaded.get_config()[key] for key in ["units", "blocks"]},
      "| same predictions:", np.array_equal(reloaded.predict(x_test, verbose=0),
                                            model.predict(x_test, verbose=0)))
