# Custom activations, initializers, regularizers and constraints, on the chapter's regression task.
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Custom layer components on the chapter's task.")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--seeds", type=int, default=3, help="runs with and without the components")
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
x_test, y_test = make_data(5000, seed=2, outliers=0.0)


# An activation and an initializer as functions: each receives what Keras passes to it.
def smooth_relu(z):  # activation: (z + sqrt(z^2 + 1)) / 2, a ReLU with a rounded corner
    return (z + tf.sqrt(tf.square(z) + 1.0)) / 2.0


def fan_in_uniform(shape, dtype=None):  # initializer: variance 1 / fan_in, for any rank
    fan_in = int(np.prod(shape[:-1]))  # every axis but the last feeds one output unit
    limit = np.sqrt(3.0 / fan_in)  # a uniform on [-a, a] has variance a^2 / 3
    return tf.random.uniform(shape, -limit, limit, dtype=dtype or tf.float32)


z = tf.constant([-1000.0, -2.0, 0.0, 2.0, 1000.0])
with tf.GradientTape() as tape:
    tape.watch(z)
    values = smooth_relu(z)
print("smooth_relu:", [round(float(v), 4) for v in values],
      "| slope:", [round(float(v), 4) for v in tape.gradient(values, z)])
for shape in [(8, 64), (3, 3, 16, 32)]:  # a Dense kernel and a Conv2D kernel
    sample = fan_in_uniform(shape)
    print(f"fan_in_uniform{shape}: std {float(tf.math.reduce_std(sample)):.4f} | "
          f"1 / sqrt(fan_in) = {1 / np.sqrt(np.prod(shape[:-1])):.4f}")


# A regularizer as a class (its factor goes into the config) and a constraint as a function.
@tf.keras.utils.register_keras_serializable(package="book")
class GroupLasso(tf.keras.regularizers.Regularizer):
    # factor * the sum of the norms of the kernel's rows: one row per input feature

    def __init__(self, factor=0.001):
        self.factor = float(factor)  # a plain number, as the JSON config needs

    def __call__(self, kernel):
        return self.factor * tf.reduce_sum(tf.norm(kernel, axis=1))

    def get_config(self):
        return {"factor": self.factor}


def cap_unit_norms(kernel):  # constraint: each unit's incoming weights get a norm of at most 1
    norms = tf.norm(kernel, axis=0, keepdims=True)  # one column per unit
    return kernel * tf.minimum(1.0, 1.0 / tf.maximum(norms, 1e-7))


kernel = tf.constant([[3.0, 0.0, 0.1], [4.0, 0.0, 0.2]])  # columns of norm 5, 0 and 0.22
print(f"GroupLasso(0.001): {float(GroupLasso(0.001)(kernel)):.4f} | config "
      f"{GroupLasso(0.001).get_config()}")
capped = cap_unit_norms(kernel)
print("cap_unit_norms:", [[round(float(w), 4) for w in row] for row in capped],
      "| column norms after:", [round(float(n), 4) for n in tf.norm(capped, axis=0)])


def make_model(custom):
    # two hidden layers; with custom=True, the penalty on the first, the cap on the second
    first = tf.keras.layers.Dense(64, activation=smooth_relu, kernel_initializer=fan_in_uniform,
                                  kernel_regularizer=GroupLasso(0.001) if custom else None)
    second = tf.keras.layers.Dense(64, activation=smooth_relu, kernel_initializer=fan_in_uniform,
                                   kernel_constraint=cap_unit_norms if custom else None)
    return tf.keras.Sequential([tf.keras.Input(shape=(8,)), first, second,
                                tf.keras.layers.Dense(1)])


tf.keras.utils.set_random_seed(0)
model = make_model(custom=True)  # the initializer runs now: the input shape is known
first, second = model.layers[0], model.layers[1]
print(f"before training: model.losses {[round(float(v), 4) for v in model.losses]} | by hand "
      f"{0.001 * np.linalg.norm(first.kernel.numpy(), axis=1).sum():.4f} | largest unit norm "
      f"in the second layer {np.linalg.norm(second.kernel.numpy(), axis=0).max():.4f}")


def row_norms_and_score(custom, seed):
    tf.keras.utils.set_random_seed(seed)  # the same initial weights and batches with and without
    model = make_model(custom)
    model.compile(loss=tf.keras.losses.LogCosh(), optimizer=tf.keras.optimizers.Adam(0.005),
                  metrics=[tf.keras.metrics.MeanSquaredError()], steps_per_execution=32)
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=256, verbose=0)
    rows = np.linalg.norm(model.layers[0].kernel.numpy(), axis=1)
    units = np.linalg.norm(model.layers[1].kernel.numpy(), axis=0)
    test_mse = model.evaluate(x_test, y_test, verbose=0)[1]
    return model, rows, units.max(), test_mse


for seed in range(args.seeds):
    for custom in [False, True]:
        model, rows, largest, test_mse = row_norms_and_score(custom, seed)
        if seed == 0:
            print(f"{'with' if custom else 'without':7s} row norms x0..x7:",
                  [round(float(r), 2) for r in rows])
        print(f"seed {seed} {'with' if custom else 'without':7s}: x6, x7 / x0..x5 "
              f"{rows[6:].mean() / rows[:6].mean():.3f} | largest unit norm {largest:.4f} | "
              f"test MSE {test_mse:.4f}")
# The last model has the penalty: the loss evaluate() reports includes it.
results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
log_cosh = float(tf.keras.losses.LogCosh()(y_test, model(x_test)))
print(f"evaluate(): loss {results['loss']:.4f} = log-cosh {log_cosh:.4f} "
      f"+ penalty {float(tf.add_n(model.losses)):.4f}")

# Saving: the functions are found through custom_objects, the registered class by its name.
path = os.path.join(tempfile.mkdtemp(), "components.keras")
model.save(path)
loaded = tf.keras.models.load_model(path, custom_objects={
    "smooth_relu": smooth_relu, "fan_in_uniform": fan_in_uniform,
    "cap_unit_norms": cap_unit_norms})
first, second = loaded.layers[0], loaded.layers[1]
print("activation:", first.activation.__name__,
      "| initializer:", first.kernel_initializer.__name__,
      "| regularizer:", type(first.kernel_regularizer).__name__, first.kernel_regularizer.factor,
      "| constraint:", second.kernel_constraint.__name__)
print("same predictions:", np.array_equal(loaded(x_test).numpy(), model(x_test).numpy()))


# An optimizer of our own: Adam, computed the way Keras's Adam computes it.
@tf.keras.utils.register_keras_serializable(package="book")
class OurAdam(tf.keras.optimizers.Optimizer):
    # m and v: running means of each weight's gradients and of their squares

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)  # clipnorm=, name=, ...
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, variables):  # once, with the model's trainable variables
        if self.built:
            return
        super().build(variables)  # numbers the variables for _get_variable_index
        self.m = self.add_optimizer_variables(variables, "m")  # zeros shaped like each weight
        self.v = self.add_optimizer_variables(variables, "v")

    def update_step(self, gradient, variable, learning_rate):  # each step, each variable
        m = self.m[self._get_variable_index(variable)]
        v = self.v[self._get_variable_index(variable)]
        t = tf.cast(self.iterations + 1, variable.dtype)  # iterations: the steps done so far
        lr = tf.cast(learning_rate, variable.dtype)
        step_size = lr * tf.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)  # bias correction
        self.assign_add(m, (gradient - m) * (1 - self.beta_1))
        self.assign_add(v, (tf.square(gradient) - v) * (1 - self.beta_2))
        self.assign_sub(variable, m * step_size / (tf.sqrt(v) + self.epsilon))

    def get_config(self):  # saved with a compiled model
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


def train_with(optimizer, seed=0):
    tf.keras.utils.set_random_seed(seed)  # the same initial weights and batches for both
    model = make_model(custom=True)
    model.compile(loss=tf.keras.losses.LogCosh(), optimizer=optimizer, steps_per_execution=32)
    history = model.fit(x_train, y_train, epochs=2, batch_size=256, verbose=0)
    return model, history.history["loss"][-1]


keras_model, keras_loss = train_with(tf.keras.optimizers.Adam(learning_rate=0.005))
our_model, our_loss = train_with(OurAdam(learning_rate=0.005))
largest = max(float(np.max(np.abs(a - b)))
              for a, b in zip(keras_model.get_weights(), our_model.get_weights()))
print(f"loss after 2 epochs: Keras's Adam {keras_loss:.6f} | OurAdam {our_loss:.6f} | "
      f"largest weight difference {largest}")
print("optimizer variables:", len(our_model.optimizer.variables),
      [v.name for v in our_model.optimizer.variables[:4]])
print(f"largest unit norm in the second layer: "
      f"{np.linalg.norm(our_model.layers[1].kernel.numpy(), axis=0).max():.4f}")
