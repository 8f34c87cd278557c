# The Keras pipeline: Sequential and Functional models, compile, fit, evaluate.
import argparse
import sys

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Train the MLP with compile() and fit().")
parser.add_argument("--epochs", type=int, default=5)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x, test_x = train_x.astype(np.float32) / 255.0, test_x.astype(np.float32) / 255.0

# Sequential: a plain stack of layers, each feeding the next.
sequential = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(100, activation="relu"),
    tf.keras.layers.Dense(10),
], name="mlp_sequential")
sequential.summary()

# Functional: call layers on symbolic tensors, then name the inputs and outputs.
inputs = tf.keras.Input(shape=(28, 28), name="image")
x = tf.keras.layers.Flatten()(inputs)
x = tf.keras.layers.Dense(100, activation="relu")(x)
outputs = tf.keras.layers.Dense(10, name="logits")(x)
functional = tf.keras.Model(inputs=inputs, outputs=outputs, name="mlp_functional")
print(functional.name, "parameters:", functional.count_params())

# compile() chooses the optimizer, the loss and the metrics (all by keyword).
functional.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)

# fit() runs the training loop; 10% of the training images are held out for validation.
# verbose=0: no progress bar; the History holds one value per epoch for each quantity.
history = functional.fit(train_x, train_y, epochs=args.epochs, batch_size=50,
                         validation_split=0.1, verbose=0)
print("recorded:", list(history.history))
for epoch, values in enumerate(zip(*history.history.values()), 1):
    print(f"epoch {epoch}: " + ", ".join(
        f"{name} {value:.4f}" for name, value in zip(history.history, values)))

# The training history: where validation stops improving, more epochs stop helping.
# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3))
epochs = np.arange(1, args.epochs + 1)
ax_loss.plot(epochs, history.history["loss"], "o-", label="training")
ax_loss.plot(epochs, history.history["val_loss"], "s--", label="validation")
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("loss")
ax_loss.set_ylim(bottom=0)  # from 0, so small changes are not magnified
ax_loss.legend()
ax_acc.plot(epochs, history.history["accuracy"], "o-", label="training")
ax_acc.plot(epochs, history.history["val_accuracy"], "s--", label="validation")
ax_acc.set_xlabel("epoch")
ax_acc.set_ylabel("accuracy")
ax_acc.set_ylim(top=1)  # up to 1, the best possible
ax_acc.legend()
plt.tight_layout()
plt.show()

# evaluate() on the test set returns the loss and the metrics.
test_loss, test_accuracy = functional.evaluate(test_x, test_y, batch_size=1000, verbose=0)
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")
probabilities = tf.nn.softmax(functional.predict(test_x[:5], verbose=0)).numpy()
print("first five predictions:", probabilities.argmax(axis=1), "labels:", test_y[:5])
print("their probabilities:", " ".join(f"{p:.3f}" for p in probabilities.max(axis=1)))

# compile() with positional arguments: the metrics become loss_weights, and fit() fails.
wrong = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(10)])
wrong.compile(tf.keras.optimizers.Adam(), tf.keras.losses.SparseCategoricalCrossentropy(
    from_logits=True), [tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
try:
    wrong.fit(train_x[:100], train_y[:100], verbose=0)
except TypeError as error:
    print("TypeError:", str(error).split(". ")[0])
