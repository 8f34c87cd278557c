# Solutions to the exercises of "Custom losses".
import numpy as np
import tensorflow as tf

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


def log_cosh_error(y_true, y_pred):
    error = tf.abs(y_pred - y_true)
    per_value = error + tf.math.softplus(-2.0 * error) - tf.math.log(2.0)
    return tf.reduce_mean(per_value, axis=-1)


# Exercise 1: no gross errors, then five times as many as on the page; one seed per setting.
x_test, y_test = make_data(5000, seed=2, outliers=0.0)
for outliers in [0.0, 0.1]:
    x_train, y_train = make_data(20000, seed=1, outliers=outliers)
    results = []
    for loss in ["mse", log_cosh_error]:
        tf.keras.utils.set_random_seed(0)  # the same initial weights and batches for both
        model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                     tf.keras.layers.Dense(64, activation="relu"),
                                     tf.keras.layers.Dense(64, activation="relu"),
                                     tf.keras.layers.Dense(1)])
        model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss=loss)
        model.fit(x_train, y_train, epochs=10, batch_size=256, verbose=0)
        results.append(np.mean((y_test - model(x_test).numpy()) ** 2))
    print(f"outliers {outliers:.0%}: test MSE trained on MSE {results[0]:.4f}, "
          f"on log-cosh {results[1]:.4f}")


# Exercise 2: a loss that returns the batch mean cannot weight its samples.
def log_cosh_batch_mean(y_true, y_pred):
    return tf.reduce_mean(log_cosh_error(y_true, y_pred))


labels = np.zeros((4, 1), dtype=np.float32)
outputs = np.array([[0.05], [-0.5], [2.0], [-8.0]], dtype=np.float32)  # the page's four guesses
weights = np.array([1.0, 1.0, 1.0, 0.0], dtype=np.float32)  # the last sample must not count
losses = {"log_cosh_error": log_cosh_error, "log_cosh_batch_mean": log_cosh_batch_mean,
          "mean_with_sample_weight": tf.keras.losses.LogCosh(reduction="mean_with_sample_weight")}
for name, loss in losses.items():
    passthrough = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Identity()])
    passthrough.compile(loss=loss)  # evaluate() weights the loss exactly as fit() does
    value = passthrough.evaluate(outputs, labels, sample_weight=weights, verbose=0)
    print(f"{name:24s} weighted loss {value:.4f}")
per_sample = log_cosh_error(labels, outputs).numpy()
print(f"by hand: sum(w * loss) / 4 = {np.sum(weights * per_sample) / 4:.4f} | "
      f"sum(w * loss) / sum(w) = {np.sum(weights * per_sample) / weights.sum():.4f} | "
      f"mean(loss) * mean(w) = {per_sample.mean() * weights.mean():.4f}")
