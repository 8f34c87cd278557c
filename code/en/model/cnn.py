# A convolutional network for Fashion-MNIST, compared with an MLP of the same size.
import argparse
import sys

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Train a CNN on Fashion-MNIST.")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--learning-rate", type=float, default=3e-3)
parser.add_argument("--train-images", type=int, default=60_000,
                    help="train on the first N images only (a quick try)")
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if (args.epochs < 1 or args.batch_size < 1 or args.learning_rate <= 0
        or not 10 <= args.train_images <= 60_000):
    parser.error("--epochs and --batch-size must be at least 1, --learning-rate above 0, "
                 "--train-images from 10 (a tenth is held out) to 60000 (all there are)")

tf.keras.backend.clear_session()  # a clean Keras state: layer names start again at "conv2d"
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# The data as on the MLP page: float32 images in [0, 1] with a channel axis, int32 labels.
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x, train_y = train_x[:args.train_images], train_y[:args.train_images]
train_images = np.expand_dims(train_x.astype(np.float32) / 255.0, axis=-1)
test_images = np.expand_dims(test_x.astype(np.float32) / 255.0, axis=-1)
train_labels, test_labels = train_y.astype(np.int32), test_y.astype(np.int32)
print("train:", train_images.shape, "test:", test_images.shape)


# A convolutional network: convolution + pooling, a convolution with stride 2, then two dense layers.
class CNN(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = tf.keras.layers.Conv2D(
            filters=16, kernel_size=3, padding="same", activation="relu")
        self.pool1 = tf.keras.layers.MaxPool2D(pool_size=2)  # strides = pool_size
        self.conv2 = tf.keras.layers.Conv2D(  # strides=2 downsamples as pooling would
            filters=32, kernel_size=3, strides=2, padding="same", activation="relu")
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units=128, activation="relu")
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, images):      # [batch, 28, 28, 1]
        x = self.conv1(images)    # [batch, 28, 28, 16]
        x = self.pool1(x)         # [batch, 14, 14, 16]
        x = self.conv2(x)         # [batch, 7, 7, 32]
        x = self.flatten(x)       # [batch, 1568]
        x = self.dense1(x)        # [batch, 128]
        return self.dense2(x)     # [batch, 10]: logits


# Training with compile() and fit(): the loop of the MLP page, written by Keras.
# validation_split holds out the last 10% of the training images, as on the MLP page.
def train(model):
    # As on the MLP page, the learning rate decays to 0 along a cosine.
    steps = args.epochs * -(-int(0.9 * len(train_images)) // args.batch_size)
    schedule = tf.keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps)
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=schedule),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    history = model.fit(train_images, train_labels, epochs=args.epochs,
                        batch_size=args.batch_size, validation_split=0.1, verbose=0)
    # The last epoch's values from the History that fit returns (the first epochs, far from
    # converged, differ more between CPUs; verbose=2 would add timings).
    last = ", ".join(f"{name} {values[-1]:.4f}" for name, values in history.history.items())
    print(f"epoch {args.epochs} of {args.epochs}: {last}")
    _, test_accuracy = model.evaluate(test_images, test_labels, batch_size=1000, verbose=0)
    return test_accuracy


cnn = CNN()
cnn_accuracy = train(cnn)
print(f"CNN test accuracy: {cnn_accuracy:.4f} after {args.epochs} epochs "
      f"({cnn.count_params():,} parameters)")

# An MLP with about as many parameters as the CNN: 784 -> 256 -> 10.
wide_mlp = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dense(10),
], name="wide_mlp")
mlp_accuracy = train(wide_mlp)
print(f"MLP test accuracy: {mlp_accuracy:.4f} after {args.epochs} epochs "
      f"({wide_mlp.count_params():,} parameters)")

# The confusion matrix: row = true class, column = predicted class.
predicted = tf.argmax(cnn.predict(test_images, batch_size=1000, verbose=0), axis=1)
confusion = tf.math.confusion_matrix(test_labels, predicted, num_classes=10).numpy()
print("correct per class:", np.diag(confusion).tolist())  # the diagonal: correct answers
for row in confusion:  # every count the figure shows, row by row
    print(row.tolist())
# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(6, 5))
ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=7,
                color="white" if confusion[i, j] > confusion.max() / 2 else "black")
ax.set_xticks(range(10), CLASS_NAMES, rotation=90)
ax.set_yticks(range(10), CLASS_NAMES)
ax.set_xlabel("predicted")
ax.set_ylabel("true")
plt.tight_layout()
plt.show()

# The 16 learned 3x3 filters of the first convolution layer.
kernel = cnn.conv1.kernel.numpy()  # [3, 3, 1, 16]
print("first-layer kernel:", kernel.shape)
fig, axes = plt.subplots(2, 8, figsize=(8, 2.2))
for k, ax in enumerate(axes.flat):
    ax.imshow(kernel[:, :, 0, k], cmap="bwr", vmin=-np.abs(kernel).max(), vmax=np.abs(kernel).max())
    ax.set_title(f"filter {k}", fontsize=7)
    ax.axis("off")
plt.tight_layout()
plt.show()
