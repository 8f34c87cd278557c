# Solutions to the exercises of "Custom metrics".
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes
from sklearn.metrics import r2_score

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The page's data, and predictions of a least-squares linear model (no training needed).
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y = ((target - target[train].mean()) / target[train].std()).astype(np.float32).reshape(-1, 1)
with_bias = np.hstack([x, np.ones((len(x), 1), dtype=np.float32)])
coefficients = np.linalg.lstsq(with_bias[train], y[train], rcond=None)[0]
y_valid, predictions = y[valid], (with_bias[valid] @ coefficients).astype(np.float32)
weights = np.random.default_rng(0).uniform(0.0, 1.0, size=90).astype(np.float32)


# Exercise 1: the Huber metric as a Mean of per-sample values; Mean does the bookkeeping.
class HuberMean(tf.keras.metrics.Mean):
    def __init__(self, threshold=1.0, name="huber_mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.threshold = float(threshold)

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = tf.cast(y_true, self.dtype) - tf.cast(y_pred, self.dtype)
        is_small = tf.abs(error) <= self.threshold
        values = tf.where(is_small, 0.5 * tf.square(error),
                          self.threshold * tf.abs(error) - 0.5 * self.threshold**2)
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


errors = (y_valid - predictions).ravel()
huber_by_hand = np.where(np.abs(errors) <= 1.0, 0.5 * errors**2, np.abs(errors) - 0.5)
plain, weighted = HuberMean(), HuberMean()
for start in range(0, 90, 32):
    batch = slice(start, start + 32)
    plain.update_state(y_valid[batch], predictions[batch])
    weighted.update_state(y_valid[batch], predictions[batch], sample_weight=weights[batch])
print(f"HuberMean {float(plain.result()):.4f} | by hand {huber_by_hand.mean():.4f}")
print(f"weighted  {float(weighted.result()):.4f} | by hand "
      f"{np.sum(weights * huber_by_hand) / np.sum(weights):.4f}")
print("variables:", [v.name for v in plain.variables])


# Exercise 2: a streaming R^2 from four running sums.
class StreamingR2(tf.keras.metrics.Metric):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")
        self.sum_y = self.add_variable(shape=(), initializer="zeros", name="sum_y")
        self.sum_y2 = self.add_variable(shape=(), initializer="zeros", name="sum_y2")
        self.sum_r2 = self.add_variable(shape=(), initializer="zeros", name="sum_r2")

    def update_state(self, y_true, y_pred, sample_weight=None):  # weights ignored, for brevity
        y_true = tf.reshape(tf.cast(y_true, self.dtype), [-1])
        y_pred = tf.reshape(tf.cast(y_pred, self.dtype), [-1])
        self.count.assign_add(tf.cast(tf.size(y_true), self.dtype))
        self.sum_y.assign_add(tf.reduce_sum(y_true))
        self.sum_y2.assign_add(tf.reduce_sum(tf.square(y_true)))
        self.sum_r2.assign_add(tf.reduce_sum(tf.square(y_true - y_pred)))

    def result(self):
        total = self.sum_y2 - tf.math.divide_no_nan(tf.square(self.sum_y), self.count)  # the sum of (y - mean)^2
        return 1.0 - tf.math.divide_no_nan(self.sum_r2, total)


ours, keras_r2 = StreamingR2(), tf.keras.metrics.R2Score()
per_batch = []
for start in range(0, 90, 10):
    batch = slice(start, start + 10)
    ours.update_state(y_valid[batch], predictions[batch])
    keras_r2.update_state(y_valid[batch], predictions[batch])
    per_batch.append(r2_score(y_valid[batch], predictions[batch]))
print(f"StreamingR2 {float(ours.result()):.4f} | Keras R2Score {float(keras_r2.result()):.4f} | "
      f"scikit-learn on all 90 {r2_score(y_valid, predictions):.4f}")
print("R^2 of each batch of 10:", np.round(per_batch, 2), f"| their mean {np.mean(per_batch):.4f}")
ours.reset_state()
print("variables after reset_state():", [float(v) for v in ours.variables])
