# 自定义评估指标：批次值的平均与流式指标的对比，以及 StreamingR2 类。
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.metrics import r2_score

parser = argparse.ArgumentParser(description="Custom metrics on the chapter's regression task.")
parser.add_argument("--epochs", type=int, default=10)
# 在笔记本中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")

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


# 写成函数的评估指标：Keras 对它返回的值求平均。
def rmse(y_true, y_pred):  # 每个批次一个数
    return tf.sqrt(tf.reduce_mean(tf.square(y_true - y_pred)))


model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                             tf.keras.layers.Dense(64, activation="relu"),
                             tf.keras.layers.Dense(64, activation="relu"),
                             tf.keras.layers.Dense(1)])
model.compile(loss=tf.keras.losses.LogCosh(),
              optimizer=tf.keras.optimizers.Adam(0.005),
              metrics=[rmse, tf.keras.metrics.RootMeanSquaredError(name="streaming_rmse")])
model.fit(x_train, y_train, epochs=args.epochs, batch_size=256, verbose=0)
errors = y_test - model(x_test).numpy()
print(f"RMSE of the 5000 test errors, by hand: {np.sqrt(np.mean(errors**2)):.4f}")
for batch_size in [10, 300, 5000]:
    results = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0, return_dict=True)
    per_batch = [np.sqrt(np.mean(errors[i:i + batch_size] ** 2))
                 for i in range(0, 5000, batch_size)]
    print(f"batches of {batch_size:4d}: rmse {results['rmse']:.4f} "
          f"(mean of {len(per_batch):3d} batch RMSEs {np.mean(per_batch):.4f}) | "
          f"streaming_rmse {results['streaming_rmse']:.4f}")

# 精确率也一样：两个批次分别有 3 个和 9 个正类预测，其中对了 1 个和 8 个。
precision = tf.keras.metrics.Precision()
batch_values = []
for labels, guesses in [([1, 0, 0, 1], [1, 1, 1, 0]), ([1] * 8 + [0] * 2, [1] * 9 + [0])]:
    precision.update_state(labels, guesses)
    batch_values.append(float(tf.keras.metrics.Precision()(labels, guesses)))
print(f"precision of each batch {[round(v, 4) for v in batch_values]}, their mean "
      f"{np.mean(batch_values):.4f} | streaming Precision {float(precision.result()):.4f}")


# 流式 R^2：累积加权和，每个输出一组，R^2 由它们算出。
@tf.keras.utils.register_keras_serializable(package="book")
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


predictions = model(x_test).numpy()
r2 = StreamingR2()
for start in range(0, 5000, 2000):
    r2.update_state(y_test[start:start + 2000], predictions[start:start + 2000])
    print(f"after {int(r2.sums['weight'][0]):4d} samples: R^2 {float(r2.result()):.4f}")
keras_r2 = tf.keras.metrics.R2Score()
keras_r2.update_state(y_test, predictions)
print(f"R2Score {float(keras_r2.result()):.4f} | scikit-learn {r2_score(y_test, predictions):.4f}")
per_batch = [r2_score(y_test[i:i + 20], predictions[i:i + 20]) for i in range(0, 5000, 20)]
print(f"R^2 of 250 batches of 20: from {min(per_batch):.4f} to {max(per_batch):.4f}, "
      f"mean {np.mean(per_batch):.4f}")
r2.reset_state()
print("after reset_state():", float(r2.result()), "| variables:",
      [v.name for v in r2.variables], "| config:", r2.get_config())
weights = np.random.default_rng(0).uniform(0.0, 1.0, size=5000).astype(np.float32)
r2.update_state(y_test, predictions, sample_weight=weights)
print(f"weighted: {float(r2.result()):.4f} | scikit-learn "
      f"{r2_score(y_test, predictions, sample_weight=weights):.4f}")
print(f"a vector of labels: {float(StreamingR2()(y_test[:, 0], predictions)):.4f}")

# 在 compile() 中：metrics= 忽略样本权重，weighted_metrics= 接收样本权重。
model.compile(optimizer=model.optimizer, loss=tf.keras.losses.LogCosh(),
              metrics=[StreamingR2(name="r2")], weighted_metrics=[StreamingR2(name="weighted_r2")])
history = model.fit(x_train, y_train, epochs=2, batch_size=256, verbose=0)
print("history:", list(history.history))
predictions = model(x_test).numpy()
results = model.evaluate(x_test, y_test, batch_size=256, sample_weight=weights, verbose=0,
                         return_dict=True)
print(f"evaluate(): r2 {results['r2']:.4f}, weighted_r2 {results['weighted_r2']:.4f}")
print(f"scikit-learn: {r2_score(y_test, predictions):.4f}, "
      f"weighted {r2_score(y_test, predictions, sample_weight=weights):.4f}")
path = os.path.join(tempfile.mkdtemp(), "r2_model.keras")
model.save(path)
reloaded = tf.keras.models.load_model(path)  # StreamingR2 已注册：不需要 custom_objects
again = reloaded.evaluate(x_test, y_test, batch_size=256, sample_weight=weights, verbose=0,
                          return_dict=True)
print(f"reloaded: r2 {again['r2']:.4f}, weighted_r2 {again['weighted_r2']:.4f}")
