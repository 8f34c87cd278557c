# “自定义损失函数”一节练习的解答。
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


def log_cosh_error(y_true, y_pred):
    error = tf.abs(y_pred - y_true)
    per_value = error + tf.math.softplus(-2.0 * error) - tf.math.log(2.0)
    return tf.reduce_mean(per_value, axis=-1)


# 练习 1：没有粗大误差，以及粗大误差是本页五倍的情形；每种设置一个种子。
x_test, y_test = make_data(5000, seed=2, outliers=0.0)
for outliers in [0.0, 0.1]:
    x_train, y_train = make_data(20000, seed=1, outliers=outliers)
    results = []
    for loss in ["mse", log_cosh_error]:
        tf.keras.utils.set_random_seed(0)  # 两者的初始权重和批次相同
        model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                     tf.keras.layers.Dense(64, activation="relu"),
                                     tf.keras.layers.Dense(64, activation="relu"),
                                     tf.keras.layers.Dense(1)])
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss=loss)
        model.fit(x_train, y_train, epochs=10, batch_size=256, verbose=0)
        results.append(np.mean((y_test - model(x_test).numpy()) ** 2))
    print(f"outliers {outliers:.0%}: test MSE trained on MSE {results[0]:.4f}, "
          f"on log-cosh {results[1]:.4f}")


# 练习 2：返回批次平均值的损失函数无法给样本加权。
def log_cosh_batch_mean(y_true, y_pred):
    return tf.reduce_mean(log_cosh_error(y_true, y_pred))


labels = np.zeros((4, 1), dtype=np.float32)
outputs = np.array([[0.05], [-0.5], [2.0], [-8.0]], dtype=np.float32)  # 本页的四个猜测值
weights = np.array([1.0, 1.0, 1.0, 0.0], dtype=np.float32)  # 最后一个样本不应计入
losses = {"log_cosh_error": log_cosh_error, "log_cosh_batch_mean": log_cosh_batch_mean,
          "mean_with_sample_weight": tf.keras.losses.LogCosh(reduction="mean_with_sample_weight")}
for name, loss in losses.items():
    passthrough = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Identity()])
    passthrough.compile(loss=loss)  # evaluate() 给损失加权的方式与 fit() 完全相同
    value = passthrough.evaluate(outputs, labels, sample_weight=weights, verbose=0)
    print(f"{name:24s} weighted loss {value:.4f}")
per_sample = log_cosh_error(labels, outputs).numpy()
print(f"by hand: sum(w * loss) / 4 = {np.sum(weights * per_sample) / 4:.4f} | "
      f"sum(w * loss) / sum(w) = {np.sum(weights * per_sample) / weights.sum():.4f} | "
      f"mean(loss) * mean(w) = {per_sample.mean() * weights.mean():.4f}")
