# 自定义的激活函数、初始化器、正则化项和约束，全部用在同一个 Dense 层中。
import argparse
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser(description="Custom layer components on the diabetes regression.")
parser.add_argument("--epochs", type=int, default=20)
args, _ = parser.parse_known_args()  # 只解析认识的参数：notebook 内核会附加自己的命令行参数

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
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


# 四个函数；每一种接收的参数由 Keras 决定。
def stable_softplus(z):  # 激活函数：log(1 + e^z)，z 大于 20 时在 float32 中就等于 z
    return tf.where(z > 20.0, z, tf.math.log1p(tf.exp(tf.minimum(z, 20.0))))


def glorot_like(shape, dtype=tf.float32):  # 初始化器：正态分布，方差取 Glorot 的值
    std = tf.sqrt(2.0 / (shape[0] + shape[1]))
    return tf.random.normal(shape, stddev=std, dtype=dtype)


def l1_penalty(weights):  # 正则化项：返回一个加到损失上的数
    return 0.01 * tf.reduce_sum(tf.abs(weights))


def nonnegative(weights):  # 约束：返回用来替换原权重的新权重
    return tf.where(weights < 0.0, tf.zeros_like(weights), weights)


z = tf.constant([-100.0, -1.0, 0.0, 1.0, 100.0])
print("stable_softplus:", stable_softplus(z).numpy().round(4),
      "| as Keras's:", np.allclose(stable_softplus(z), tf.keras.activations.softplus(z)))
sample = glorot_like([500, 300])
print(f"glorot_like std {float(tf.math.reduce_std(sample)):.4f} | "
      f"sqrt(2 / (500 + 300)) = {np.sqrt(2 / 800):.4f}")
weights = tf.constant([[0.5, -1.0], [-2.0, 3.0]])
print(f"l1_penalty {float(l1_penalty(weights)):.4f} | "
      f"Keras's L1(0.01) {float(tf.keras.regularizers.L1(0.01)(weights)):.4f}")
print("nonnegative:", nonnegative(weights).numpy().tolist(),
      "| as Keras's NonNeg:", np.array_equal(nonnegative(weights),
                                             tf.keras.constraints.NonNeg()(weights)))


# 写成类的正则化项：系数进入配置，从而随模型一起保存。
@tf.keras.utils.register_keras_serializable(package="book")
class L1Penalty(tf.keras.regularizers.Regularizer):
    def __init__(self, factor=0.01):
        self.factor = float(factor)  # 普通的数，JSON 配置需要这样

    def __call__(self, kernel):
        return self.factor * tf.reduce_sum(tf.abs(kernel))

    def get_config(self):
        return {"factor": self.factor}


penalty = L1Penalty(factor=0.01)
print(f"L1Penalty {float(penalty(weights)):.4f} | config {penalty.get_config()}")

# 四者用在同一个 Dense 层中。
hidden = tf.keras.layers.Dense(16, activation=stable_softplus, kernel_initializer=glorot_like,
                               kernel_regularizer=L1Penalty(factor=0.01),
                               kernel_constraint=nonnegative)
model = tf.keras.Sequential([tf.keras.Input(shape=(10,)), hidden, tf.keras.layers.Dense(1)])
initial = hidden.kernel.numpy()  # 初始化器在模型构建时就已运行
print(f"initial kernel {initial.shape}: std {initial.std():.4f} "
      f"(Glorot: {np.sqrt(2 / (10 + 16)):.4f}), smallest weight {initial.min():.4f}")
print(f"model.losses: {[round(float(v), 4) for v in model.losses]} | "
      f"by hand {0.01 * np.abs(initial).sum():.4f}")

model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse")
model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
kernel = hidden.kernel.numpy()
print(f"trained kernel: smallest weight {kernel.min():.4f}, "
      f"{np.sum(kernel == 0.0)} of {kernel.size} weights exactly 0")
print(f"model.losses: {[round(float(v), 4) for v in model.losses]} | "
      f"by hand {0.01 * np.abs(kernel).sum():.4f}")
mse = float(np.mean((y_valid - model(x_valid).numpy()) ** 2))
print(f"validation MSE {mse:.4f} | evaluate() loss "
      f"{model.evaluate(x_valid, y_valid, verbose=0):.4f} = MSE + penalty")

# 保存：函数通过 custom_objects 找回，已注册的类则凭名字找回。
path = os.path.join(tempfile.mkdtemp(), "components.keras")
model.save(path)
loaded = tf.keras.models.load_model(path, custom_objects={
    "stable_softplus": stable_softplus, "glorot_like": glorot_like, "nonnegative": nonnegative})
dense = loaded.layers[0]
print("activation:", dense.activation.__name__, "| initializer:", dense.kernel_initializer.__name__,
      "| constraint:", dense.kernel_constraint.__name__,
      "| regularizer:", type(dense.kernel_regularizer).__name__, dense.kernel_regularizer.factor)
print("same predictions:", np.array_equal(loaded(x_valid).numpy(), model(x_valid).numpy()))
