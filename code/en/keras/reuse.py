# Reusing a model: a model trained on Fashion-MNIST becomes a layer of a digit classifier,
# frozen and then fine-tuned, and is compared with the same network trained from scratch.
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

parser = argparse.ArgumentParser(description="Reuse a Fashion-MNIST model for handwritten digits.")
parser.add_argument("--base-images", type=int, default=20000)
parser.add_argument("--base-epochs", type=int, default=2)
parser.add_argument("--per-class", type=int, default=10, help="labelled digits of each class")
parser.add_argument("--head-epochs", type=int, default=30)
parser.add_argument("--tune-epochs", type=int, default=20)
parser.add_argument("--seeds", type=int, default=3)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if not 1 <= args.base_images <= 60000:
    parser.error("--base-images must be between 1 and 60000")
if min(args.base_epochs, args.head_epochs, args.tune_epochs) < 1:
    parser.error("--base-epochs, --head-epochs and --tune-epochs must be at least 1")
if not 1 <= args.per_class <= 150:
    parser.error("--per-class must be between 1 and 150: the other digits are the test set")
if args.seeds < 2:
    parser.error("--seeds must be at least 2: a standard deviation needs two runs")

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The old task: Fashion-MNIST, 28x28 photos of clothes, ten classes.
(fashion_x, fashion_y), fashion_test = tf.keras.datasets.fashion_mnist.load_data()
fashion_x = fashion_x[:args.base_images, :, :, None].astype(np.float32) / 255.0
fashion_y = fashion_y[:args.base_images].astype(np.int32)
fashion_test_x = fashion_test[0][:, :, :, None].astype(np.float32) / 255.0
fashion_test_y = fashion_test[1].astype(np.int32)
# The new task: scikit-learn's 1,797 handwritten digits, 8x8 pixels valued 0 to 16,
# enlarged to 28x28 and scaled to [0, 1] like the photos.
digits = load_digits()
digit_x = tf.image.resize(digits.images[..., None] / 16.0, (28, 28)).numpy().astype(np.float32)
digit_y = digits.target.astype(np.int32)
print("Fashion-MNIST:", fashion_x.shape, "| digits:", digit_x.shape,
      "| digits per class:", np.bincount(digit_y).tolist())


# The base: two convolutions, the first followed by batch normalization, then 64 features.
def make_base():
    pixels = tf.keras.Input(shape=(28, 28, 1), name="pixels")
    x = tf.keras.layers.Conv2D(16, 3, use_bias=False, name="conv1")(pixels)
    x = tf.keras.layers.BatchNormalization(name="bn1")(x)
    x = tf.keras.layers.ReLU(name="relu1")(x)
    x = tf.keras.layers.MaxPooling2D(name="pool1")(x)
    x = tf.keras.layers.Conv2D(32, 3, activation="relu", name="conv2")(x)
    x = tf.keras.layers.MaxPooling2D(name="pool2")(x)
    x = tf.keras.layers.Flatten(name="flatten")(x)
    features = tf.keras.layers.Dense(64, activation="relu", name="features")(x)
    return tf.keras.Model(pixels, features, name="base")


# Train it on Fashion-MNIST through a ten-class head, then save the base alone.
base = make_base()
fashion_model = tf.keras.Sequential([base, tf.keras.layers.Dense(10, name="fashion_head")])
fashion_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
fashion_model.fit(fashion_x, fashion_y, epochs=args.base_epochs, batch_size=64, verbose=0)
_, fashion_accuracy = fashion_model.evaluate(fashion_test_x, fashion_test_y, batch_size=1000,
                                             verbose=0)
print(f"base: {base.count_params():,} parameters | Fashion-MNIST test accuracy "
      f"{fashion_accuracy:.4f}")
folder = tempfile.TemporaryDirectory()  # deleted at the end, or when Python exits
base_file = os.path.join(folder.name, "fashion_base.keras")
base.save(base_file)


# The new task's small labelled set: per_class digits of each class; the rest is the test set.
def labelled_digits(seed):
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(digit_y == digit), args.per_class,
                                        replace=False) for digit in range(10)])
    return chosen, np.setdiff1d(np.arange(len(digit_y)), chosen)


# A digit classifier: a base, called like a layer, and a new ten-class head.
def digit_model(base, training=None):
    pixels = tf.keras.Input(shape=(28, 28, 1), name="digit")
    features = base(pixels, training=training)
    logits = tf.keras.layers.Dense(10, name="digit_head")(features)
    return tf.keras.Model(pixels, logits, name="digit_model")


def train(model, learning_rate, epochs, chosen):  # compile (again), then fit on the small set
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(digit_x[chosen], digit_y[chosen], epochs=epochs, batch_size=20, verbose=0)


def test_accuracy(model, test):
    return model.evaluate(digit_x[test], digit_y[test], batch_size=500, verbose=0)[1]


# Seed 42: load a fresh copy of the trained base, freeze it, and nest it in a new model.
tf.keras.utils.set_random_seed(42)
chosen, test = labelled_digits(42)
print(f"labelled digits: {len(chosen)} to train on, {len(test)} to test on")
base = tf.keras.models.load_model(base_file)
base.trainable = False  # every layer inside it too
model = digit_model(base)
print("layers:", [layer.name for layer in model.layers],
      "| the nested base is the loaded model:", model.get_layer("base") is base)
trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
print(f"parameters: {model.count_params():,}, of which trainable: {trainable:,}")

# The nested model drawn with its inner layers (expand_nested) and whether each one trains.
picture = os.path.join(folder.name, "digit_model.png")
tf.keras.utils.plot_model(model, to_file=picture, show_shapes=True, show_layer_names=True,
                          expand_nested=True, show_trainable=True, dpi=60)

# A frozen BatchNormalization layer runs in inference mode, even when asked to train.
bn = base.get_layer("bn1")
moving_mean = bn.moving_mean.numpy().copy()
batch = digit_x[chosen[:20]]
print("frozen base, training=True gives the inference output:",
      np.allclose(base(batch, training=True), base(batch, training=False)))

# Phase 1: train the new head only, from random weights, with a large learning rate.
weights_before = [w.numpy().copy() for w in base.weights]
train(model, 1e-2, args.head_epochs, chosen)
frozen_accuracy = test_accuracy(model, test)
print(f"frozen base + new head: test accuracy {frozen_accuracy:.4f}")
print("base weights unchanged, moving statistics included:",
      all(np.array_equal(a, w.numpy()) for a, w in zip(weights_before, base.weights)))


# Phase 2: unfreeze the base, except its batch normalization, and fine-tune everything with a
# hundred times smaller learning rate.
def unfreeze(base):
    base.trainable = True  # every layer inside it too
    for layer in base.layers:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            layer.trainable = False  # stays in inference mode, its statistics fixed


kernel = base.get_layer("conv1").kernel
kernel_before = kernel.numpy().copy()
unfreeze(base)
train(model, 1e-4, args.tune_epochs, chosen)  # compile again: trainable changed
tuned_accuracy = test_accuracy(model, test)
print(f"fine-tuned: test accuracy {tuned_accuracy:.4f}")
print(f"conv1 kernel moved by up to {np.abs(kernel.numpy() - kernel_before).max():.4f}; "
      f"bn1 moving mean unchanged: {np.array_equal(moving_mean, bn.moving_mean.numpy())}")

# The usual advice, base(pixels, training=False), on a fresh copy of the base: does a training
# call of the outer model (what fit makes) leave the unfrozen bn1 in inference mode?
copy = tf.keras.models.load_model(base_file)
copy.trainable = True
probe = digit_model(copy, training=False)
probe(batch, training=True)
print("with training=False at construction, bn1 moving mean unchanged:",
      np.array_equal(moving_mean, copy.get_layer("bn1").moving_mean.numpy()))


# The comparison: the same two phases, and the same network trained from scratch on the same
# labelled digits for as many epochs in all, over several seeds.
def compare(seed):
    tf.keras.utils.set_random_seed(seed)
    chosen, test = labelled_digits(seed)
    base = tf.keras.models.load_model(base_file)
    base.trainable = False
    model = digit_model(base)
    train(model, 1e-2, args.head_epochs, chosen)
    frozen = test_accuracy(model, test)
    unfreeze(base)
    train(model, 1e-4, args.tune_epochs, chosen)
    tuned = test_accuracy(model, test)
    tf.keras.utils.set_random_seed(seed)
    scratch = digit_model(make_base())  # random weights; batch normalization trains as usual
    train(scratch, 1e-3, args.head_epochs + args.tune_epochs, chosen)
    return frozen, tuned, test_accuracy(scratch, test)


results = np.array([compare(seed) for seed in range(42, 42 + args.seeds)])
for seed, row in zip(range(42, 42 + args.seeds), results):
    print(f"seed {seed}: frozen {row[0]:.4f} | fine-tuned {row[1]:.4f} | scratch {row[2]:.4f}")
for name, column in zip(["frozen base + head", "fine-tuned", "from scratch"], results.T):
    print(f"{name:18}: {column.mean():.4f} ± {column.std(ddof=1):.4f}")
folder.cleanup()  # the saved base and the picture
