# Evaluation and prediction: evaluate(), predict() and model(x); labels and a confusion matrix.
import argparse
import sys
import time

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Evaluate an MLP and use its predictions.")
parser.add_argument("--train-images", type=int, default=10000)
parser.add_argument("--epochs", type=int, default=3)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 60000:
    parser.error("--train-images must be between 1 and 60000")
tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:args.train_images].astype(np.float32) / 255.0
train_y = train_y[:args.train_images].astype(np.int32)
test_x, test_y = test_x.astype(np.float32) / 255.0, test_y.astype(np.int32)

# An MLP with dropout, which behaves differently in training and in inference.
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dropout(0.3),
    tf.keras.layers.Dense(10),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
history = model.fit(train_x, train_y, epochs=args.epochs, batch_size=50, verbose=0)
print(f"last training epoch: loss {history.history['loss'][-1]:.4f}, "
      f"accuracy {history.history['accuracy'][-1]:.4f}")

# evaluate(): the loss and the metrics over the whole test set, as a list or a dictionary.
as_list = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
print("evaluate:", [round(value, 4) for value in as_list], model.metrics_names)
results = model.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True)
print("return_dict=True:", {name: round(value, 4) for name, value in results.items()})


# predict(): the outputs as one NumPy array, computed batch by batch (32 images by default).
class BatchCounter(tf.keras.callbacks.Callback):  # counts the batches predict() runs
    def on_predict_begin(self, logs=None):
        self.batches = 0

    def on_predict_batch_end(self, batch, logs=None):
        self.batches += 1


counter = BatchCounter()
logits = model.predict(test_x, verbose=0, callbacks=[counter])
print("predict:", type(logits).__name__, logits.shape, logits.dtype, "| batches:", counter.batches)

# model(x): one call on one batch, returning a tensor; `training` switches dropout on or off.
outputs = model(test_x[:100])
print("model(x):", type(outputs).__name__, outputs.shape, outputs.dtype)
print("predict() equals model(x, training=False):",
      np.allclose(logits[:100], model(test_x[:100], training=False).numpy(), atol=1e-5))
print("model(x) equals model(x, training=False):",
      np.array_equal(outputs.numpy(), model(test_x[:100], training=False).numpy()))
labels_on = [model(test_x, training=True).numpy().argmax(axis=1) for _ in range(2)]
print("two calls with training=True give the same labels:",
      np.array_equal(labels_on[0], labels_on[1]))
print(f"labels changed by dropout: {np.mean(labels_on[0] != logits.argmax(axis=1)):.4f}; "
      f"accuracy with training=True {np.mean(labels_on[0] == test_y):.4f}")


# How fast? Each way is timed a few times and the fastest run kept; only comparisons are printed.
def fastest(function, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


small = test_x[:32]
call_small = fastest(lambda: model(small))
predict_small = fastest(lambda: model.predict(small, verbose=0))
predict_32 = fastest(lambda: model.predict(test_x, verbose=0), repeats=2)
predict_1000 = fastest(lambda: model.predict(test_x, batch_size=1000, verbose=0))
call_all = fastest(lambda: model(test_x))
print("one batch of 32 images: model(x) faster than predict():", call_small < predict_small)
print("10,000 images: predict() faster with batches of 1,000 than of 32:",
      predict_1000 < predict_32)
print("10,000 images: one model(x) call faster than predict() with batches of 32:",
      call_all < predict_32)

# From logits to labels and probabilities.
predicted = logits.argmax(axis=1)  # the class with the largest logit
probabilities = tf.nn.softmax(logits).numpy()  # softmax keeps the order: same argmax
print("same labels from logits and probabilities:",
      np.array_equal(predicted, probabilities.argmax(axis=1)))
print("probabilities sum to 1:", np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5))
print(f"accuracy of the labels {np.mean(predicted == test_y):.4f}; "
      f"evaluate() said {results['accuracy']:.4f}")

# The confusion matrix: row = true class, column = predicted class.
confusion = tf.math.confusion_matrix(test_y, predicted, num_classes=10).numpy()
print("test images per class:", confusion.sum(axis=1).tolist())
print("correct per class:", np.diag(confusion).tolist())
mistakes = confusion - np.diag(np.diag(confusion))  # the diagonal set to 0
for index in np.argsort(mistakes, axis=None)[::-1][:3]:  # the three largest mistakes
    true, guess = divmod(int(index), 10)
    print(f"{CLASS_NAMES[true]} predicted as {CLASS_NAMES[guess]}: {mistakes[true, guess]}")
for true, guess in [("Sneaker", "Ankle boot"), ("Sneaker", "Sandal"), ("Shirt", "T-shirt/top")]:
    print(f"{true} predicted as {guess}: {mistakes[CLASS_NAMES.index(true), CLASS_NAMES.index(guess)]}")

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
ax.set_xlabel("predicted class")
ax.set_ylabel("true class")
plt.tight_layout()
plt.show()
