# 自定义损失函数：写成函数的 log-cosh 损失，由工厂函数生成、又写成 Loss 子类的弹球损失。
import argparse
import os
import sys
import tempfile
import warnings

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Custom losses on the chapter's regression task.")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--seeds", type=int, default=3, help="runs per loss in the comparison")
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
x_test, y_test = make_data(5000, seed=2, outliers=0.0)  # 干净的目标值：误差下限是 0.1**2
_, y_clean = make_data(20000, seed=1, outliers=0.0)  # 同样的随机数，只是没有粗大误差
gross = (y_train != y_clean).ravel()
print("train:", x_train.shape, y_train.shape, "| test:", x_test.shape, y_test.shape)
print(f"gross errors in the training targets: {gross.sum()} "
      f"({gross.mean():.1%}), the largest {np.abs(y_train - y_clean).max():.1f}")
with_bias = np.hstack([x_train, np.ones((len(x_train), 1), dtype=np.float32)])
coefficients = np.linalg.lstsq(with_bias, y_train, rcond=None)[0]
baseline = np.hstack([x_test, np.ones((len(x_test), 1), dtype=np.float32)]) @ coefficients
print(f"test MSE: least squares {np.mean((y_test - baseline) ** 2):.4f} | "
      f"floor (noise variance) {0.1 ** 2:.4f}")


# 写成函数的 log-cosh 损失：每个样本一个损失，只用 TensorFlow 运算。
def log_cosh_error(y_true, y_pred):
    error = tf.abs(y_pred - y_true)
    # log(cosh(e)) = |e| + log(1 + exp(-2|e|)) - log(2)：不算 cosh，也就不会上溢
    per_value = error + tf.math.softplus(-2.0 * error) - tf.math.log(2.0)
    return tf.reduce_mean(per_value, axis=-1)  # 沿最后一个轴取平均：每个样本一个值


targets = np.zeros((4, 1), dtype=np.float32)
guesses = np.array([[0.05], [-0.5], [2.0], [-8.0]], dtype=np.float32)
errors = guesses[:, 0].astype(np.float64)
print("per sample:", [round(float(v), 4) for v in log_cosh_error(targets, guesses)],
      "| e^2 / 2:", [round(e**2 / 2, 4) for e in errors],
      "| |e| - log 2:", [round(abs(e) - np.log(2.0), 4) for e in errors])
print(f"mean {float(tf.reduce_mean(log_cosh_error(targets, guesses))):.4f} | "
      f"Keras's LogCosh {float(tf.keras.losses.LogCosh()(targets, guesses)):.4f}")


def make_model():
    return tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                tf.keras.layers.Dense(64, activation="relu"),
                                tf.keras.layers.Dense(64, activation="relu"),
                                tf.keras.layers.Dense(1)])


def train(loss, seed, epochs):
    tf.keras.utils.set_random_seed(seed)  # 每种损失都用同样的初始权重和批次
    model = make_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss=loss,
                  metrics=[tf.keras.metrics.MeanSquaredError(name="mse")],
                  steps_per_execution=32)  # 每次调用编译好的训练函数，跑 32 个批次
    model.fit(x_train, y_train, epochs=epochs, batch_size=256, verbose=0)
    return model


scores = {"mse": [], "log-cosh": []}
for seed in range(args.seeds):
    for name, loss in [("mse", "mse"), ("log-cosh", log_cosh_error)]:
        model = train(loss, seed, args.epochs)
        scores[name].append(model.evaluate(x_test, y_test, verbose=0, return_dict=True)["mse"])
    print(f"seed {seed}: test MSE trained on MSE {scores['mse'][-1]:.4f}, "
          f"on log-cosh {scores['log-cosh'][-1]:.4f}")
print(f"mean over {args.seeds} seeds: MSE {np.mean(scores['mse']):.4f}, "
      f"log-cosh {np.mean(scores['log-cosh']):.4f} | log-cosh better in every run: "
      f"{all(c < m for c, m in zip(scores['log-cosh'], scores['mse']))}")

# 保存没有问题；加载时必须凭文件里记下的名字重新找到函数。
folder = tempfile.mkdtemp()
path = os.path.join(folder, "log_cosh_model.keras")
model.save(path)  # 最后训练的模型：用 log-cosh 训练
predictions = model(x_test).numpy()
try:
    tf.keras.models.load_model(path)
except TypeError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
loaded = tf.keras.models.load_model(path, custom_objects={"log_cosh_error": log_cosh_error})
print("custom_objects: the loss is ours:", loaded.loss is log_cosh_error,
      "| same predictions:", np.array_equal(loaded(x_test).numpy(), predictions))

# 装饰器本身是函数：对 log_cosh_error 调用它，就把函数注册为 "book>log_cosh_error"。
tf.keras.utils.register_keras_serializable(package="book")(log_cosh_error)
print("registered as:", tf.keras.utils.get_registered_name(log_cosh_error))
model.save(path)  # 再保存一次：文件里损失函数的名字变成 "book>log_cosh_error"
loaded = tf.keras.models.load_model(path)  # 不给 custom_objects
print("registered: the loss is ours:", loaded.loss is log_cosh_error)


# 工厂函数为任意分位数生成弹球损失：文件只记下内层函数的名字。
def pinball(quantile=0.5):
    def pinball_loss(y_true, y_pred):
        error = y_true - y_pred  # 预测偏低时为正
        return tf.reduce_mean(tf.maximum(quantile * error, (quantile - 1.0) * error), axis=-1)
    return pinball_loss


too_low = (np.float32([[1.0]]), np.float32([[0.0]]))  # 比目标值低 1 的预测
model.compile(optimizer=model.optimizer, loss=pinball(quantile=0.9))  # 权重保持不变
model.save(path)
try:
    tf.keras.models.load_model(path)
except TypeError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
reloaded = tf.keras.models.load_model(
    path, custom_objects={"pinball_loss": pinball()})  # 分位数丢了：变成 0.5
print(f"loss of a prediction 1 too low: saved {float(model.loss(*too_low)[0]):.4f}, "
      f"reloaded {float(reloaded.loss(*too_low)[0]):.4f}")

# lambda 保留了闭包，但只有 safe_mode=False 才能加载，而且找不到我们的全局名字。
model.compile(optimizer=model.optimizer,
              loss=lambda y_true, y_pred: tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.save(path)
print(f"warning when saving: {str(caught[0].message).split('.')[0]}")
try:
    tf.keras.models.load_model(path)
except ValueError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
unsafe = tf.keras.models.load_model(path, safe_mode=False)  # 执行文件里的字节码
try:
    unsafe.loss(*too_low)
    print("the loaded lambda runs")
except NameError as err:
    print(f"calling the loaded lambda: {type(err).__name__}: {err}")


# Loss 子类把分位数放在配置里，文件会保存配置。
@tf.keras.utils.register_keras_serializable(package="book")
class PinballLoss(tf.keras.losses.Loss):
    def __init__(self, quantile=0.5, **kwargs):
        super().__init__(**kwargs)  # name、reduction、dtype
        self.quantile = float(quantile)

    def call(self, y_true, y_pred):
        y_true = tf.reshape(tf.cast(y_true, y_pred.dtype), tf.shape(y_pred))  # 避免广播
        error = y_true - y_pred
        per_value = tf.maximum(self.quantile * error, (self.quantile - 1.0) * error)
        return tf.reduce_mean(per_value, axis=-1)

    def get_config(self):
        return {**super().get_config(), "quantile": self.quantile}


print(PinballLoss(quantile=0.9).get_config())
coverages = []
for quantile in [0.1, 0.5, 0.9]:
    model = train(PinballLoss(quantile=quantile), seed=0, epochs=args.epochs)
    coverages.append(np.mean(y_test <= model(x_test).numpy()))
    print(f"trained on PinballLoss({quantile}): {coverages[-1]:.1%} of the test targets "
          "lie at or below the prediction")
print("coverages in the order asked for:", coverages == sorted(coverages))  # 分位数要求的顺序
model.save(path)  # 分位数 0.9 的模型
reloaded = tf.keras.models.load_model(path)  # 已注册：不需要 custom_objects
print(f"reloaded: {type(reloaded.loss).__name__}, quantile {reloaded.loss.quantile}, "
      f"loss of a prediction 1 too low {float(reloaded.loss(*too_low)):.4f}")
predictions = model(x_test).numpy()
print("same predictions:", np.array_equal(reloaded(x_test).numpy(), predictions))
# 标签是向量时：reshape 保证每个样本一个损失；没有它，差值是 100 x 100 的矩阵。
print(f"labels as a column {float(PinballLoss(0.9)(y_test[:100], predictions[:100])):.4f} | "
      f"as a vector {float(PinballLoss(0.9)(y_test[:100, 0], predictions[:100])):.4f} | "
      f"unguarded difference: {(y_test[:100, 0] - predictions[:100]).shape}")
