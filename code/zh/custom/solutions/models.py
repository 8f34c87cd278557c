# “自定义模型”一页练习的解答。
import os
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
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


x_train, y_train = make_data(20000, seed=1)
x_test, y_test = make_data(5000, seed=2, outliers=0.0)


class Block(tf.keras.layers.Layer):  # 即本页的 ResidualBlock，只是没有注册
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.inner = tf.keras.layers.Dense(units, activation="relu", kernel_initializer="he_normal")
        self.outer = tf.keras.layers.Dense(units, kernel_initializer="zeros")

    def call(self, inputs):
        return inputs + self.outer(self.inner(inputs))


class BlockMLP(tf.keras.Model):
    def __init__(self, units=64, repeats=3, shared=True, **kwargs):
        super().__init__(**kwargs)
        self.project = tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal")
        count = 1 if shared else repeats  # 一个块用 `repeats` 次，或者每次用一个新块
        self.residual_blocks = [Block(units) for _ in range(count)]
        self.schedule = [self.residual_blocks[0 if shared else i] for i in range(repeats)]
        self.head = tf.keras.layers.Dense(1)

    def call(self, inputs):
        hidden = self.project(inputs)
        for block in self.schedule:
            hidden = block(hidden)
        return self.head(hidden)


# 练习 1：同一个块使用多次，各次共享权重。
results = {}
for shared in [True, False]:
    for seed in [1, 2, 3]:  # 多个种子：每个种子、每种设计各训练一次
        tf.keras.utils.set_random_seed(seed)
        model = BlockMLP(shared=shared)
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse",
                      steps_per_execution=32)
        model.fit(x_train, y_train, epochs=10, batch_size=128, verbose=0)
        results.setdefault(shared, []).append(model.evaluate(x_test, y_test, verbose=0))
    name = "one shared block" if shared else "three blocks"
    mse = results[shared]
    print(f"{name:16s}: {model.count_params():6,d} parameters, {len(model.weights):2d} tensors"
          f" | test MSE {' '.join(f'{r:.4f}' for r in mse)},"
          f" mean {np.mean(mse):.4f} ± {np.std(mse):.4f}")

# 练习 2：只保存权重，适用于没有 get_config() 的模型：先新建实例，再载入权重。
tf.keras.utils.set_random_seed(1)
trained = BlockMLP(shared=True)  # 一个共享块的模型，训练一轮
trained.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
trained.fit(x_train, y_train, epochs=1, batch_size=128, verbose=0)
path = os.path.join(tempfile.mkdtemp(), "shared.weights.h5")
trained.save_weights(path)
restored = BlockMLP(shared=True)
restored(x_test[:1])  # 第一次调用创建变量，load_weights 再往里面填值
restored.load_weights(path)
print("same predictions:", np.array_equal(restored(x_test).numpy(), trained(x_test).numpy()))
