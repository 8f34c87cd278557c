# Callbacks: early stopping, checkpoints, learning-rate reduction, our own callback, TensorBoard,
# and resuming an interrupted run.
import argparse
import os
import shutil
import sys
import tempfile

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

parser = argparse.ArgumentParser(description="Train an MLP with Keras callbacks.")
parser.add_argument("--train-images", type=int, default=5000)
parser.add_argument("--epochs", type=int, default=20)  # an upper bound: EarlyStopping ends sooner
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 55000:
    parser.error("--train-images must be between 1 and 55000: the last 5000 images validate")
tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# A small training set, which a wide MLP overfits within a few epochs; the validation set is
# the last 5,000 training images, which the model never trains on.
(images, labels), _ = tf.keras.datasets.fashion_mnist.load_data()
images, labels = images.astype(np.float32) / 255.0, labels.astype(np.int32)
train_x, train_y = images[:args.train_images], labels[:args.train_images]
val_x, val_y = images[-5000:], labels[-5000:]


def compiled_mlp():  # fresh weights and a fresh optimizer for each run
    tf.keras.utils.set_random_seed(42)  # the same initial weights and batches for every run
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(512, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


# EarlyStopping: stop when val_loss has not improved by more than min_delta for `patience`
# epochs, then put back the weights of the best epoch.
stop = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, min_delta=0.0,
                                        restore_best_weights=True)
# ModelCheckpoint: save the whole model (a .keras file) whenever val_loss reaches a new best.
checkpoint_dir = tempfile.mkdtemp()  # a fresh temporary folder
checkpoint = tf.keras.callbacks.ModelCheckpoint(
    os.path.join(checkpoint_dir, "mlp-{epoch:02d}-{val_loss:.4f}.keras"),
    monitor="val_loss", save_best_only=True)

model = compiled_mlp()
history = model.fit(train_x, train_y, epochs=args.epochs, batch_size=50,
                    validation_data=(val_x, val_y), validation_batch_size=1000,
                    callbacks=[stop, checkpoint], verbose=0)
val_loss = history.history["val_loss"]
print("validation loss:", " ".join(f"{v:.4f}" for v in val_loss))
print(f"stopped after {len(val_loss)} of {args.epochs} epochs; "
      f"best epoch {stop.best_epoch + 1}, val_loss {stop.best:.4f}")
restored_loss, _ = model.evaluate(val_x, val_y, batch_size=1000, verbose=0)
print(f"the model now: val_loss {restored_loss:.4f} (the last epoch ended at {val_loss[-1]:.4f})")

# One file per new best; the newest is the best model, optimizer state included.
files = sorted(os.listdir(checkpoint_dir))
print("saved:", files)
best_model = tf.keras.models.load_model(os.path.join(checkpoint_dir, files[-1]))
best_loss, _ = best_model.evaluate(val_x, val_y, batch_size=1000, verbose=0)
same = all(np.array_equal(a, b) for a, b in zip(best_model.get_weights(), model.get_weights()))
print(f"loaded {files[-1]}: val_loss {best_loss:.4f}; same weights as the restored model: {same}")
shutil.rmtree(checkpoint_dir)  # mkdtemp() folders are not deleted automatically


# A callback of our own: it records the learning rate that each epoch trains with, read from
# the optimizer, and the validation loss that the epoch ends with, read from the logs.
class LearningRateRecorder(tf.keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.rates, self.val_losses = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.rates.append(float(self.model.optimizer.learning_rate.numpy()))

    def on_epoch_end(self, epoch, logs=None):
        self.val_losses.append(logs["val_loss"])


# ReduceLROnPlateau divides the learning rate by 5 (factor=0.2) when val_loss has not improved
# for one epoch; TensorBoard writes the logs that the last section of the page reads.
model = compiled_mlp()
reduce_lr = tf.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=1,
                                                 min_lr=1e-5)
recorder = LearningRateRecorder()
log_dir = tempfile.mkdtemp()
tensorboard = tf.keras.callbacks.TensorBoard(log_dir=log_dir)
history = model.fit(train_x, train_y, epochs=6, batch_size=50,
                    validation_data=(val_x, val_y), validation_batch_size=1000,
                    callbacks=[reduce_lr, recorder, tensorboard], verbose=0)
print("recorded by fit:", list(history.history))
for epoch, rate in enumerate(recorder.rates, 1):
    print(f"epoch {epoch}: learning rate {rate:.1e}, " + ", ".join(
        f"{name} {history.history[name][epoch - 1]:.4f}"
        for name in ("loss", "accuracy", "val_loss", "val_accuracy")))
print("same rates in the history:", np.allclose(recorder.rates, history.history["learning_rate"]))
print(f"best val_loss {min(recorder.val_losses):.4f}; the optimizer ends at "
      f"{float(model.optimizer.learning_rate.numpy()):.1e}")

# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, (ax_rate, ax_loss) = plt.subplots(1, 2, figsize=(9, 3))
epochs = np.arange(1, len(recorder.rates) + 1)
ax_rate.step(epochs, recorder.rates, where="mid")
ax_rate.set_yscale("log")
ax_rate.set_xlabel("epoch")
ax_rate.set_ylabel("learning rate")
ax_loss.plot(epochs, recorder.val_losses, "s--", color="tab:orange")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("validation loss")
plt.tight_layout()
plt.show()

# TensorBoard wrote event files into two subfolders, one per run: train/ and validation/.
print("log folders:", sorted(os.listdir(log_dir)))


# A helper, not Keras: TensorBoard's own reader gives back the scalars of one run.
def read_scalars(folder):  # {tag: (steps, values)} of the scalars logged in one folder
    events = EventAccumulator(folder, size_guidance={"tensors": 0})  # 0: keep every value
    events.Reload()  # reads the folder's event files
    scalars = {}
    for tag in events.Tags()["tensors"]:
        if events.SummaryMetadata(tag).plugin_data.plugin_name == "scalars":
            logged = events.Tensors(tag)
            scalars[tag] = ([event.step for event in logged],
                            [float(tf.make_ndarray(event.tensor_proto)) for event in logged])
    return scalars


logs = {run: read_scalars(os.path.join(log_dir, run)) for run in ["train", "validation"]}
for run, scalars in logs.items():
    print(f"{run}: {sorted(scalars)}")
val_logged = logs["validation"]["epoch_loss"][1]
rate_logged = logs["train"]["epoch_learning_rate"][1]
print(f"validation epoch_loss logged for {len(val_logged)} epochs; "
      f"same as the history: {np.allclose(val_logged, history.history['val_loss'])}")
print("TensorBoard's learning rate for each epoch is the rate of the next epoch:",
      np.allclose(rate_logged[:-1], history.history["learning_rate"][1:]))

# The curves that TensorBoard's Scalars tab draws (it counts epochs from 0).
fig, axes = plt.subplots(1, 3, figsize=(11, 3))
for ax, tag in zip(axes, ["epoch_loss", "epoch_accuracy", "epoch_learning_rate"]):
    for run, style in [("train", "o-"), ("validation", "s--")]:
        if tag in logs[run]:
            ax.plot(*logs[run][tag], style, label=run)
    ax.set_title(tag)
    ax.set_xlabel("step (epoch)")
    ax.legend()
axes[2].set_yscale("log")
plt.tight_layout()
plt.show()
shutil.rmtree(log_dir)  # the logs were read: remove the temporary folder


# Resuming: a callback of our own simulates a crash in the middle of an epoch.
class Crash(tf.keras.callbacks.Callback):
    def __init__(self, epoch, batch):  # both counted from 1, as a reader counts them
        super().__init__()
        self.epoch, self.batch = epoch, batch

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        if (self.current_epoch, batch + 1) == (self.epoch, self.batch):
            raise RuntimeError(f"simulated crash in epoch {self.epoch}, after batch {self.batch}")


def halve_from_epoch_3(epoch, learning_rate):  # epoch counted from 0; the rate of that epoch
    return 1e-3 if epoch < 2 else 1e-3 * 0.5 ** (epoch - 1)


work_dir = tempfile.mkdtemp()
backup_dir = os.path.join(work_dir, "backup")  # BackupAndRestore wants a folder of its own
csv_path = os.path.join(work_dir, "epochs.csv")


def resumable_callbacks():  # what each program passes to fit, the first one and the restarted one
    return [tf.keras.callbacks.BackupAndRestore(backup_dir),
            tf.keras.callbacks.LearningRateScheduler(halve_from_epoch_3),
            tf.keras.callbacks.CSVLogger(csv_path, append=True)]


fit_args = dict(x=train_x, y=train_y, epochs=6, batch_size=50,
                validation_data=(val_x, val_y), validation_batch_size=1000, verbose=0)
reference = compiled_mlp()
reference_history = reference.fit(
    **fit_args, callbacks=[tf.keras.callbacks.LearningRateScheduler(halve_from_epoch_3)])

model = compiled_mlp()
try:
    model.fit(**fit_args, callbacks=resumable_callbacks() + [Crash(epoch=4, batch=30)])
except RuntimeError as error:
    print(error)
print("backup folder:", sorted(os.listdir(backup_dir)))
with open(os.path.join(backup_dir, "training_metadata.json")) as file:
    print("training_metadata.json:", file.read())

# The restarted program builds and compiles the model anew and calls fit with the same arguments.
model = compiled_mlp()
history = model.fit(**fit_args, callbacks=resumable_callbacks())
print("epochs trained by the second fit:", [epoch + 1 for epoch in history.epoch])
print("backup folder after the run:", os.path.exists(backup_dir))
same = all(np.array_equal(a, b) for a, b in zip(model.get_weights(), reference.get_weights()))
print("same final weights as the uninterrupted run:", same)

# CSVLogger (append=True) kept the rows of both programs in one file.
with open(csv_path) as file:
    rows = file.read().splitlines()
for row in rows:
    print(row)
csv_loss = [float(row.split(",")[rows[0].split(",").index("loss")]) for row in rows[1:]]
print("loss, uninterrupted:", " ".join(f"{v:.4f}" for v in reference_history.history["loss"]))
print("loss, from the CSV: ", " ".join(f"{v:.4f}" for v in csv_loss))
print("equal:", csv_loss == reference_history.history["loss"])
shutil.rmtree(work_dir)
