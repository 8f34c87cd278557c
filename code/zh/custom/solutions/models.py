# 《自定义模型》一节练习的参考答案。
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 糖尿病数据，划分与标准化的方式和“自定义损失函数”一页相同。
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y = ((target - target[train].mean()) / target[train].std()).astype(np.float32).reshape(-1, 1)
x_train, y_train, x_valid, y_valid = x[train], y[train], x[valid], y[valid]


# 练习 1：同一个块用好几次，权重是共享的。
class SharedBlock(tf.keras.layers.Layer):  # 即正文中的 ResidualBlock，但没有注册
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = tf.keras.layers.Dense(units, activation="relu", kernel_initializer="he_normal")
        self.outer = tf.keras.layers.Dense(units, kernel_initializer="zeros")

    def call(self, inputs):
        return inputs + self.outer(self.inner(inputs))


class SharedBlockMLP(tf.keras.Model):
    def __init__(self, units=16, repeats=3, **kwargs):
        super().__init__(**kwargs)
        self.repeats = repeats
        self.project = tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal")
        self.block = SharedBlock(units)  # 只有一个块……
        self.head = tf.keras.layers.Dense(1)

    def call(self, inputs):
        hidden = self.project(inputs)
        for _ in range(self.repeats):  # ……用 `repeats` 次
            hidden = self.block(hidden)
        return self.head(hidden)


shared = SharedBlockMLP(units=16, repeats=3)
shared.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
history = shared.fit(x_train, y_train, epochs=10, batch_size=32, verbose=0)
print("parameters:", shared.count_params(), "| weight tensors:", len(shared.weights))
print(f"training loss {history.history['loss'][-1]:.4f} | "
      f"validation MSE {shared.evaluate(x_valid, y_valid, verbose=0):.4f}")

# 练习 2：没有 get_config() 的模型只保存权重：先新建实例，再加载权重。
path = os.path.join(tempfile.mkdtemp(), "shared.weights.h5")
shared.save_weights(path)
restored = SharedBlockMLP(units=16, repeats=3)
restored(x_valid[:1])  # 第一次调用创建变量，load_weights 再往里填值
restored.load_weights(path)
print("same predictions:", np.array_equal(restored(x_valid).numpy(),
                                          shared(x_valid).numpy()))
