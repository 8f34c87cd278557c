# Custom layers: Lambda, per-feature scales, two inputs and outputs, a feature mask, layer norm.
import os
import re
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()
folder = tempfile.mkdtemp()  # the saved models go here, never into the repository


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


def least_squares_mse(train_features, test_features):  # a linear fit with a bias column
    column = np.ones([len(train_features), 1], np.float32)
    coefficients = np.linalg.lstsq(np.hstack([train_features, column]), y_train, rcond=None)[0]
    predictions = test_features @ coefficients[:-1] + coefficients[-1]
    return float(np.mean((predictions - y_test) ** 2))


# A layer without weights, from a function: each feature followed by its square.
with_squares = tf.keras.layers.Lambda(lambda x: tf.concat([x, tf.square(x)], axis=-1),
                                      name="with_squares")
print(with_squares(tf.constant([[-1.0, 0.5, 2.0]])).numpy())
print(f"least squares on x: test MSE {least_squares_mse(x_train, x_test):.4f} | "
      f"on x and x**2: {least_squares_mse(with_squares(x_train), with_squares(x_test)):.4f}")

# Saving works; loading refuses the lambda's Python bytecode unless told it is trusted.
squares_model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), with_squares,
                                     tf.keras.layers.Dense(1)])
lambda_path = os.path.join(folder, "with_lambda.keras")
squares_model.save(lambda_path)
try:
    tf.keras.models.load_model(lambda_path)
except ValueError as error:
    print("ValueError:", error)
unsafe = tf.keras.models.load_model(lambda_path, safe_mode=False)
try:
    unsafe(x_test[:2])
except NameError as error:  # the bytecode came back, the module it used did not
    print("NameError:", re.search(r"name '\w+' is not defined", str(error)).group(0))


# A layer that learns one scale per feature; it knows its configuration, so it can be
# saved, reloaded and cloned.
@tf.keras.utils.register_keras_serializable(package="book")
class FeatureScale(tf.keras.layers.Layer):
    def __init__(self, initializer="ones", regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.initializer = tf.keras.initializers.get(initializer)
        self.regularizer = tf.keras.regularizers.get(regularizer)

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer=self.initializer,
                                     regularizer=self.regularizer, name="scale")

    def call(self, inputs):
        return inputs * self.scale

    def compute_output_shape(self, input_shape):  # symbolic inputs: the shape without a call
        return input_shape

    def get_config(self):  # everything __init__ needs to make the same layer again
        return {**super().get_config(),
                "initializer": tf.keras.initializers.serialize(self.initializer),
                "regularizer": tf.keras.regularizers.serialize(self.regularizer)}


scaling = FeatureScale(regularizer=tf.keras.regularizers.L1(0.01), name="scaling")
config = scaling.get_config()
print({key: config[key] for key in ["name", "initializer", "regularizer"]})
print("symbolic output:", scaling(tf.keras.Input(shape=(8,))).shape,
      "| compute_output_shape:", scaling.compute_output_shape((None, 7, 8)))
twin = FeatureScale.from_config(config)  # same configuration, no weights yet
print("twin:", twin.name, type(twin.regularizer).__name__, "| built:", twin.built)
try:
    FeatureScale(dynamic=True)  # Keras 2's flag for a layer that must run eagerly
except ValueError as error:
    print("ValueError:", error)

# Trained in front of an MLP, the L1 penalty pushes the scales of useless features to zero.
scaled_mlp = tf.keras.Sequential([tf.keras.Input(shape=(8,)), scaling,
                                  tf.keras.layers.Dense(64, activation="relu"),
                                  tf.keras.layers.Dense(64, activation="relu"),
                                  tf.keras.layers.Dense(1)])
scaled_mlp.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
scaled_mlp.fit(x_train, y_train, epochs=10, batch_size=128, verbose=0)
print("|scale| of x0..x7:", " ".join(f"{s:.3f}" for s in np.abs(scaling.scale.numpy())))
print(f"test MSE {scaled_mlp.evaluate(x_test, y_test, verbose=0):.4f}")

# Saved by class name and configuration, it loads in safe mode; a clone gets fresh weights.
scaled_path = os.path.join(folder, "scaled_mlp.keras")
scaled_mlp.save(scaled_path)
reloaded = tf.keras.models.load_model(scaled_path)
print(type(reloaded.layers[0]).__name__, "| same predictions:",
      np.array_equal(reloaded.predict(x_test, verbose=0), scaled_mlp.predict(x_test, verbose=0)))
clone = tf.keras.models.clone_model(scaled_mlp)  # the architecture, from each layer's config
print(type(clone.layers[0]).__name__, type(clone.layers[0].regularizer).__name__,
      "| clone's scales:", clone.layers[0].scale.numpy())


# Two inputs and two outputs: call() takes a list and returns a list.
class Blend(tf.keras.layers.Layer):
    def build(self, input_shapes):
        self.logit = self.add_weight(shape=(), initializer="zeros", name="logit")

    def call(self, inputs):
        first, second = inputs
        share = tf.sigmoid(self.logit)  # between 0 and 1; 0.5 at the start
        blended = share * first + (1.0 - share) * second
        return [blended, tf.ones_like(first) * share]  # the blend and the share it used

    def compute_output_shape(self, input_shapes):
        return [input_shapes[0], input_shapes[0]]


linear_input = tf.keras.Input(shape=(1,), name="linear")
mlp_input = tf.keras.Input(shape=(1,), name="mlp")
blended, share = Blend(name="blend")([linear_input, mlp_input])
blend_model = tf.keras.Model(inputs=[linear_input, mlp_input], outputs=[blended, share])
print("outputs:", [tuple(output.shape) for output in blend_model.outputs])
first = np.array([[1.0], [3.0]], dtype=np.float32)
second = np.array([[2.0], [-1.0]], dtype=np.float32)
blend_model.get_layer("blend").logit.assign(np.log(3.0))  # a share of 3/4 for the first
blended, share = blend_model([first, second])
print("blend:", blended.numpy().ravel().tolist(), "| share:", share.numpy().ravel().tolist())


# A layer that hides random features in training only: call() takes a `training` argument.
class FeatureMask(tf.keras.layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = rate, seed
        self.seed_generator = tf.keras.random.SeedGenerator(seed)  # Keras 3's random state

    def call(self, inputs, training=None):
        if training:
            draws = tf.keras.random.uniform(tf.keras.ops.shape(inputs), seed=self.seed_generator)
            return tf.where(draws < self.rate, tf.zeros_like(inputs), inputs)
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


mask = FeatureMask(rate=0.25, seed=1)
batch = x_test[:1000]
for training in [True, False, None]:
    hidden = float(tf.reduce_mean(tf.cast(mask(batch, training=training) == 0.0, tf.float32)))
    print(f"training={training}: share of features set to zero {hidden:.4f}")

# In a model: fit() calls it with training=True, evaluate() and predict() with training=False.
column = np.ones([len(x_train), 1], np.float32)
coefficients = np.linalg.lstsq(np.hstack([x_train, column]), y_train, rcond=None)[0]
masked_linear = tf.keras.Sequential([tf.keras.Input(shape=(8,)), FeatureMask(0.25, seed=2),
                                     tf.keras.layers.Dense(1)])
masked_linear.layers[-1].set_weights([coefficients[:-1], coefficients[-1]])  # the fit above
for training in [True, False]:
    error = float(tf.reduce_mean((masked_linear(x_test, training=training) - y_test) ** 2))
    print(f"model(x, training={training}): test MSE {error:.4f}")
masked_linear.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.0), loss="mse")
history = masked_linear.fit(x_test, y_test, epochs=1, batch_size=100, verbose=0)  # no updates
print(f"fit loss {history.history['loss'][0]:.4f} | "
      f"evaluate loss {masked_linear.evaluate(x_test, y_test, verbose=0):.4f}")
print("predict twice, same:", np.array_equal(masked_linear.predict(x_test, verbose=0),
                                             masked_linear.predict(x_test, verbose=0)))


# Layer normalization: each sample's features are normalized, then scaled and shifted.
class LayerNorm(tf.keras.layers.Layer):
    def __init__(self, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.gamma = self.add_weight(name="gamma", shape=input_shape[-1:], initializer="ones")
        self.beta = self.add_weight(name="beta", shape=input_shape[-1:], initializer="zeros")

    def call(self, inputs):
        mean, variance = tf.nn.moments(inputs, axes=[-1], keepdims=True)
        return self.gamma * (inputs - mean) / tf.sqrt(variance + self.epsilon) + self.beta

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


rng = np.random.default_rng(0)
features = rng.normal(0.0, 2.0, size=(64, 10)).astype(np.float32)
ours, keras_own = LayerNorm(), tf.keras.layers.LayerNormalization(epsilon=1e-3)
ours.build(features.shape)
keras_own.build(features.shape)
gamma = rng.normal(1.0, 0.5, size=10).astype(np.float32)  # not 1 and 0: the check covers them
beta = rng.normal(0.0, 0.5, size=10).astype(np.float32)
ours.set_weights([gamma, beta])
keras_own.set_weights([gamma, beta])
difference = float(tf.reduce_max(tf.abs(ours(features) - keras_own(features))))
print(f"max |ours - Keras| = {difference:.5f} | below 1e-6: {difference < 1e-6}")
mean, variance = tf.nn.moments(features, axes=[-1], keepdims=True)
std_plus_epsilon = gamma * (features - mean) / (tf.sqrt(variance) + 1e-3) + beta
other = float(tf.reduce_max(tf.abs(std_plus_epsilon - keras_own(features))))
print(f"dividing by std + epsilon instead: {other:.5f} | below 1e-6: {other < 1e-6}")
