# Solutions to the exercises of "Losses and metrics from model internals".
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


# Exercise 1: the sensitivity measured in evaluation too: val_sensitivity is real.
class SteadyRegressor(tf.keras.Model):
    def __init__(self, units=64, shake=0.1, penalty=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.shake, self.penalty = shake, penalty
        self.body = [tf.keras.layers.Dense(units, activation="relu") for _ in range(2)]
        self.head = tf.keras.layers.Dense(1)
        self.seed_generator = tf.keras.random.SeedGenerator(seed)
        self.sensitivity = tf.keras.metrics.Mean(name="sensitivity")

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
        self.add_loss(self.penalty * change)
        self.sensitivity.update_state(change)  # in training and in evaluation
        return prediction


for validation_batch_size in [100, 128]:  # 5,000 rows: 50 equal batches, or 39 and a last of 8
    tf.keras.utils.set_random_seed(42)
    model = SteadyRegressor(seed=1)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse",
                  metrics=["mse"])
    history = model.fit(x_train, y_train, epochs=2, batch_size=100,
                        validation_data=(x_test, y_test),
                        validation_batch_size=validation_batch_size, verbose=0)
    last = {key: values[-1] for key, values in history.history.items()}
    print(f"validation batches of {validation_batch_size}: val_sensitivity "
          f"{history.history['val_sensitivity'][0]:.4f} -> {last['val_sensitivity']:.4f} | "
          f"val_loss = val_mse + val_sensitivity: "
          f"{abs(last['val_loss'] - (last['val_mse'] + last['val_sensitivity'])) < 1e-4}")


# Exercise 2: a layer with its own loss and metric; the model collects both.
class L1Activity(tf.keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.mean_activity = tf.keras.metrics.Mean(name="mean_activity")

    def call(self, inputs, training=None):
        penalty = tf.reduce_sum(tf.abs(inputs)) / tf.cast(tf.shape(inputs)[0], inputs.dtype)
        self.add_loss(self.rate * penalty)  # per sample, like Keras's activity_regularizer
        if training:
            self.mean_activity.update_state(tf.reduce_mean(tf.abs(inputs)))
        return inputs


tf.keras.utils.set_random_seed(42)
dense = tf.keras.layers.Dense(16, activation="relu")
ours = tf.keras.Sequential([tf.keras.Input(shape=(8,)), dense, L1Activity(1e-3)])
keras_own = tf.keras.Sequential([
    tf.keras.Input(shape=(8,)),
    tf.keras.layers.Dense(16, activation="relu",
                          activity_regularizer=tf.keras.regularizers.L1(1e-3))])
keras_own.set_weights(dense.get_weights())  # the same Dense weights in both
ours(x_train[:32])
keras_own(x_train[:32])
print(f"model.losses: ours {float(ours.losses[0]):.6f} | Keras {float(keras_own.losses[0]):.6f}")

regressor = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                 tf.keras.layers.Dense(16, activation="relu"), L1Activity(1e-3),
                                 tf.keras.layers.Dense(1)])
regressor.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
history = regressor.fit(x_train[:2000], y_train[:2000], epochs=2, batch_size=100, verbose=0)
print(list(history.history.keys()))
