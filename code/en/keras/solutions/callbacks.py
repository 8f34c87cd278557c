# Solutions to the exercises of "Callbacks".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Exercise 1: EarlyStopping replayed on the validation losses that the page printed.
# A callback needs a model to stop (it sets model.stop_training); an untrained one will do.
page_losses = [0.5285, 0.4821, 0.4782, 0.4827, 0.4807, 0.5063]
dummy = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])


def replay(losses, **settings):  # (epochs trained, best epoch) as fit() would report them
    stop = tf.keras.callbacks.EarlyStopping(monitor="val_loss", mode="min", **settings)
    stop.set_model(dummy)
    dummy.stop_training = False
    stop.on_train_begin()
    for epoch, loss in enumerate(losses):
        stop.on_epoch_end(epoch, {"val_loss": loss})
        if dummy.stop_training:
            break
    return epoch + 1, stop.best_epoch + 1


print("min_delta patience: stopped after, best epoch")
for min_delta in [0.0, 0.004, 0.05]:
    for patience in [1, 2, 3]:
        epochs, best = replay(page_losses, min_delta=min_delta, patience=patience)
        print(f"{min_delta:9} {patience:8}: {epochs}, {best}")


# Exercise 2: a callback that ends training once the validation accuracy reaches a target.
class StopAtAccuracy(tf.keras.callbacks.Callback):
    def __init__(self, target):
        super().__init__()
        self.target = target

    def on_epoch_end(self, epoch, logs=None):
        if logs["val_accuracy"] >= self.target:
            print(f"epoch {epoch + 1}: val_accuracy {logs['val_accuracy']:.4f} "
                  f">= {self.target}, stopping")
            self.model.stop_training = True


(images, labels), _ = tf.keras.datasets.fashion_mnist.load_data()
images, labels = images.astype(np.float32) / 255.0, labels.astype(np.int32)
train_x, train_y, val_x, val_y = images[:5000], labels[:5000], images[-5000:], labels[-5000:]
# The same initial weights and batches as the page's early-stopping run.
tf.keras.utils.set_random_seed(42)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(512, activation="relu"),
    tf.keras.layers.Dense(10),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
history = model.fit(train_x, train_y, epochs=20, batch_size=50,
                    validation_data=(val_x, val_y), validation_batch_size=1000,
                    callbacks=[StopAtAccuracy(0.825)], verbose=0)
print("val_accuracy per epoch:", " ".join(f"{v:.4f}" for v in history.history["val_accuracy"]))
