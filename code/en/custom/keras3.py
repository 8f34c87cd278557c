# Keras 2 habits that fail in Keras 3: AutoGraph, variables, symbolic tensors, compute_loss, XLA.
import argparse
import inspect
import re
import sys
import warnings

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Keras 3 behaviour changes, on the chapter's task.")
parser.add_argument("--epochs", type=int, default=3, help="epochs of each short training run")
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")

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
x_test, y_test = make_data(5000, seed=2, outliers=0.0)
# The same rows with 5% of the features missing, recorded as NaN (a sensor that failed).
absent = np.random.default_rng(3).random(x_train.shape) < 0.05
x_missing = np.where(absent, np.float32(np.nan), x_train)
print(f"missing features: {np.isnan(x_missing).mean():.2%} | rows with at least one: "
      f"{np.isnan(x_missing).any(axis=1).mean():.2%}")


# A Keras 2 habit: skip the work with a Python `if` when the batch has nothing to fill.
class FillMissing(tf.keras.layers.Layer):
    def call(self, inputs):
        missing = tf.math.is_nan(inputs)
        if tf.reduce_any(missing):  # a Python if on a tensor's value
            return tf.where(missing, tf.zeros_like(inputs), inputs)  # 0 is each feature's mean
        return inputs

    def compute_output_shape(self, input_shape):  # symbolic inputs never reach call()
        return input_shape


def first_sentence(error):  # TensorFlow's message, without Keras's frame around it
    return re.search(r"Using a symbolic .*? is not allowed", str(error)).group(0)


def regressor(first_layer):
    return tf.keras.Sequential([tf.keras.Input(shape=(8,)), first_layer,
                                tf.keras.layers.Dense(32, activation="relu"),
                                tf.keras.layers.Dense(1)])


with_gaps = x_missing[np.isnan(x_missing).any(axis=1)][:2]  # the first two rows that miss a value
print("rows:", with_gaps.round(2), "eagerly:", FillMissing()(with_gaps).numpy().round(2),
      sep="\n")
model = regressor(FillMissing())
model.compile(optimizer="adam", loss="mse")
try:
    model.fit(x_missing, y_train, epochs=1, batch_size=128, verbose=0)
except tf.errors.OperatorNotAllowedInGraphError as error:
    print("fit:", type(error).__name__, "|", first_sentence(error))

# The same layer in the book's own compiled step (the training loop page's pattern).
optimizer = tf.keras.optimizers.Adam()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    return loss


try:
    train_step(x_missing[:128], y_train[:128])
except tf.errors.OperatorNotAllowedInGraphError as error:
    print("tf.function step:", type(error).__name__, "|", first_sentence(error))


# Three remedies. 1: no branch at all, a selection element by element.
class FillMissingWhere(FillMissing):
    def call(self, inputs):
        return tf.keras.ops.where(tf.keras.ops.isnan(inputs), 0.0, inputs)


# 2: the branch as a graph condition, both sides written as functions.
class FillMissingCond(FillMissing):
    def call(self, inputs):
        missing = tf.math.is_nan(inputs)
        return tf.cond(tf.reduce_any(missing),
                       lambda: tf.where(missing, tf.zeros_like(inputs), inputs),
                       lambda: inputs)


# 3: the Python `if` kept, in a TF function of our own, which AutoGraph converts.
@tf.function
def fill_missing(inputs):
    missing = tf.math.is_nan(inputs)
    if tf.reduce_any(missing):
        return tf.where(missing, tf.zeros_like(inputs), inputs)
    return inputs


class FillMissingConverted(FillMissing):
    def call(self, inputs):
        return fill_missing(inputs)


eager = FillMissing()(x_missing).numpy()  # the Keras 2 layer, run eagerly: the reference
for remedy in [FillMissingWhere, FillMissingCond, FillMissingConverted]:
    tf.keras.utils.set_random_seed(42)  # the same initial weights and batches for each
    model = regressor(remedy())
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x_missing, y_train, epochs=1, batch_size=128, verbose=0)
    same = np.array_equal(model.layers[0](x_missing).numpy(), eager)
    print(f"{remedy.__name__:21} fit loss {history.history['loss'][0]:.4f} | "
          f"outputs equal the eager if's: {same}")


# A tf.Variable set as an attribute, and the same state made by add_weight.
class ShiftVariable(tf.keras.layers.Layer):  # the Keras 2 habit
    def build(self, input_shape):
        self.shift = tf.Variable(tf.zeros(input_shape[-1:]), name="shift")

    def call(self, inputs):
        return inputs + self.shift


class ShiftWeight(tf.keras.layers.Layer):
    def build(self, input_shape):
        self.shift = self.add_weight(shape=input_shape[-1:], initializer="zeros", name="shift")

    def call(self, inputs):
        return inputs + self.shift


print(f"mean target: {y_train.mean():.4f}")
for shift_class in [ShiftVariable, ShiftWeight]:
    tf.keras.utils.set_random_seed(42)
    shift = shift_class()
    model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                 tf.keras.layers.Dense(1, use_bias=False), shift])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=0)
    print(f"{shift_class.__name__}: trainable {[w.path for w in model.trainable_weights]} | "
          f"shift after training {shift.shift.numpy()[0]:.4f} | "
          f"test MSE {model.evaluate(x_test, y_test, verbose=0):.4f} | warnings: {len(caught)}")

# Raw TensorFlow operations on a symbolic input fail; keras.ops (or a layer) works.
inputs = tf.keras.Input(shape=(8,))
try:
    tf.square(inputs)
except ValueError as error:
    print("tf.square(Input):", type(error).__name__, "|", str(error).split(". ")[0])
features = tf.keras.ops.concatenate([inputs, tf.keras.ops.square(inputs)], axis=-1)
print("keras.ops:", type(features).__name__, features.shape)
hidden = tf.keras.layers.Dense(16, activation="relu")(features)
functional = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(hidden))

# Keras 2's symbolic add_loss on a Functional model is gone.
try:
    functional.add_loss(1e-3 * tf.keras.ops.mean(tf.keras.ops.abs(hidden)))
except NotImplementedError as error:
    print("model.add_loss(symbolic):", type(error).__name__, "| message:", repr(str(error)))
# A penalty on the activations from inside a layer: added at every call.
hidden_layer = tf.keras.layers.Dense(16, activation="relu",
                                     activity_regularizer=tf.keras.regularizers.L1(1e-3))
regularized = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(hidden_layer(features)))
regularized(x_test[:256])
print("activity_regularizer: model.losses after a call:", len(regularized.losses))


# One component twice: the losses page's log-cosh with tf.*, and with keras.ops.
def log_cosh_tf(y_true, y_pred):  # TensorFlow only
    error = tf.abs(y_pred - y_true)
    return tf.reduce_mean(error + tf.math.softplus(-2.0 * error) - tf.math.log(2.0), axis=-1)


def log_cosh_ops(y_true, y_pred):  # any Keras backend
    ops = tf.keras.ops
    error = ops.abs(y_pred - y_true)
    return ops.mean(error + ops.softplus(-2.0 * error) - ops.log(2.0), axis=-1)


targets = np.zeros((4, 1), dtype=np.float32)
guesses = np.array([[0.05], [-0.5], [2.0], [-8.0]], dtype=np.float32)
with_tf, with_ops = log_cosh_tf(targets, guesses), log_cosh_ops(targets, guesses)
print("tf.*     :", [round(float(v), 4) for v in with_tf], type(with_tf).__name__)
print("keras.ops:", [round(float(v), 4) for v in with_ops], type(with_ops).__name__,
      "| backend:", tf.keras.config.backend(), "| bit for bit:",
      np.array_equal(with_tf.numpy(), with_ops.numpy()))
target_input = tf.keras.Input(shape=(1,))
print("on symbolic tensors:", type(log_cosh_ops(target_input, target_input)).__name__, end=" | ")
try:
    log_cosh_tf(target_input, target_input)
except ValueError as error:
    print("tf.*:", type(error).__name__)

# A loss that needs the inputs: override compute_loss; fit and evaluate both call it.
keep = np.array([1, 1, 1, 1, 1, 1, 0, 0], dtype=np.float32)  # x6 and x7 set to 0


class InvariantMLP(tf.keras.Model):
    # What we know of the task: x6 and x7 do not matter, so the prediction must not move
    # when they are set to 0. The penalty needs x, which only compute_loss receives.
    def __init__(self, penalty=0.0, **kwargs):
        super().__init__(**kwargs)
        self.penalty = penalty
        self.hidden = tf.keras.layers.Dense(32, activation="relu")
        self.out = tf.keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x, y, y_pred, sample_weight, training=training)
        moved = self(x * keep, training=training) - y_pred
        return loss + self.penalty * tf.reduce_mean(tf.square(moved))


def sensitivity(model, x):  # how far the predictions move when x6 and x7 are set to 0
    return float(tf.reduce_mean(tf.abs(model(x * keep) - model(x))))


for penalty in [0.0, 1.0]:
    tf.keras.utils.set_random_seed(42)
    model = InvariantMLP(penalty)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss="mse")
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=0)
    predictions = model(x_test)
    mse = float(tf.reduce_mean(tf.square(predictions - y_test)))
    by_hand = mse + penalty * float(tf.reduce_mean(tf.square(model(x_test * keep) - predictions)))
    evaluated = model.evaluate(x_test, y_test, batch_size=len(x_test), verbose=0)
    print(f"penalty {penalty}: evaluate {evaluated:.6f} | by hand {by_hand:.6f} | "
          f"test MSE {mse:.4f} | sensitivity to x6, x7 {sensitivity(model, x_test):.4f}")

# jit_compile="auto" under this book's settings: no XLA, and jit_compile=True is refused.
print("devices:", [device.device_type for device in tf.config.list_physical_devices()])
for setting in ["auto", True]:
    model = regressor(tf.keras.layers.Identity())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.compile(optimizer="adam", loss="mse", jit_compile=setting)
    print(f"compile(jit_compile={setting!r}) -> model.jit_compile = {model.jit_compile}",
          "| warning:", [str(w.message) for w in caught])

# Keras's rules, read from its source: the comments and the calls of model_supports_jit in
# the setter of model.jit_compile, in the function that resolves "auto", and in that one.
rules = inspect.getmodule(tf.keras.Model._resolve_auto_jit_compile)
for function in [tf.keras.Model.jit_compile.fset, tf.keras.Model._resolve_auto_jit_compile,
                 rules.model_supports_jit]:
    lines = [line.strip() for line in inspect.getsource(function).splitlines()[1:]]
    print(function.__name__, [line for line in lines
                              if line.startswith("#") or "model_supports_jit(" in line])
