# “自定义评估指标”一节练习的解答。
import numpy as np
import tensorflow as tf
from sklearn.metrics import r2_score

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


# 同样的输入对应两个目标（本章任务的目标，以及 x0 * x1 加噪声），
# 两者都用最小二乘拟合来预测（不需要训练）。
x_train, y_train = make_data(20000, seed=1)
x_test, y_test = make_data(5000, seed=2, outliers=0.0)
rng = np.random.default_rng(3)
second_train = x_train[:, :1] * x_train[:, 1:2] + rng.normal(0.0, 0.1, (20000, 1))
second_test = x_test[:, :1] * x_test[:, 1:2] + rng.normal(0.0, 0.1, (5000, 1))
targets_train = np.hstack([y_train, second_train]).astype(np.float32)
targets_test = np.hstack([y_test, second_test]).astype(np.float32)
with_bias = np.hstack([x_train, np.ones((20000, 1), dtype=np.float32)])
coefficients = np.linalg.lstsq(with_bias, targets_train, rcond=None)[0]
predictions = (np.hstack([x_test, np.ones((5000, 1), dtype=np.float32)])
               @ coefficients).astype(np.float32)


# 练习 1：本页的 StreamingR2（这里不再注册）用于两个输出。
class StreamingR2(tf.keras.metrics.Metric):
    def __init__(self, outputs=1, name="r2", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.outputs = int(outputs)
        sums = ["weight", "weighted_y", "weighted_y2", "weighted_residual2"]
        self.sums = {key: self.add_variable(shape=(self.outputs,), initializer="zeros", name=key)
                     for key in sums}

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = tf.reshape(tf.cast(y_pred, self.dtype), [-1, self.outputs])
        y_true = tf.reshape(tf.cast(y_true, self.dtype), [-1, self.outputs])  # 先改形状，再相减
        if sample_weight is None:
            weights = tf.ones_like(y_true)
        else:  # 每个样本一个权重，用于所有输出
            weights = tf.reshape(tf.cast(sample_weight, self.dtype), [-1, 1])
            weights = weights * tf.ones_like(y_true)
        self.sums["weight"].assign_add(tf.reduce_sum(weights, axis=0))
        self.sums["weighted_y"].assign_add(tf.reduce_sum(weights * y_true, axis=0))
        self.sums["weighted_y2"].assign_add(tf.reduce_sum(weights * y_true**2, axis=0))
        self.sums["weighted_residual2"].assign_add(
            tf.reduce_sum(weights * (y_true - y_pred) ** 2, axis=0))

    def result(self):
        s = self.sums  # 由累积和算总平方和 sum w (y - mean)^2：
        total = s["weighted_y2"] - tf.math.divide_no_nan(s["weighted_y"] ** 2, s["weight"])
        r2 = 1.0 - tf.math.divide_no_nan(s["weighted_residual2"], total)
        r2 = tf.where(s["weight"] > 0.0, r2, 0.0)  # 还没有数据时为 0，而不是 1
        return tf.reduce_mean(r2)  # 对各输出取平均，与 R2Score 的默认做法相同

    def get_config(self):
        return {**super().get_config(), "outputs": self.outputs}


ours, keras_r2 = StreamingR2(outputs=2), tf.keras.metrics.R2Score()
for start in range(0, 5000, 500):
    batch = slice(start, start + 500)
    ours.update_state(targets_test[batch], predictions[batch])
    keras_r2.update_state(targets_test[batch], predictions[batch])
print(f"StreamingR2(outputs=2) {float(ours.result()):.4f} | R2Score {float(keras_r2.result()):.4f}"
      f" | scikit-learn {r2_score(targets_test, predictions):.4f}")
print("R^2 of each output, scikit-learn:",
      [round(float(v), 4) for v in r2_score(targets_test, predictions, multioutput="raw_values")])
flat = StreamingR2(outputs=1)  # 两列被当成一列：两个目标共用一个均值
flat.update_state(targets_test, predictions)
print(f"outputs=1 on both columns: {float(flat.result()):.4f}")


# 练习 2：最大绝对误差，分别写成函数和流式指标。
def max_abs_error(y_true, y_pred):  # 每个批次一个数：Keras 对各批次的最大值取平均
    return tf.reduce_max(tf.abs(y_true - y_pred))


class MaxAbsoluteError(tf.keras.metrics.Metric):
    def __init__(self, name="max_abs_error", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.largest = self.add_variable(shape=(), initializer="zeros", name="largest")

    def update_state(self, y_true, y_pred, sample_weight=None):  # 样本权重不适用于最大值
        y_pred = tf.cast(y_pred, self.dtype)
        y_true = tf.reshape(tf.cast(y_true, self.dtype), tf.shape(y_pred))
        self.largest.assign(tf.maximum(self.largest, tf.reduce_max(tf.abs(y_true - y_pred))))

    def result(self):
        return self.largest


first = predictions[:, :1]  # 只取本章任务的目标
passthrough = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Identity()])
passthrough.compile(loss="mse", metrics=[max_abs_error, MaxAbsoluteError(name="streaming_max")])
print(f"largest absolute error, by hand: {np.abs(y_test - first).max():.4f}")
for batch_size in [100, 5000]:
    results = passthrough.evaluate(first, y_test, batch_size=batch_size, verbose=0,
                                   return_dict=True)
    print(f"batches of {batch_size:4d}: function {results['max_abs_error']:.4f} | "
          f"streaming {results['streaming_max']:.4f}")
