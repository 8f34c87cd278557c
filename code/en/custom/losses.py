# Custom losses: a log-cosh loss as a function, a pinball loss as a factory and as a Loss subclass.
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
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if args.seeds < 1:
    parser.error("--seeds must be at least 1")

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
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


x_train, y_train = make_data(20000, seed=1)
x_test, y_test = make_data(5000, seed=2, outliers=0.0)  # clean targets: the floor is 0.1**2
_, y_clean = make_data(20000, seed=1, outliers=0.0)  # the same draws without the gross errors
gross = (y_train != y_clean).ravel()
print("train:", x_train.shape, y_train.shape, "| test:", x_test.shape, y_test.shape)
print(f"gross errors in the training targets: {gross.sum()} "
      f"({gross.mean():.1%}), the largest {np.abs(y_train - y_clean).max():.1f}")
with_bias = np.hstack([x_train, np.ones((len(x_train), 1), dtype=np.float32)])
coefficients = np.linalg.lstsq(with_bias, y_train, rcond=None)[0]
baseline = np.hstack([x_test, np.ones((len(x_test), 1), dtype=np.float32)]) @ coefficients
print(f"test MSE: least squares {np.mean((y_test - baseline) ** 2):.4f} | "
      f"floor (noise variance) {0.1 ** 2:.4f}")


# The log-cosh loss as a function: one loss per sample, TensorFlow operations only.
def log_cosh_error(y_true, y_pred):
    error = tf.abs(y_pred - y_true)
    # log(cosh(e)) = |e| + log(1 + exp(-2|e|)) - log(2): no cosh to overflow
    per_value = error + tf.math.softplus(-2.0 * error) - tf.math.log(2.0)
    return tf.reduce_mean(per_value, axis=-1)  # the mean over the last axis: one per sample


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
    tf.keras.utils.set_random_seed(seed)  # the same initial weights and batches for every loss
    model = make_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss=loss,
                  metrics=[tf.keras.metrics.MeanSquaredError(name="mse")],
                  steps_per_execution=32)  # 32 batches per call of the compiled step
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

# Saving works; loading must find the function again from the name the file keeps.
folder = tempfile.mkdtemp()
path = os.path.join(folder, "log_cosh_model.keras")
model.save(path)  # the last model trained: log-cosh
predictions = model(x_test).numpy()
try:
    tf.keras.models.load_model(path)
except TypeError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
loaded = tf.keras.models.load_model(path, custom_objects={"log_cosh_error": log_cosh_error})
print("custom_objects: the loss is ours:", loaded.loss is log_cosh_error,
      "| same predictions:", np.array_equal(loaded(x_test).numpy(), predictions))

# The decorator is a function: called on log_cosh_error, it registers it as "book>log_cosh_error".
tf.keras.utils.register_keras_serializable(package="book")(log_cosh_error)
print("registered as:", tf.keras.utils.get_registered_name(log_cosh_error))
model.save(path)  # saved again: the file now names the loss "book>log_cosh_error"
loaded = tf.keras.models.load_model(path)  # no custom_objects
print("registered: the loss is ours:", loaded.loss is log_cosh_error)


# A pinball loss for any quantile, made by a factory: the file keeps only the inner name.
def pinball(quantile=0.5):
    def pinball_loss(y_true, y_pred):
        error = y_true - y_pred  # positive when the prediction is too low
        return tf.reduce_mean(tf.maximum(quantile * error, (quantile - 1.0) * error), axis=-1)
    return pinball_loss


too_low = (np.float32([[1.0]]), np.float32([[0.0]]))  # a prediction 1 below its target
model.compile(optimizer=model.optimizer, loss=pinball(quantile=0.9))  # keeps the weights
model.save(path)
try:
    tf.keras.models.load_model(path)
except TypeError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
reloaded = tf.keras.models.load_model(
    path, custom_objects={"pinball_loss": pinball()})  # the quantile is forgotten: 0.5
print(f"loss of a prediction 1 too low: saved {float(model.loss(*too_low)[0]):.4f}, "
      f"reloaded {float(reloaded.loss(*too_low)[0]):.4f}")

# A lambda keeps its closure, but loads only with safe_mode=False, and without our globals.
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
unsafe = tf.keras.models.load_model(path, safe_mode=False)  # runs bytecode from the file
try:
    unsafe.loss(*too_low)
    print("the loaded lambda runs")
except NameError as err:
    print(f"calling the loaded lambda: {type(err).__name__}: {err}")


# A Loss subclass keeps its quantile in its config, which the file stores.
@tf.keras.utils.register_keras_serializable(package="book")
class PinballLoss(tf.keras.losses.Loss):
    def __init__(self, quantile=0.5, **kwargs):
        super().__init__(**kwargs)  # name, reduction, dtype
        self.quantile = float(quantile)

    def call(self, y_true, y_pred):
        y_true = tf.reshape(tf.cast(y_true, y_pred.dtype), tf.shape(y_pred))  # no broadcasting
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
print("coverages in the order asked for:", coverages == sorted(coverages))
model.save(path)  # the 0.9 model
reloaded = tf.keras.models.load_model(path)  # registered: no custom_objects
print(f"reloaded: {type(reloaded.loss).__name__}, quantile {reloaded.loss.quantile}, "
      f"loss of a prediction 1 too low {float(reloaded.loss(*too_low)):.4f}")
predictions = model(x_test).numpy()
print("same predictions:", np.array_equal(reloaded(x_test).numpy(), predictions))
# Labels as a vector: the reshape keeps one loss per sample; without it, 100 x 100 differences.
print(f"labels as a column {float(PinballLoss(0.9)(y_test[:100], predictions[:100])):.4f} | "
      f"as a vector {float(PinballLoss(0.9)(y_test[:100, 0], predictions[:100])):.4f} | "
      f"unguarded difference: {(y_test[:100, 0] - predictions[:100]).shape}")
