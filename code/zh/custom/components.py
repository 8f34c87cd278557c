# 自定义激活函数、初始化器、正则化项和约束，用在本章的回归任务上。
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Custom layer components on the chapter's task.")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--seeds", type=int, default=3, help="runs with and without the components")
# 在笔记本中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if args.seeds < 1:
    parser.error("--seeds must be at least 1")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层名重新编号
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


# 写成函数的激活函数和初始化器：各自接收 Keras 传给它们的参数。
def smooth_relu(z):  # 激活函数：(z + sqrt(z^2 + 1)) / 2，拐角被磨圆的 ReLU
    return (z + tf.sqrt(tf.square(z) + 1.0)) / 2.0


def fan_in_uniform(shape, dtype=None):  # 初始化器：方差为 1 / fan_in，适用于任意阶的权重
    fan_in = int(np.prod(shape[:-1]))  # 除最后一个轴外，其余各轴都汇入同一个输出单元
    limit = np.sqrt(3.0 / fan_in)  # [-a, a] 上均匀分布的方差是 a^2 / 3
    return tf.random.uniform(shape, -limit, limit, dtype=dtype or tf.float32)


z = tf.constant([-1000.0, -2.0, 0.0, 2.0, 1000.0])
with tf.GradientTape() as tape:
    tape.watch(z)
    values = smooth_relu(z)
print("smooth_relu:", [round(float(v), 4) for v in values],
      "| slope:", [round(float(v), 4) for v in tape.gradient(values, z)])
for shape in [(8, 64), (3, 3, 16, 32)]:  # Dense 层的权重矩阵和 Conv2D 层的卷积核
    sample = fan_in_uniform(shape)
    print(f"fan_in_uniform{shape}: std {float(tf.math.reduce_std(sample)):.4f} | "
          f"1 / sqrt(fan_in) = {1 / np.sqrt(np.prod(shape[:-1])):.4f}")


# 正则化项写成类（系数进入配置），约束写成函数。
@tf.keras.utils.register_keras_serializable(package="book")
class GroupLasso(tf.keras.regularizers.Regularizer):
    # 系数 × 权重矩阵各行范数之和：每个输入特征对应一行

    def __init__(self, factor=0.001):
        self.factor = float(factor)  # 普通的数，JSON 配置需要这样

    def __call__(self, kernel):
        return self.factor * tf.reduce_sum(tf.norm(kernel, axis=1))

    def get_config(self):
        return {"factor": self.factor}


def cap_unit_norms(kernel):  # 约束：每个单元的输入权重范数不超过 1
    norms = tf.norm(kernel, axis=0, keepdims=True)  # 每个单元一列
    return kernel * tf.minimum(1.0, 1.0 / tf.maximum(norms, 1e-7))


kernel = tf.constant([[3.0, 0.0, 0.1], [4.0, 0.0, 0.2]])  # 各列范数为 5、0 和 0.22
print(f"GroupLasso(0.001): {float(GroupLasso(0.001)(kernel)):.4f} | config "
      f"{GroupLasso(0.001).get_config()}")
capped = cap_unit_norms(kernel)
print("cap_unit_norms:", [[round(float(w), 4) for w in row] for row in capped],
      "| column norms after:", [round(float(n), 4) for n in tf.norm(capped, axis=0)])


def make_model(custom):
    # 两个隐藏层；custom=True 时，惩罚加在第一层，范数上限加在第二层
    first = tf.keras.layers.Dense(64, activation=smooth_relu, kernel_initializer=fan_in_uniform,
                                  kernel_regularizer=GroupLasso(0.001) if custom else None)
    second = tf.keras.layers.Dense(64, activation=smooth_relu, kernel_initializer=fan_in_uniform,
                                   kernel_constraint=cap_unit_norms if custom else None)
    return tf.keras.Sequential([tf.keras.Input(shape=(8,)), first, second,
                                tf.keras.layers.Dense(1)])


tf.keras.utils.set_random_seed(0)
model = make_model(custom=True)  # 初始化器此刻运行：输入形状已知
first, second = model.layers[0], model.layers[1]
print(f"before training: model.losses {[round(float(v), 4) for v in model.losses]} | by hand "
      f"{0.001 * np.linalg.norm(first.kernel.numpy(), axis=1).sum():.4f} | largest unit norm "
      f"in the second layer {np.linalg.norm(second.kernel.numpy(), axis=0).max():.4f}")


def row_norms_and_score(custom, seed):
    tf.keras.utils.set_random_seed(seed)  # 有无这些组件，初始权重和批次都相同
    model = make_model(custom)
    model.compile(loss=tf.keras.losses.LogCosh(), optimizer=tf.keras.optimizers.Adam(0.005),
                  metrics=[tf.keras.metrics.MeanSquaredError()], steps_per_execution=32)
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=256, verbose=0)
    rows = np.linalg.norm(model.layers[0].kernel.numpy(), axis=1)
    units = np.linalg.norm(model.layers[1].kernel.numpy(), axis=0)
    test_mse = model.evaluate(x_test, y_test, verbose=0)[1]
    return model, rows, units.max(), test_mse


for seed in range(args.seeds):
    for custom in [False, True]:
        model, rows, largest, test_mse = row_norms_and_score(custom, seed)
        if seed == 0:
            print(f"{'with' if custom else 'without':7s} row norms x0..x7:",
                  [round(float(r), 2) for r in rows])
        print(f"seed {seed} {'with' if custom else 'without':7s}: x6, x7 / x0..x5 "
              f"{rows[6:].mean() / rows[:6].mean():.3f} | largest unit norm {largest:.4f} | "
              f"test MSE {test_mse:.4f}")
# 最后一个模型带惩罚：evaluate() 报告的损失包含惩罚。
results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
log_cosh = float(tf.keras.losses.LogCosh()(y_test, model(x_test)))
print(f"evaluate(): loss {results['loss']:.4f} = log-cosh {log_cosh:.4f} "
      f"+ penalty {float(tf.add_n(model.losses)):.4f}")

# 保存：函数通过 custom_objects 找到，注册过的类凭名字找到。
path = os.path.join(tempfile.mkdtemp(), "components.keras")
model.save(path)
loaded = tf.keras.models.load_model(path, custom_objects={
    "smooth_relu": smooth_relu, "fan_in_uniform": fan_in_uniform,
    "cap_unit_norms": cap_unit_norms})
first, second = loaded.layers[0], loaded.layers[1]
print("activation:", first.activation.__name__,
      "| initializer:", first.kernel_initializer.__name__,
      "| regularizer:", type(first.kernel_regularizer).__name__, first.kernel_regularizer.factor,
      "| constraint:", second.kernel_constraint.__name__)
print("same predictions:", np.array_equal(loaded(x_test).numpy(), model(x_test).numpy()))


# 自己写的优化器：Adam，计算方式与 Keras 的 Adam 完全相同。
@tf.keras.utils.register_keras_serializable(package="book")
class OurAdam(tf.keras.optimizers.Optimizer):
    # m 和 v：每个权重的梯度及其平方的滑动平均

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)  # clipnorm=、name= 等参数
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, variables):  # 只调用一次，传入模型的可训练变量
        if self.built:
            return
        super().build(variables)  # 给变量编号，供 _get_variable_index 使用
        self.m = self.add_optimizer_variables(variables, "m")  # 与每个权重形状相同的全零变量
        self.v = self.add_optimizer_variables(variables, "v")

    def update_step(self, gradient, variable, learning_rate):  # 每一步对每个变量调用一次
        m = self.m[self._get_variable_index(variable)]
        v = self.v[self._get_variable_index(variable)]
        t = tf.cast(self.iterations + 1, variable.dtype)  # iterations：已经完成的步数
        lr = tf.cast(learning_rate, variable.dtype)
        step_size = lr * tf.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)  # 偏差修正
        self.assign_add(m, (gradient - m) * (1 - self.beta_1))
        self.assign_add(v, (tf.square(gradient) - v) * (1 - self.beta_2))
        self.assign_sub(variable, m * step_size / (tf.sqrt(v) + self.epsilon))

    def get_config(self):  # 随编译过的模型一起保存
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


def train_with(optimizer, seed=0):
    tf.keras.utils.set_random_seed(seed)  # 两次训练的初始权重和批次都相同
    model = make_model(custom=True)
    model.compile(loss=tf.keras.losses.LogCosh(), optimizer=optimizer, steps_per_execution=32)
    history = model.fit(x_train, y_train, epochs=2, batch_size=256, verbose=0)
    return model, history.history["loss"][-1]


keras_model, keras_loss = train_with(tf.keras.optimizers.Adam(learning_rate=0.005))
our_model, our_loss = train_with(OurAdam(learning_rate=0.005))
largest = max(float(np.max(np.abs(a - b)))
              for a, b in zip(keras_model.get_weights(), our_model.get_weights()))
print(f"loss after 2 epochs: Keras's Adam {keras_loss:.6f} | OurAdam {our_loss:.6f} | "
      f"largest weight difference {largest}")
print("optimizer variables:", len(our_model.optimizer.variables),
      [v.name for v in our_model.optimizer.variables[:4]])
print(f"largest unit norm in the second layer: "
      f"{np.linalg.norm(our_model.layers[1].kernel.numpy(), axis=0).max():.4f}")
