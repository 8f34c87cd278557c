# Pipelines in training: fit() on finite and repeated datasets, validation and weights;
# a preprocessed dataset saved and loaded; an iterator checkpointed in the middle of an epoch.
import os
import re
import tempfile
import warnings

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Small subsets keep every fit() on this page short: 2,000 images to train on, 500 to validate.
fashion = tf.keras.datasets.fashion_mnist.load_data()
(train_images, train_labels), (test_images, test_labels) = fashion
train_images, train_labels = train_images[:2000], train_labels[:2000].astype(np.int32)
valid_images, valid_labels = test_images[:500], test_labels[:500].astype(np.int32)


def scale(images, labels):
    return tf.cast(images, tf.float32) / 255.0, labels


def make_train_ds(seed=1):
    # The training pipeline, built anew by each caller: shuffle, batch, scale, prefetch.
    return (tf.data.Dataset.from_tensor_slices((train_images, train_labels))
            .shuffle(len(train_labels), seed=seed)
            .batch(100).map(scale).prefetch(tf.data.AUTOTUNE))


train_ds = make_train_ds()  # each fit() below builds its own: every run starts from the seed
valid_ds = tf.data.Dataset.from_tensor_slices((valid_images, valid_labels)).batch(250).map(scale)
print("batches per pass: train", train_ds.cardinality().numpy(),
      "| valid", valid_ds.cardinality().numpy())
print("train element_spec:", train_ds.element_spec)


def make_model():
    # A small classifier that returns logits, from the same initial weights every time.
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


class BatchCounter(tf.keras.callbacks.Callback):
    # Counts the training batches of each epoch.

    def on_train_begin(self, logs=None):
        self.batches = []

    def on_epoch_begin(self, epoch, logs=None):
        self.batches.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.batches[-1] += 1


def fit_and_report(model, data, callbacks=(), **fit_args):
    # Runs fit() silently; prints each epoch's batches and metrics, then Keras's warnings.
    counter = BatchCounter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(data, verbose=0, callbacks=[counter, *callbacks], **fit_args)
    for epoch, batches in enumerate(counter.batches):
        metrics = ", ".join(f"{name} {values[epoch]:.4f}"
                            for name, values in history.history.items())
        print(f"epoch {epoch + 1}: {batches} batches | {metrics}")
    keras_warnings = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    for message, times in {m: keras_warnings.count(m) for m in keras_warnings}.items():
        print(f"warning ({times}x): {message}")
    return history


# A finite dataset: each epoch is one pass over it. shuffle= and batch_size= change nothing.
model = make_model()
history = fit_and_report(model, make_train_ds(), epochs=3, batch_size=32, validation_data=valid_ds)


# A dataset repeated without end, and no steps_per_epoch: the first epoch never ends.
class StopAfter(tf.keras.callbacks.Callback):
    # Stops training after a given number of batches, wherever the epoch stands.

    def __init__(self, batches):
        super().__init__()
        self.limit = batches
        self.seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.limit:
            print(f"still in epoch 1 after {self.seen} batches "
                  f"({self.seen // 20} passes over the data): stopping it")
            self.model.stop_training = True


model = make_model()
history = fit_and_report(model, make_train_ds().repeat(), epochs=3, shuffle=False,
                         callbacks=[StopAfter(200)])

# With steps_per_epoch, an epoch is that many batches of the endless stream.
model = make_model()
history = fit_and_report(model, make_train_ds().repeat(), epochs=3, steps_per_epoch=8,
                         shuffle=False, validation_data=valid_ds.repeat(), validation_steps=1)
first_batch = model.evaluate(valid_ds.take(1), verbose=0, return_dict=True)
print("last val_accuracy equals evaluate() on the first validation batch:",
      first_batch["accuracy"] == history.history["val_accuracy"][-1])

# steps_per_epoch on a finite dataset: 20 batches do not make 4 epochs of 8.
model = make_model()
history = fit_and_report(model, make_train_ds(), epochs=4, steps_per_epoch=8, shuffle=False)


# Weights as a third element: shirts (class 6) count three times in the loss.
def weigh_shirts(images, labels):
    return images, labels, tf.where(labels == 6, 3.0, 1.0)


weighted = fit_and_report(make_model(), make_train_ds().map(weigh_shirts), epochs=1, shuffle=False)
class_weight = {label: 3.0 if label == 6 else 1.0 for label in range(10)}
by_class = fit_and_report(make_model(), make_train_ds(), epochs=1, shuffle=False,
                          class_weight=class_weight)
print("same loss both ways:", weighted.history["loss"] == by_class.history["loss"])
try:  # a dictionary that names only the shirts
    make_model().fit(make_train_ds(), shuffle=False, verbose=0, class_weight={6: 3.0})
except tf.errors.InvalidArgumentError as err:
    print("InvalidArgumentError:",
          re.search(r"indices\[\d+\] = \d+ is not in \[0, \d+\)", err.message)[0])
try:
    make_model().fit(make_train_ds(), sample_weight=np.ones(2000, np.float32), verbose=0)
except ValueError as err:
    print("ValueError:", err)


# Saving a preprocessed dataset and loading it back.
def folder_size(path):
    return sum(os.path.getsize(os.path.join(folder, name))
               for folder, _, names in os.walk(path) for name in names)


raw = tf.data.Dataset.from_tensor_slices((train_images, train_labels))
preprocessed = raw.map(scale)  # the costly part of a real pipeline; here: uint8 -> float32
with tempfile.TemporaryDirectory() as tmp:
    raw.save(os.path.join(tmp, "raw"))
    preprocessed.save(os.path.join(tmp, "scaled"))
    preprocessed.save(os.path.join(tmp, "scaled-gzip"), compression="GZIP")
    for name in ["raw", "scaled", "scaled-gzip"]:
        print(f"{name:12} {folder_size(os.path.join(tmp, name)) / 1e6:5.2f} MB")

    loaded = tf.data.Dataset.load(os.path.join(tmp, "scaled-gzip"), compression="GZIP")
    print("element_spec:", loaded.element_spec)
    print("same spec:", loaded.element_spec == preprocessed.element_spec,
          "| cardinality:", loaded.cardinality().numpy())
    same = all(np.array_equal(a[0], b[0]) and a[1] == b[1]
               for a, b in zip(loaded.as_numpy_iterator(), preprocessed.as_numpy_iterator()))
    print("same elements:", same)
    train_from_disk = loaded.shuffle(2000, seed=1).batch(100).prefetch(tf.data.AUTOTUNE)
    history = fit_and_report(make_model(), train_from_disk, epochs=1, shuffle=False)

    # The same folder read without its compression setting.
    try:
        for _ in tf.data.Dataset.load(os.path.join(tmp, "scaled-gzip")):
            pass
    except tf.errors.DataLossError as err:
        print("DataLossError reading scaled-gzip:",
              re.search(r"corrupted record at \d+", err.message)[0])

# Checkpointing an iterator in the middle of an epoch.
# One pass over the data, as a fresh program sees it.
uninterrupted = [labels.numpy() for _, labels in make_train_ds()]
with tempfile.TemporaryDirectory() as tmp:
    # The first program: three batches, then a checkpoint of its iterator.
    iterator = iter(make_train_ds())
    for step in range(3):
        _, labels = next(iterator)
        print(f"batch {step + 1}: labels {labels[:8].numpy()}")
    path = tf.train.Checkpoint(iterator=iterator).write(os.path.join(tmp, "data"))
    print("saved:", sorted(os.listdir(tmp)))
    print("holds:", [name for name, _ in tf.train.list_variables(path)])
    size = sum(os.path.getsize(os.path.join(tmp, name)) for name in os.listdir(tmp))
    print(f"checkpoint size: {size / 1e6:.1f} MB; the 1,700 images not yet delivered take "
          f"{1700 * 784 / 1e6:.1f} MB as uint8, {1700 * 784 * 4 / 1e6:.1f} MB as float32")

    # A new program: the pipeline built anew, its iterator restored.
    resumed = iter(make_train_ds())
    tf.train.Checkpoint(iterator=resumed).read(path).assert_consumed()
    for step in range(3, 6):
        _, labels = next(resumed)
        print(f"batch {step + 1}: labels {labels[:8].numpy()}, as in the uninterrupted pass:",
              np.array_equal(labels.numpy(), uninterrupted[step]))
    print("batches left in the epoch:", sum(1 for _ in resumed))

    # A program whose pipeline changed: the scaling map is gone.
    changed = iter(tf.data.Dataset.from_tensor_slices((train_images, train_labels))
                   .shuffle(2000, seed=1).batch(100).prefetch(tf.data.AUTOTUNE))
    try:
        tf.train.Checkpoint(iterator=changed).read(path)
    except tf.errors.NotFoundError as err:
        print("NotFoundError:", re.search(r"Failed to restore dataset iterator.*?restoring it\.",
                                          err.message)[0])

# What a restarted fit() gets: a new dataset object, whose first pass is the seed's first order.
first_program = make_train_ds()
epoch_orders = [np.concatenate([labels for _, labels in first_program.as_numpy_iterator()])
                for _ in range(3)]
restarted = np.concatenate([labels for _, labels in make_train_ds().as_numpy_iterator()])
for epoch, order in enumerate(epoch_orders):
    print(f"epoch {epoch + 1} begins {order[:8]}; the restarted program's first pass is the same:",
          np.array_equal(order, restarted))
