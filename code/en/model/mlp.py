# Image classification on Fashion-MNIST with a multilayer perceptron, trained by hand.
import argparse
import sys

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Train an MLP on Fashion-MNIST.")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--learning-rate", type=float, default=2e-3)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if min(args.epochs, args.batch_size) < 1 or args.learning_rate <= 0:
    parser.error("--epochs and --batch-size must be at least 1, --learning-rate above 0")

tf.keras.backend.clear_session()  # a clean Keras state: layer names start again at "dense"
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


# The data: images as float32 in [0, 1] with a channel axis, labels as int32.
class FashionMNISTLoader:
    def __init__(self, validation_size=6000):
        (train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
        # [N, 28, 28] uint8 -> [N, 28, 28, 1] float32
        images = np.expand_dims(train_x.astype(np.float32) / 255.0, axis=-1)
        labels = train_y.astype(np.int32)
        # The last 6,000 training images are held out for validation.
        self.train_images, self.valid_images = images[:-validation_size], images[-validation_size:]
        self.train_labels, self.valid_labels = labels[:-validation_size], labels[-validation_size:]
        self.test_images = np.expand_dims(test_x.astype(np.float32) / 255.0, axis=-1)
        self.test_labels = test_y.astype(np.int32)

    def batches(self, batch_size):
        # One epoch: every training image once, in a new random order.
        order = np.random.permutation(len(self.train_images))
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            yield self.train_images[index], self.train_labels[index]


data = FashionMNISTLoader()
print("train:     ", data.train_images.shape, data.train_labels.shape)
print("validation:", data.valid_images.shape, data.valid_labels.shape)
print("test:      ", data.test_images.shape, data.test_labels.shape)
print("pixel range:", data.train_images.min(), "to", data.train_images.max())

# Sixteen training images with their labels.
# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, axes = plt.subplots(2, 8, figsize=(10, 3))
for ax, image, label in zip(axes.flat, data.train_images, data.train_labels):
    ax.imshow(image[:, :, 0], cmap="gray_r")
    ax.set_title(CLASS_NAMES[label], fontsize=8)
    ax.axis("off")
plt.tight_layout()
plt.show()


# The model: flatten each image, one hidden layer of 100 units, ten class scores (logits).
class MLP(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units=100, activation="relu")
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, images):      # [batch, 28, 28, 1]
        x = self.flatten(images)  # [batch, 784]
        x = self.dense1(x)        # [batch, 100]
        return self.dense2(x)     # [batch, 10]: logits, one score per class


# Softmax turns any ten scores into probabilities.
scores = tf.constant([[2.0, 1.0, 0.1, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0]])
probabilities = tf.nn.softmax(scores)
print(probabilities.numpy().round(3), f"sum = {float(tf.reduce_sum(probabilities)):.4f}")


# Accuracy on a set of images: a metric object accumulates over batches with update_state().
def accuracy(model, images, labels, batch_size=1000):
    metric = tf.keras.metrics.SparseCategoricalAccuracy()
    for start in range(0, len(images), batch_size):
        logits = model(images[start:start + batch_size])
        metric.update_state(labels[start:start + batch_size], logits)
    return float(metric.result())


# Training: the GradientTape loop, with the step compiled by tf.function.
def train(model, data, epochs, batch_size, learning_rate):
    # The learning rate falls from its initial value to 0 along a cosine over all the steps.
    steps = epochs * -(-len(data.train_images) // batch_size)  # batches per epoch, rounded up
    schedule = tf.keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    optimizer = tf.keras.optimizers.Adam(learning_rate=schedule)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = tf.keras.losses.sparse_categorical_crossentropy(
                labels, logits, from_logits=True)
            loss = tf.reduce_mean(loss)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for epoch in range(epochs):
        epoch_losses = [float(train_step(images, labels))
                        for images, labels in data.batches(batch_size)]
        losses.extend(epoch_losses)
        valid_accuracy = accuracy(model, data.valid_images, data.valid_labels)
        print(f"epoch {epoch + 1}: train loss {np.mean(epoch_losses):.4f}, "
              f"validation accuracy {valid_accuracy:.4f}")
    return losses


mlp = MLP()
mlp_losses = train(mlp, data, args.epochs, args.batch_size, args.learning_rate)

# The loss of every batch, and its running mean over 100 batches.
smooth = np.convolve(mlp_losses, np.ones(100) / 100, mode="valid")
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(mlp_losses, alpha=0.3, label="batch loss")
ax.plot(np.arange(99, len(mlp_losses)), smooth, label="mean of 100 batches")
for epoch in range(1, args.epochs):  # a dotted line where each epoch starts
    ax.axvline(epoch * len(mlp_losses) / args.epochs, color="gray", linestyle=":", linewidth=0.8)
ax.set_xlabel("batch")
ax.set_ylabel("cross-entropy")
ax.legend()
plt.show()

# Predictions: softmax turns the logits into probabilities; the loss works from the logits.
images, labels = data.test_images[:8], data.test_labels[:8]
logits = mlp(images)
print("probabilities of image 0:", " ".join(f"{p:.3f}" for p in tf.nn.softmax(logits)[0]))
print("predicted:", tf.argmax(logits, axis=1).numpy(), "labels:", labels)
sparse = tf.keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
one_hot = tf.keras.losses.categorical_crossentropy(
    tf.one_hot(labels, depth=10), logits, from_logits=True)
print("sparse: ", " ".join(f"{value:.4f}" for value in sparse.numpy()))
print("one-hot:", " ".join(f"{value:.4f}" for value in one_hot.numpy()))

# Evaluation on the 10,000 test images, which played no part in training.
print(f"MLP test accuracy: {accuracy(mlp, data.test_images, data.test_labels):.4f} "
      f"after {args.epochs} epochs")

# The dense layers' variables: a kernel [inputs, units] and a bias [units] each.
for variable in mlp.variables:
    print(f"{variable.path:24s} {str(variable.shape):12s} {int(np.prod(variable.shape)):7d}")
print("parameters:", mlp.count_params())
