# Solutions to the exercises of "Custom activations, initializers, regularizers and constraints".
import os
import tempfile

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


x_train, y_train = make_data(20000, seed=1)
x_test, y_test = make_data(5000, seed=2, outliers=0.0)

# Exercise 1: count the calls with variables, which also count inside fit()'s compiled graph.
calls = {kind: tf.Variable(0) for kind in ["initializer", "regularizer", "constraint"]}


def counted_initializer(shape, dtype=None):
    calls["initializer"].assign_add(1)
    limit = np.sqrt(3.0 / int(np.prod(shape[:-1])))
    return tf.random.uniform(shape, -limit, limit, dtype=dtype or tf.float32)


def counted_regularizer(kernel):
    calls["regularizer"].assign_add(1)
    return 0.001 * tf.reduce_sum(tf.norm(kernel, axis=1))


def counted_constraint(kernel):
    calls["constraint"].assign_add(1)
    norms = tf.norm(kernel, axis=0, keepdims=True)
    return kernel * tf.minimum(1.0, 1.0 / tf.maximum(norms, 1e-7))


def report(moment):
    print(f"{moment:24s}", {kind: int(count) for kind, count in calls.items()})


model = tf.keras.Sequential([
    tf.keras.Input(shape=(8,)),
    tf.keras.layers.Dense(64, activation="relu", kernel_initializer=counted_initializer,
                          kernel_regularizer=counted_regularizer),
    tf.keras.layers.Dense(64, activation="relu", kernel_initializer=counted_initializer,
                          kernel_constraint=counted_constraint),
    tf.keras.layers.Dense(1)])
report("after building")
model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(0.005))
model.fit(x_train[:2000], y_train[:2000], epochs=1, batch_size=256, verbose=0)  # 8 steps
report("after 8 training steps")
model.evaluate(x_test[:1000], y_test[:1000], batch_size=256, verbose=0)  # 4 batches
report("after evaluate()")


# Exercise 2: a function named like a Keras activation is saved as that name.
def squareplus(z):  # the page's smooth_relu under Keras's name; Keras's squareplus has b=4
    return (z + tf.sqrt(tf.square(z) + 1.0)) / 2.0


def smooth_relu(z):  # the same function under a name of our own
    return (z + tf.sqrt(tf.square(z) + 1.0)) / 2.0


folder = tempfile.mkdtemp()
zero_input = np.zeros((1, 8), dtype=np.float32)  # the layer's output is activation(0)
for activation in [squareplus, smooth_relu]:
    model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                 tf.keras.layers.Dense(4, activation=activation)])
    path = os.path.join(folder, f"{activation.__name__}.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path, custom_objects={activation.__name__: activation})
    comes_back = loaded.layers[0].activation
    print(f"{activation.__name__}: saved as {model.layers[0].get_config()['activation']!r}; "
          f"loaded back ours: {comes_back is activation}, from {comes_back.__module__}")
    print(f"  activation(0): before {float(model(zero_input)[0, 0]):.4f}, "
          f"after loading {float(loaded(zero_input)[0, 0]):.4f}")

# Exercise 3: the strength of the group penalty, one seed per factor.
class GroupLasso(tf.keras.regularizers.Regularizer):  # the page's class, not registered again
    def __init__(self, factor=0.001):
        self.factor = float(factor)

    def __call__(self, kernel):
        return self.factor * tf.reduce_sum(tf.norm(kernel, axis=1))

    def get_config(self):
        return {"factor": self.factor}


for factor in [0.0, 0.001, 0.01]:
    tf.keras.utils.set_random_seed(0)  # the same initial weights and batches for every factor
    first = tf.keras.layers.Dense(64, activation="relu", kernel_regularizer=GroupLasso(factor))
    model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), first,
                                 tf.keras.layers.Dense(64, activation="relu"),
                                 tf.keras.layers.Dense(1)])
    model.compile(loss=tf.keras.losses.LogCosh(),
                  optimizer=tf.keras.optimizers.Adam(0.005))
    model.fit(x_train, y_train, epochs=10, batch_size=256, verbose=0)
    rows = np.linalg.norm(first.kernel.numpy(), axis=1)
    test_mse = np.mean((y_test - model(x_test).numpy()) ** 2)
    print(f"factor {factor:<6}: row norms {[round(float(r), 2) for r in rows]} | "
          f"x6, x7 / x0..x5 {rows[6:].mean() / rows[:6].mean():.3f} | test MSE {test_mse:.4f}")

# Exercise 4: Adam as Algorithm 1 of the paper writes it, against Keras's Adam.
class PaperAdam(tf.keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.m = self.add_optimizer_variables(variables, "m")
        self.v = self.add_optimizer_variables(variables, "v")

    def update_step(self, gradient, variable, learning_rate):
        m = self.m[self._get_variable_index(variable)]
        v = self.v[self._get_variable_index(variable)]
        t = tf.cast(self.iterations + 1, variable.dtype)
        self.assign(m, self.beta_1 * m + (1 - self.beta_1) * gradient)
        self.assign(v, self.beta_2 * v + (1 - self.beta_2) * tf.square(gradient))
        m_hat = m / (1 - self.beta_1 ** t)  # the bias corrections, applied to m and v
        v_hat = v / (1 - self.beta_2 ** t)
        lr = tf.cast(learning_rate, variable.dtype)
        self.assign_sub(variable, lr * m_hat / (tf.sqrt(v_hat) + self.epsilon))


def plain_model():
    tf.keras.utils.set_random_seed(0)  # the same initial weights for both
    return tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                tf.keras.layers.Dense(64, activation="relu"),
                                tf.keras.layers.Dense(64, activation="relu"),
                                tf.keras.layers.Dense(1)])


# One step from the same weights and the same gradients: where do the two differ?
gradients, after_one_step = None, []
for optimizer in [tf.keras.optimizers.Adam(learning_rate=0.005), PaperAdam(learning_rate=0.005)]:
    model = plain_model()
    with tf.GradientTape() as tape:
        loss = tf.keras.losses.LogCosh()(y_train[:256], model(x_train[:256]))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply(gradients, model.trainable_variables)
    after_one_step.append(np.concatenate([w.numpy().ravel() for w in model.trainable_variables]))
size = np.abs(np.concatenate([g.numpy().ravel() for g in gradients]))
difference = np.abs(after_one_step[0] - after_one_step[1])
for name, chosen in [("above 1e-2", size > 1e-2), ("1e-5 to 1e-2", (size >= 1e-5) & (size <= 1e-2)),
                     ("below 1e-5", size < 1e-5)]:
    print(f"after one step, {int(chosen.sum()):4d} weights with a gradient {name:12s}: "
          f"largest difference {difference[chosen].max():.1e}")

# Two epochs, the same batches: the losses, and how far the weights drift apart.
histories, weights = [], []
for optimizer in [tf.keras.optimizers.Adam(learning_rate=0.005), PaperAdam(learning_rate=0.005)]:
    model = plain_model()
    model.compile(loss=tf.keras.losses.LogCosh(), optimizer=optimizer, steps_per_execution=32)
    histories.append(model.fit(x_train, y_train, epochs=2, batch_size=256, verbose=0).history)
    weights.append(np.concatenate([w.ravel() for w in model.get_weights()]))
print("loss by epoch: Keras's Adam", [round(v, 4) for v in histories[0]["loss"]],
      "| PaperAdam", [round(v, 4) for v in histories[1]["loss"]])
print("after 2 epochs, some weight differs by more than 0.01:",
      bool(np.abs(weights[0] - weights[1]).max() > 0.01))
