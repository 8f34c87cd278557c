# Custom losses: a Huber loss as a function and as a Loss subclass, saved and loaded back.
import argparse
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser(description="A custom Huber loss on the diabetes regression.")
parser.add_argument("--epochs", type=int, default=20)
args, _ = parser.parse_known_args()  # known only: a notebook kernel adds its own arguments

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 442 patients, 10 features; the target is a measure of disease progression a year later.
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]  # 352 patients to train on, 90 to validate
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y_mean, y_std = target[train].mean(), target[train].std()
y = ((target - y_mean) / y_std).astype(np.float32).reshape(-1, 1)  # a column, like the outputs
x_train, y_train, x_valid, y_valid = x[train], y[train], x[valid], y[valid]
print("train:", x_train.shape, y_train.shape, "| validation:", x_valid.shape, y_valid.shape)
print(f"target: {target.min():.0f} to {target.max():.0f} points; "
      f"one unit of the scaled target = {y_std:.1f} points")


# The Huber loss with threshold 1, as a function: one loss per sample, TensorFlow operations only.
def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small = tf.abs(error) <= 1.0
    return tf.where(is_small, 0.5 * tf.square(error), tf.abs(error) - 0.5)


zeros = np.zeros((4, 1), dtype=np.float32)
guesses = np.array([[0.5], [-1.0], [2.0], [-4.0]], dtype=np.float32)
print("per sample:", huber_fn(zeros, guesses).numpy().ravel())
print(f"mean {float(tf.reduce_mean(huber_fn(zeros, guesses))):.4f} | "
      f"Keras's Huber {float(tf.keras.losses.Huber(delta=1.0)(zeros, guesses)):.4f}")


def make_model():
    return tf.keras.Sequential([tf.keras.Input(shape=(10,)),
                                tf.keras.layers.Dense(16, activation="relu"),
                                tf.keras.layers.Dense(1)])


model = make_model()
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss=huber_fn,
              metrics=[tf.keras.metrics.MeanAbsoluteError(name="mae")])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
results = model.evaluate(x_valid, y_valid, verbose=0, return_dict=True)
print(f"training loss {history.history['loss'][-1]:.4f} | "
      f"validation loss {results['loss']:.4f}, MAE {results['mae']:.4f}")

# Saving works; loading needs to find the function from the name the file keeps.
folder = tempfile.mkdtemp()
path = os.path.join(folder, "huber_model.keras")
model.save(path)
predictions = model(x_valid).numpy()
try:
    tf.keras.models.load_model(path)
except TypeError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
loaded = tf.keras.models.load_model(path, custom_objects={"huber_fn": huber_fn})
print("custom_objects: the loss is huber_fn:", loaded.loss is huber_fn,
      "| same predictions:", np.array_equal(loaded(x_valid).numpy(), predictions))

# The decorator is a function: called on huber_fn, it registers it under "book>huber_fn".
tf.keras.utils.register_keras_serializable(package="book")(huber_fn)
print("registered as:", tf.keras.utils.get_registered_name(huber_fn))
model.save(path)  # saved again: the file now names the loss "book>huber_fn"
loaded = tf.keras.models.load_model(path)  # no custom_objects
print("registered: the loss is huber_fn:", loaded.loss is huber_fn,
      "| same predictions:", np.array_equal(loaded(x_valid).numpy(), predictions))


# A factory makes a Huber loss for any threshold; the file keeps only the inner function's name.
def huber_factory(threshold=1.0):
    def thresholded_huber(y_true, y_pred):
        error = y_true - y_pred
        is_small = tf.abs(error) <= threshold
        return tf.where(is_small, 0.5 * tf.square(error),
                        threshold * tf.abs(error) - 0.5 * threshold**2)
    return thresholded_huber


def validation_loss(some_model):  # the model's own loss on the validation set
    return float(tf.reduce_mean(some_model.loss(y_valid, some_model(x_valid))))


# compile() keeps the trained weights; the same optimizer keeps its state.
model.compile(optimizer=model.optimizer, loss=huber_factory(threshold=2.0))
model.save(path)
try:
    tf.keras.models.load_model(path)
except TypeError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
reloaded = tf.keras.models.load_model(
    path, custom_objects={"thresholded_huber": huber_factory()})  # the threshold is forgotten
zero, three = np.float32(0.0), np.float32(3.0)  # an error of 3: 4.0 with threshold 2, 2.5 with 1
print(f"loss of an error of 3: saved {float(model.loss(zero, three)):.4f}, "
      f"reloaded {float(reloaded.loss(zero, three)):.4f}")
print(f"validation loss: saved {validation_loss(model):.4f}, "
      f"reloaded {validation_loss(reloaded):.4f}")


# A Loss subclass keeps its threshold in its config, which the file stores.
@tf.keras.utils.register_keras_serializable(package="book")
class HuberLoss(tf.keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)  # name, reduction, dtype
        self.threshold = threshold

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small = tf.abs(error) <= self.threshold
        return tf.where(is_small, 0.5 * tf.square(error),
                        self.threshold * tf.abs(error) - 0.5 * self.threshold**2)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


print(HuberLoss(threshold=2.0).get_config())
model.compile(optimizer=model.optimizer, loss=HuberLoss(threshold=2.0))
history = model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0)
print(f"5 more epochs with HuberLoss(2.0): training loss {history.history['loss'][-1]:.4f}")
model.save(path)
reloaded = tf.keras.models.load_model(path)  # registered: no custom_objects
print(f"reloaded loss: {type(reloaded.loss).__name__}, threshold {reloaded.loss.threshold}, "
      f"loss of an error of 3: {float(reloaded.loss(zero, three)):.4f}")
print(f"validation loss: saved {validation_loss(model):.4f}, "
      f"reloaded {validation_loss(reloaded):.4f}")
predictions = model(x_valid).numpy()
print("same predictions:", np.array_equal(reloaded(x_valid).numpy(), predictions))
# A Loss subclass gets the labels as they are: a vector against a column broadcasts to 90 x 90.
print(f"labels as a column {float(HuberLoss(2.0)(y_valid, predictions)):.4f} | "
      f"as a vector {float(HuberLoss(2.0)(y_valid[:, 0], predictions)):.4f}")
