# Solutions to the exercises of "Custom metrics".
import numpy as np
import tensorflow as tf
from sklearn.metrics import r2_score

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


def make_data(n, seed, outliers=0.02):
    # The chapter's regression task: 8 features, a nonlinear target with Gaussian noise of
    # standard deviation 0.1, and a fraction `outliers` of the targets given gross errors on
    # top of the noise (what a robust loss must ignore).
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, 8)).astype(np.float32)
    y = (np.sin(1.5 * x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + 0.25 * x[:, 3] ** 2
         - 0.5 * np.abs(x[:, 4]) + 0.3 * x[:, 5])  # x[:, 6] and x[:, 7] do not matter
    y = y + rng.normal(0.0, 0.1, size=n)
    gross = rng.random(n) < outliers
    y[gross] += rng.normal(0.0, 5.0, size=int(gross.sum()))
    return x, y.astype(np.float32).reshape(-1, 1)


# Two targets for the same inputs (the task's, and x0 * x1 plus noise), and least-squares
# predictions of both (no training needed).
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


# Exercise 1: the page's StreamingR2 (not registered again here) with two outputs.
class StreamingR2(tf.keras.metrics.Metric):
    def __init__(self, outputs=1, name="r2", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.outputs = int(outputs)
        sums = ["weight", "weighted_y", "weighted_y2", "weighted_residual2"]
        self.sums = {key: self.add_variable(shape=(self.outputs,), initializer="zeros", name=key)
                     for key in sums}

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = tf.reshape(tf.cast(y_pred, self.dtype), [-1, self.outputs])
        y_true = tf.reshape(tf.cast(y_true, self.dtype), [-1, self.outputs])  # before subtracting
        if sample_weight is None:
            weights = tf.ones_like(y_true)
        else:  # one weight per sample, for every output
            weights = tf.reshape(tf.cast(sample_weight, self.dtype), [-1, 1])
            weights = weights * tf.ones_like(y_true)
        self.sums["weight"].assign_add(tf.reduce_sum(weights, axis=0))
        self.sums["weighted_y"].assign_add(tf.reduce_sum(weights * y_true, axis=0))
        self.sums["weighted_y2"].assign_add(tf.reduce_sum(weights * y_true**2, axis=0))
        self.sums["weighted_residual2"].assign_add(
            tf.reduce_sum(weights * (y_true - y_pred) ** 2, axis=0))

    def result(self):
        s = self.sums  # the total sum of squares, sum w (y - mean)^2, from the running sums:
        total = s["weighted_y2"] - tf.math.divide_no_nan(s["weighted_y"] ** 2, s["weight"])
        r2 = 1.0 - tf.math.divide_no_nan(s["weighted_residual2"], total)
        r2 = tf.where(s["weight"] > 0.0, r2, 0.0)  # 0, not 1, before any update
        return tf.reduce_mean(r2)  # the mean over the outputs, as R2Score's default

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
flat = StreamingR2(outputs=1)  # the two columns read as one: one mean for both targets
flat.update_state(targets_test, predictions)
print(f"outputs=1 on both columns: {float(flat.result()):.4f}")


# Exercise 2: the largest absolute error, as a function and as a streaming metric.
def max_abs_error(y_true, y_pred):  # one number per batch: Keras averages the batch maxima
    return tf.reduce_max(tf.abs(y_true - y_pred))


class MaxAbsoluteError(tf.keras.metrics.Metric):
    def __init__(self, name="max_abs_error", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.largest = self.add_variable(shape=(), initializer="zeros", name="largest")

    def update_state(self, y_true, y_pred, sample_weight=None):  # weights do not apply to a max
        y_pred = tf.cast(y_pred, self.dtype)
        y_true = tf.reshape(tf.cast(y_true, self.dtype), tf.shape(y_pred))
        self.largest.assign(tf.maximum(self.largest, tf.reduce_max(tf.abs(y_true - y_pred))))

    def result(self):
        return self.largest


first = predictions[:, :1]  # the task's target only
passthrough = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Identity()])
passthrough.compile(loss="mse", metrics=[max_abs_error, MaxAbsoluteError(name="streaming_max")])
print(f"largest absolute error, by hand: {np.abs(y_test - first).max():.4f}")
for batch_size in [100, 5000]:
    results = passthrough.evaluate(first, y_test, batch_size=batch_size, verbose=0,
                                   return_dict=True)
    print(f"batches of {batch_size:4d}: function {results['max_abs_error']:.4f} | "
          f"streaming {results['streaming_max']:.4f}")
