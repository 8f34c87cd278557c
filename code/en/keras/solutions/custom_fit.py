# Solutions to the exercises of "Customising fit".
import warnings

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:10000].reshape(-1, 784).astype(np.float32) / 255.0
train_y = train_y[:10000].astype(np.int32)
test_x, test_y = test_x.reshape(-1, 784).astype(np.float32) / 255.0, test_y.astype(np.int32)


class MLP(tf.keras.Model):  # the page's MLP, with Keras's own train_step
    def __init__(self, **options):
        super().__init__(**options)
        self.hidden = tf.keras.layers.Dense(100, activation="relu")
        self.logits = tf.keras.layers.Dense(10)

    def call(self, inputs):
        return self.logits(self.hidden(inputs))


def fit_new(model, optimizer=None, weighted_metrics=None, **fit_options):  # one epoch
    # compiled as on the page; weighted_metrics, if given, receive the sample weights
    model.compile(optimizer=optimizer or tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
                  weighted_metrics=weighted_metrics)
    return model.fit(train_x, train_y, epochs=1, batch_size=100, verbose=0, **fit_options)


def same_weights(a, b, tolerance=0.0):  # do two models hold the same weights?
    return all(np.allclose(u, v, rtol=0.0, atol=tolerance)
               for u, v in zip(a.get_weights(), b.get_weights()))


class OurStepMLP(MLP):  # the page's first train_step and test_step, with our own loss tracker
    def __init__(self, **options):
        super().__init__(**options)
        self.loss_tracker = tf.keras.metrics.Mean(name="loss")

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        return {**self.compute_metrics(x, y, y_pred), "loss": self.loss_tracker.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(self.compute_loss(x=x, y=y, y_pred=y_pred, training=False))
        return {**self.compute_metrics(x, y, y_pred), "loss": self.loss_tracker.result()}


# Exercise 1: the page's ClippedMLP without its test_step, against Adam's own clipping.
class ClippedMLP(OurStepMLP):
    def __init__(self, clip_norm=2.0, **options):
        super().__init__(**options)
        self.clip_norm = clip_norm
        self.grad_norm = tf.keras.metrics.Mean(name="grad_norm")
        self.clipped = tf.keras.metrics.Mean(name="clipped")

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        gradients = tape.gradient(loss, self.trainable_variables)
        gradients, norm = tf.clip_by_global_norm(gradients, self.clip_norm)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.grad_norm.update_state(norm)
        self.clipped.update_state(tf.cast(norm > self.clip_norm, tf.float32))
        self.loss_tracker.update_state(loss)
        return {**self.compute_metrics(x, y, y_pred), "loss": self.loss_tracker.result()}


tf.keras.utils.set_random_seed(42)
ours = ClippedMLP()
history = fit_new(ours, validation_split=0.1)
print("history keys:", sorted(history.history))
print({name: history.history[name] for name in ["val_grad_norm", "val_clipped"]})
tf.keras.utils.set_random_seed(42)
theirs = MLP()
fit_new(theirs, tf.keras.optimizers.Adam(learning_rate=1e-3, global_clipnorm=2.0),
        validation_split=0.1)
print("same weights within 1e-6:", same_weights(ours, theirs, tolerance=1e-6))


# Exercise 2: a train_step that accepts sample weights (fit() makes them from class_weight).
class WeightedStepMLP(OurStepMLP):
    def train_step(self, data):
        x, y, sample_weight = tf.keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=True)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        results = self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)
        return {**results, "loss": self.loss_tracker.result()}


shirt_weights = {label: 3.0 if label == 6 else 1.0 for label in range(10)}  # 6 is Shirt
try:
    fit_new(OurStepMLP(), class_weight=shirt_weights)
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).splitlines()[0]}")
tf.keras.utils.set_random_seed(42)
weighted = WeightedStepMLP()
weighted_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="weighted_accuracy")
weighted_history = fit_new(weighted, weighted_metrics=[weighted_accuracy],
                           class_weight=shirt_weights)
tf.keras.utils.set_random_seed(42)
builtin = MLP()
fit_new(builtin, class_weight=shirt_weights)
print("same weights as Keras's train_step:", same_weights(weighted, builtin))
print({name: round(values[-1], 4) for name, values in weighted_history.history.items()})


# Exercise 3: a train_step written for Keras 2, run by Keras 3.
class Keras2StepMLP(MLP):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.compiled_metrics.update_state(y, y_pred)
        return {metric.name: metric.result() for metric in self.metrics}


tf.keras.utils.set_random_seed(42)
old_style = Keras2StepMLP()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    old_history = fit_new(old_style)
print("warnings:", sorted({str(warning.message).split("`")[1] for warning in caught}))
print({name: round(values[-1], 4) for name, values in old_history.history.items()})
# The same model trained with Keras's own train_step, from the same seed.
tf.keras.utils.set_random_seed(42)
reference = MLP()
reference_history = fit_new(reference)
print("same weights as Keras's train_step:", same_weights(old_style, reference),
      "| its accuracy:", round(reference_history.history["accuracy"][-1], 4))
results = old_style.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True)
print(f"evaluate(), Keras's test_step: test loss {results['loss']:.4f}, "
      f"test accuracy {results['accuracy']:.4f}")
