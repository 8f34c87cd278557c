# Saving and loading: the .keras file, weights only, and a SavedModel for serving.
import argparse
import os
import shutil
import sys
import tempfile
import zipfile

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Save and load a small Fashion-MNIST model.")
parser.add_argument("--train-images", type=int, default=10000)
parser.add_argument("--epochs", type=int, default=2)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 60000:
    parser.error("--train-images must be between 1 and 60000")

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# A subset of the training images keeps training to a few seconds; the test set is whole.
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:args.train_images].astype(np.float32) / 255.0
train_y = train_y[:args.train_images].astype(np.int32)
test_x, test_y = test_x.astype(np.float32) / 255.0, test_y.astype(np.int32)


def make_mlp():  # the MLP of chapter 2, compiled
    tf.keras.utils.set_random_seed(42)  # the same initial weights whenever it is called
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(100, activation="relu"),
        tf.keras.layers.Dense(10),
    ], name="fashion_mlp")
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


model = make_mlp()
model.fit(train_x, train_y, epochs=args.epochs, batch_size=100, verbose=0)
loss, accuracy = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")

# Everything goes into a fresh temporary folder; we print file names, never the folder.
folder = tempfile.mkdtemp()


def size_kb(name):  # the size of a file in the folder, in kilobytes of 1,000 bytes
    return round(os.path.getsize(os.path.join(folder, name)) / 1000)


def short(error):  # an error's type and the first sentence of its message, without the folder
    message = str(error).replace(folder + os.sep, "").split(". ")[0]
    return f"{type(error).__name__}: {message.rstrip('.')}."


# The whole model in one file: architecture, weights, compile settings, optimizer state.
model.save(os.path.join(folder, "fashion_mlp.keras"))
print("fashion_mlp.keras:", size_kb("fashion_mlp.keras"), "KB")
print("inside:", zipfile.ZipFile(os.path.join(folder, "fashion_mlp.keras")).namelist())

reloaded = tf.keras.models.load_model(os.path.join(folder, "fashion_mlp.keras"))
print(type(reloaded).__name__, reloaded.name,
      "| optimizer steps:", int(reloaded.optimizer.iterations))
before = model(test_x[:1000]).numpy()
after = reloaded(test_x[:1000]).numpy()
print("identical predictions:", np.array_equal(before, after))
print("same test loss and accuracy:",
      reloaded.evaluate(test_x, test_y, batch_size=1000, verbose=0) == [loss, accuracy])

# Keras 3 chooses the format from the extension, and knows only .keras (and legacy .h5).
try:
    model.save(os.path.join(folder, "fashion_mlp"))
except ValueError as error:
    print(short(error))

# Weights only: a file that ends in .weights.h5, loaded into a model built the same way.
model.save_weights(os.path.join(folder, "fashion_mlp.weights.h5"))
print("fashion_mlp.weights.h5:", size_kb("fashion_mlp.weights.h5"), "KB")
try:
    model.save_weights(os.path.join(folder, "fashion_mlp.h5"))
except ValueError as error:
    print(short(error))
fresh = make_mlp()
fresh.optimizer.build(fresh.trainable_variables)  # so that the optimizer's state is loaded too
print("fresh model, identical predictions:",
      np.array_equal(before, fresh(test_x[:1000]).numpy()))
fresh.load_weights(os.path.join(folder, "fashion_mlp.weights.h5"))
print("after load_weights, identical predictions:",
      np.array_equal(before, fresh(test_x[:1000]).numpy()),
      "| optimizer steps:", int(fresh.optimizer.iterations))

# A SavedModel for serving: a folder that TensorFlow loads without Keras or our code.
logger_level = tf.get_logger().level
tf.get_logger().setLevel("ERROR")  # silence "Assets written to"
model.export(os.path.join(folder, "fashion_mlp_export"), verbose=False)
tf.get_logger().setLevel(logger_level)
print("fashion_mlp_export:", sorted(os.listdir(os.path.join(folder, "fashion_mlp_export"))))
served = tf.saved_model.load(os.path.join(folder, "fashion_mlp_export"))
logits = served.serve(tf.constant(test_x[:1000]))
print("signatures:", sorted(served.signatures.keys()))
print("same outputs within 1e-6:", bool(np.max(np.abs(logits.numpy() - before)) <= 1e-6))
print("bit-identical:", np.array_equal(logits.numpy(), before))

# load_model() no longer reads a SavedModel folder (Keras 2 did).
try:
    tf.keras.models.load_model(os.path.join(folder, "fashion_mlp_export"))
except ValueError as error:
    print(short(error))


# A subclassed model with a custom layer: Keras must find the classes by name, and each
# get_config() must return the arguments that rebuild it.
@tf.keras.utils.register_keras_serializable(package="book")
class Standardize(tf.keras.layers.Layer):
    def __init__(self, mean, std, **kwargs):
        super().__init__(**kwargs)
        self.mean, self.std = mean, std

    def call(self, inputs):
        return (inputs - self.mean) / self.std

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "std": self.std}


@tf.keras.utils.register_keras_serializable(package="book")
class Classifier(tf.keras.Model):
    def __init__(self, hidden_units=100, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.standardize = Standardize(mean=0.286, std=0.353)
        self.flatten = tf.keras.layers.Flatten()
        self.hidden = tf.keras.layers.Dense(hidden_units, activation="relu")
        self.logits = tf.keras.layers.Dense(10)

    def call(self, inputs):
        return self.logits(self.hidden(self.flatten(self.standardize(inputs))))

    def get_config(self):
        return {**super().get_config(), "hidden_units": self.hidden_units}


classifier = Classifier(hidden_units=64)
classifier.compile(optimizer="adam",
                   loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
classifier.fit(train_x, train_y, epochs=1, batch_size=100, verbose=0)
classifier.save(os.path.join(folder, "classifier.keras"))
restored = tf.keras.models.load_model(os.path.join(folder, "classifier.keras"))
print(type(restored).__name__, "hidden_units:", restored.hidden_units, "| identical predictions:",
      np.array_equal(classifier(test_x[:1000]).numpy(),
                     restored(test_x[:1000]).numpy()))
print("files:", sorted(os.listdir(folder)))
shutil.rmtree(folder)  # mkdtemp() folders are not deleted automatically
