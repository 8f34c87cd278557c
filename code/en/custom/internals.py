# Losses and metrics from a model's internals: add_loss() and a tracked Mean metric.
import argparse
import sys

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="A regressor that penalizes its own sensitivity.")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--seed-epochs", type=int, default=40,
                    help="epochs of each run in the three-seed comparison")
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if args.seed_epochs < 1:
    parser.error("--seed-epochs must be at least 1")

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


# A regressor that also measures how much its prediction moves when the inputs are shaken.
class SteadyRegressor(tf.keras.Model):
    def __init__(self, units=64, shake=0.1, penalty=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.shake, self.penalty = shake, penalty
        self.body = [tf.keras.layers.Dense(units, activation="relu") for _ in range(2)]
        self.head = tf.keras.layers.Dense(1)
        self.seed_generator = tf.keras.random.SeedGenerator(seed)
        self.sensitivity = tf.keras.metrics.Mean(name="sensitivity")  # tracked as an attribute

    def predict_one(self, inputs):
        hidden = inputs
        for layer in self.body:
            hidden = layer(hidden)
        return self.head(hidden)

    def call(self, inputs, training=None):
        prediction = self.predict_one(inputs)
        noise = tf.keras.random.normal(tf.keras.ops.shape(inputs), stddev=self.shake,
                                       seed=self.seed_generator)
        change = tf.reduce_mean(tf.square(self.predict_one(inputs + noise) - prediction))
        self.add_loss(self.penalty * change)  # added to the loss that fit() minimizes
        if training:
            self.sensitivity.update_state(change)
        return prediction


model = SteadyRegressor(name="steady_regressor", seed=1)
model(x_train[:100])
print("model.losses:", [round(float(loss), 4) for loss in model.losses])
model(x_train[100:200])
print("after a second call:", [round(float(loss), 4) for loss in model.losses])
print(f"sensitivity metric after two calls: {float(model.sensitivity.result()):.4f}")
print("model.metrics:", [metric.name for metric in model.metrics])

# fit() reports every metric in model.metrics: the compiled ones and ours.
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse", metrics=["mse"])
print("after compile:", [metric.name for metric in model.metrics])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=100,
                    validation_data=(x_test, y_test), verbose=0)
print(list(history.history.keys()))
for key, values in history.history.items():
    print(f"{key:16s} {values[0]:.4f} -> {values[-1]:.4f}")
last = {key: values[-1] for key, values in history.history.items()}
print("loss = mse + 1.0 * sensitivity:",
      abs(last["loss"] - (last["mse"] + 1.0 * last["sensitivity"])) < 1e-4)

# Does the penalty help? Penalty 0 is the baseline: three seeds each, on 2,000 rows.
for penalty in [0.0, 1.0]:
    errors = []
    for seed in [1, 2, 3]:
        tf.keras.utils.set_random_seed(seed)
        candidate = SteadyRegressor(penalty=penalty, seed=seed)
        candidate.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
        candidate.fit(x_train[:2000], y_train[:2000], epochs=args.seed_epochs, batch_size=100,
                      verbose=0)
        errors.append(float(np.mean((candidate.predict(x_test, verbose=0) - y_test) ** 2)))
    print(f"penalty {penalty}: test MSE {np.round(errors, 4)}, "
          f"mean {np.mean(errors):.4f} ± {np.std(errors):.4f}")


# A habit of custom train_step code: list one's own metrics in `metrics`; it hides the
# others (Keras 2 and 3 alike).
class OnlyOurMetric(SteadyRegressor):
    @property
    def metrics(self):
        return [self.sensitivity]


tf.keras.utils.set_random_seed(42)
keras2_style = OnlyOurMetric(seed=1)
keras2_style.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse",
                     metrics=["mse"])
history = keras2_style.fit(x_train[:2000], y_train[:2000], epochs=1, batch_size=100,
                           validation_data=(x_test, y_test), verbose=0)
print("with the metrics property overridden:", list(history.history.keys()))
