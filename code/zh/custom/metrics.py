# 自定义评估指标：对批次值取平均与流式指标的对比，以及 HuberMetric 类。
import argparse

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser(description="Custom metrics on the diabetes regression.")
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


# 写成函数的评估指标：Keras 记录的是它各次返回值的平均。
def rmse(y_true, y_pred):  # 每个批次一个数
    return tf.sqrt(tf.reduce_mean(tf.square(y_true - y_pred)))


model = tf.keras.Sequential([tf.keras.Input(shape=(10,)),
                             tf.keras.layers.Dense(16, activation="relu"),
                             tf.keras.layers.Dense(1)])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse",
              metrics=[rmse, tf.keras.metrics.RootMeanSquaredError(name="streaming_rmse")])
model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
errors = y_valid - model(x_valid).numpy()
print(f"RMSE of the 90 validation errors, by hand: {np.sqrt(np.mean(errors**2)):.4f}")
for batch_size in [8, 32, 90]:
    results = model.evaluate(x_valid, y_valid, batch_size=batch_size, verbose=0, return_dict=True)
    per_batch = [np.sqrt(np.mean(errors[i:i + batch_size] ** 2)) for i in range(0, 90, batch_size)]
    print(f"batches of {batch_size:2d}: rmse {results['rmse']:.4f} "
          f"(mean of {len(per_batch):2d} batch RMSEs {np.mean(per_batch):.4f}) | "
          f"streaming_rmse {results['streaming_rmse']:.4f}")


# 流式指标：跨批次累加的变量，以及由它们算出的结果。
@tf.keras.utils.register_keras_serializable(package="book")
class HuberMetric(tf.keras.metrics.Metric):
    def __init__(self, threshold=1.0, name="huber_metric", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.threshold = float(threshold)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = tf.reshape(tf.cast(y_true, self.dtype) - tf.cast(y_pred, self.dtype), [-1])
        is_small = tf.abs(error) <= self.threshold
        values = tf.where(is_small, 0.5 * tf.square(error),
                          self.threshold * tf.abs(error) - 0.5 * self.threshold**2)
        if sample_weight is None:
            weights = tf.ones_like(values)
        else:
            weights = tf.reshape(tf.cast(sample_weight, self.dtype), [-1])
        self.total.assign_add(tf.reduce_sum(weights * values))
        self.count.assign_add(tf.reduce_sum(weights))

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)  # 尚未更新时返回 0，而不是 nan

    def reset_state(self):
        self.total.assign(0.0)
        self.count.assign(0.0)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


predictions = model(x_valid).numpy()
huber_by_hand = np.where(np.abs(errors) <= 1.0, 0.5 * errors**2, np.abs(errors) - 0.5).ravel()
metric = HuberMetric(threshold=1.0, name="huber")
for start in range(0, 90, 32):
    metric.update_state(y_valid[start:start + 32], predictions[start:start + 32])
    print(f"after {int(metric.count):2d} samples: {float(metric.result()):.4f}")
print(f"mean Huber of the 90 samples, by hand: {huber_by_hand.mean():.4f}")
metric.reset_state()
print("after reset_state():", float(metric.result()), "| variables:",
      [v.name for v in metric.variables], "| config:", metric.get_config())
weights = np.random.default_rng(0).uniform(0.0, 1.0, size=90).astype(np.float32)
metric.update_state(y_valid, predictions, sample_weight=weights)
print(f"weighted: {float(metric.result()):.4f} | by hand "
      f"{np.sum(weights * huber_by_hand) / np.sum(weights):.4f}")

# 在 compile() 中：metrics= 忽略样本权重，weighted_metrics= 才会收到样本权重。
model.compile(optimizer=model.optimizer, loss="mse", metrics=[HuberMetric(name="huber")],
              weighted_metrics=[HuberMetric(name="weighted_huber")])
history = model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0)
print("history:", list(history.history))
errors = y_valid - model(x_valid).numpy()
huber_by_hand = np.where(np.abs(errors) <= 1.0, 0.5 * errors**2, np.abs(errors) - 0.5).ravel()
results = model.evaluate(x_valid, y_valid, batch_size=32, sample_weight=weights, verbose=0,
                         return_dict=True)
print(f"evaluate(): huber {results['huber']:.4f}, weighted_huber {results['weighted_huber']:.4f}")
print(f"by hand:    mean {huber_by_hand.mean():.4f}, "
      f"weighted mean {np.sum(weights * huber_by_hand) / np.sum(weights):.4f}")
