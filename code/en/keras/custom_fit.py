# Customising fit(): our own train_step and test_step; callbacks, validation, metrics still work.
import argparse
import sys

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="A custom train_step and test_step on Fashion-MNIST.")
parser.add_argument("--train-images", type=int, default=10000)
parser.add_argument("--epochs", type=int, default=3)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 10 <= args.train_images <= 60000:
    parser.error("--train-images must be between 10 and 60000")

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Flattened images: a subset of the training set, and the whole test set.
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:args.train_images].reshape(-1, 784).astype(np.float32) / 255.0
train_y = train_y[:args.train_images].astype(np.int32)
test_x, test_y = test_x.reshape(-1, 784).astype(np.float32) / 255.0, test_y.astype(np.int32)


class MLP(tf.keras.Model):  # the MLP of chapter 2, with Keras's own train_step
    def __init__(self, **options):
        super().__init__(**options)
        self.hidden = tf.keras.layers.Dense(100, activation="relu")
        self.logits = tf.keras.layers.Dense(10)

    def call(self, inputs):
        return self.logits(self.hidden(inputs))


class OurStepMLP(MLP):  # the same model; fit() now runs our train_step on every batch
    def __init__(self, **options):
        super().__init__(**options)
        self.loss_tracker = tf.keras.metrics.Mean(name="loss")  # our own: the epoch's mean loss

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        results = self.compute_metrics(x, y, y_pred)  # updates compile()'s metrics
        return {**results, "loss": self.loss_tracker.result()}  # our loss, not compile()'s

    def test_step(self, data):  # used by evaluate() and by fit() for validation
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(self.compute_loss(x=x, y=y, y_pred=y_pred, training=False))
        results = self.compute_metrics(x, y, y_pred)
        return {**results, "loss": self.loss_tracker.result()}


def fit_new(model_class, **fit_options):  # a new model, compiled and trained with fit()
    tf.keras.utils.set_random_seed(42)  # the same initial weights and batches for every model
    model = model_class()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(train_x, train_y, epochs=args.epochs, batch_size=100,
                        validation_split=0.1, verbose=0, **fit_options)
    return model, history


def show_logs(epoch, logs):  # called by fit() at the end of every epoch
    values = ", ".join(f"{name} {value:.4f}" for name, value in sorted(logs.items()))
    print(f"epoch {epoch + 1}: {values}")


show = tf.keras.callbacks.LambdaCallback(on_epoch_end=show_logs)
ours, _ = fit_new(OurStepMLP, callbacks=[show])
print("metrics:", [metric.name for metric in ours.metrics])
builtin, _ = fit_new(MLP)
print("same weights as Keras's train_step:",
      all(np.array_equal(a, b) for a, b in zip(ours.get_weights(), builtin.get_weights())))


class ClippedMLP(OurStepMLP):  # clips the gradients by their global norm and reports that norm
    def __init__(self, clip_norm=2.0, **options):
        super().__init__(**options)
        self.clip_norm = clip_norm
        self.grad_norm = tf.keras.metrics.Mean(name="grad_norm")  # mean norm before clipping
        self.clipped = tf.keras.metrics.Mean(name="clipped")  # fraction of clipped steps

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
        results = self.compute_metrics(x, y, y_pred)
        return {**results, "loss": self.loss_tracker.result()}

    def test_step(self, data):  # OurStepMLP's, without the gradient metrics
        results = super().test_step(data)
        return {"loss": results["loss"], "accuracy": results["accuracy"]}  # no gradients here


clipped, history = fit_new(ClippedMLP)
print("history keys:", sorted(history.history))
for name in ["grad_norm", "loss", "val_loss", "val_accuracy"]:
    print(f"{name:>12}:", " ".join(f"{value:.4f}" for value in history.history[name]))

# How often clipping acted: the fraction of each epoch's steps (90 by default).
print("fraction of steps clipped:",
      " ".join(f"{value:.4f}" for value in history.history["clipped"]))

results = clipped.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in results.items()})
print("Keras's train_step, for comparison:",
      {name: round(value, 4) for name, value in
       builtin.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True).items()})
