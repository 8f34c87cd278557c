# compile(): the optimizer, the loss and the metrics, as strings and as objects.
import argparse
import sys

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Losses, metrics and optimizers of compile().")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--train-images", type=int, default=10000)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 58000:
    parser.error("--train-images must be between 1 and 58000: the next 2000 validate")

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Strings are looked up when compile() (or the first batch) needs them.
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(3)])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
print("optimizer:", type(model.optimizer).__name__,
      f"learning rate {float(model.optimizer.learning_rate):.4f}")
print("loss:", tf.keras.losses.get("sparse_categorical_crossentropy").__name__)

# The string loss expects probabilities; our models output logits.
logits = tf.constant([[2.0, -1.0, 0.5], [0.3, 0.2, -2.0]], dtype=tf.float32)
labels = np.array([0, 2], dtype=np.int32)
as_probabilities = tf.keras.losses.SparseCategoricalCrossentropy()(labels, logits)
as_logits = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
print(f"logits read as probabilities: {float(as_probabilities):.4f}")
print(f"logits read as logits:        {float(as_logits):.4f}")


# Which accuracy does the string "accuracy" become? A model that passes its input through
# lets us choose the predictions; evaluate() builds the metrics for their shapes.
def resolve_accuracy(predictions, labels, loss):
    passthrough = tf.keras.Sequential([tf.keras.Input(shape=predictions.shape[1:]),
                                       tf.keras.layers.Identity()])
    passthrough.compile(loss=loss, metrics=["accuracy"])
    result = passthrough.evaluate(predictions, labels, verbose=0, return_dict=True)
    # metrics[-1] is Keras's internal container of the compiled metrics: an implementation
    # detail, used here only to show which metric was chosen.
    chosen = passthrough.metrics[-1].metrics[0]
    return f"{type(chosen).__name__} = {result['accuracy']:.4f}"


one_logit = np.array([[2.0], [0.3], [-1.0], [-0.2]], dtype=np.float32)
binary_labels = np.array([1, 1, 0, 0], dtype=np.int32)
class_logits = np.array([[2.0, -1.0, 0.5], [0.3, 0.2, -2.0], [0.1, 1.5, 0.0]], dtype=np.float32)
class_labels = np.array([0, 2, 1], dtype=np.int32)
one_hot = tf.one_hot(class_labels, depth=3).numpy()
print("one logit, labels 0/1:  ", resolve_accuracy(
    one_logit, binary_labels, tf.keras.losses.BinaryCrossentropy(from_logits=True)))
print("three logits, integers: ", resolve_accuracy(
    class_logits, class_labels, tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)))
print("three logits, one-hot:  ", resolve_accuracy(
    class_logits, one_hot, tf.keras.losses.CategoricalCrossentropy(from_logits=True)))
# BinaryAccuracy compares with 0.5, a probability; for a logit the boundary is 0.
at_zero = tf.keras.metrics.BinaryAccuracy(threshold=0.0)
at_zero.update_state(binary_labels, one_logit)
print(f"BinaryAccuracy(threshold=0.0) = {float(at_zero.result()):.4f}")

# The three cross-entropies: each from logits, and from the probabilities they give.
binary_loss = tf.keras.losses.BinaryCrossentropy(from_logits=True)(binary_labels, one_logit)
binary_prob = tf.keras.losses.BinaryCrossentropy()(binary_labels, tf.sigmoid(one_logit))
p = tf.sigmoid(one_logit[:, 0]).numpy()
by_hand = -np.mean(binary_labels * np.log(p) + (1 - binary_labels) * np.log(1 - p))
print(f"binary:      logits {float(binary_loss):.4f} | probabilities {float(binary_prob):.4f}"
      f" | by hand {by_hand:.4f}")
probabilities = tf.nn.softmax(class_logits)
categorical = tf.keras.losses.CategoricalCrossentropy(from_logits=True)(one_hot, class_logits)
categorical_prob = tf.keras.losses.CategoricalCrossentropy()(one_hot, probabilities)
print(f"categorical: logits {float(categorical):.4f} | probabilities {float(categorical_prob):.4f}")
sparse = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(class_labels, class_logits)
sparse_prob = tf.keras.losses.SparseCategoricalCrossentropy()(class_labels, probabilities)
print(f"sparse:      logits {float(sparse):.4f} | probabilities {float(sparse_prob):.4f}")

# Two mismatches. Probabilities given to a loss that expects logits: no error, a wrong value.
twice = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(class_labels, probabilities)
print(f"softmax applied twice: {float(twice):.4f} instead of {float(sparse):.4f}")
# One-hot labels given to the sparse loss, which expects integers: an error.
try:
    tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(one_hot, class_logits)
except ValueError as error:
    print("ValueError:", error)

# Regression losses on five predictions, then with the last one far off (an outlier).
targets = np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype=np.float32)
close = np.array([1.5, 2.0, 2.5, 4.0, 5.0], dtype=np.float32)
outlier = np.array([1.5, 2.0, 2.5, 4.0, 15.0], dtype=np.float32)
regression_losses = {"MSE": tf.keras.losses.MeanSquaredError(),
                     "MAE": tf.keras.losses.MeanAbsoluteError(),
                     "Huber": tf.keras.losses.Huber(delta=1.0)}
for name, loss_fn in regression_losses.items():
    print(f"{name:5s}  close {float(loss_fn(targets, close)):7.4f} | "
          f"with outlier {float(loss_fn(targets, outlier)):7.4f}")

# Multi-label: each point may carry any number of 3 yes/no tags, so one logit per tag.
rng = np.random.default_rng(0)
points = rng.uniform(-1.0, 1.0, size=(2000, 2)).astype(np.float32)
tags = np.stack([points[:, 0] > 0, points[:, 1] > 0, points.sum(axis=1) > 0.5], axis=1)
tags = tags.astype(np.float32)  # "right", "up", "far": 0, 1, 2 or 3 of them per point
tf.keras.utils.set_random_seed(42)
tagger = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(3)])
tagger.compile(optimizer=tf.keras.optimizers.Adam(0.1),
               loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), steps_per_execution=25)
tagger.fit(points[:1600], tags[:1600], epochs=2, batch_size=32, verbose=0)
held_out = tf.keras.metrics.BinaryAccuracy(threshold=0.0)  # every (point, tag) pair counts
held_out.update_state(tags[1600:], tagger(points[1600:]))
print(f"{len(points) - 1600} held-out points: binary accuracy {float(held_out.result()):.4f}")
new_points = np.array([[0.8, 0.6], [-0.5, 0.7], [0.6, -0.9], [-0.4, -0.6]], dtype=np.float32)
for point, tag_logits in zip(new_points, tagger(new_points).numpy()):
    print(f"point {point}: logits {', '.join(f'{z:+.1f}' for z in tag_logits)} -> tags "
          f"{(tag_logits > 0).astype(int)} | sigmoids sum to {tf.sigmoid(tag_logits).numpy().sum():.2f}")

# Regression to [0, 1]: a sigmoid output; the cross-entropy accepts targets between 0 and 1.
fraction = np.array([[0.3]], dtype=np.float32)
for guess in [0.1, 0.3, 0.5, 0.9]:
    prediction = np.array([[guess]], dtype=np.float32)
    mse = float(tf.keras.losses.MeanSquaredError()(fraction, prediction))
    bce = float(tf.keras.losses.BinaryCrossentropy()(fraction, prediction))
    print(f"target 0.3, prediction {guess}: MSE {mse:.4f} | cross-entropy {bce:.4f}")
# A distribution as the target: KL divergence, or cross-entropy from logits.
votes = np.array([[0.7, 0.2, 0.1]], dtype=np.float32)  # e.g. 7, 2 and 1 votes of 10
scores = np.array([[1.0, 0.5, -1.0]], dtype=np.float32)  # the model's logits
kl = float(tf.keras.losses.KLDivergence()(votes, tf.nn.softmax(scores)))
ce = float(tf.keras.losses.CategoricalCrossentropy(from_logits=True)(votes, scores))
print(f"KL {kl:.4f} | cross-entropy {ce:.4f} | difference {ce - kl:.4f} | "
      f"entropy of the target {float(-np.sum(votes * np.log(votes))):.4f}")
print(f"KL of the target with itself: {float(tf.keras.losses.KLDivergence()(votes, votes)):.4f}")
# A direction as the target: the loss is minus the cosine of the angle.
direction = np.array([[1.0, 2.0, 2.0]], dtype=np.float32)
for name, vector in [("same direction, twice as long", [2.0, 4.0, 4.0]),
                     ("orthogonal", [2.0, -1.0, 0.0]), ("opposite", [-1.0, -2.0, -2.0])]:
    loss = float(tf.keras.losses.CosineSimilarity()(direction, np.array([vector], np.float32)))
    print(f"{name:29s}: loss {loss + 0.0:7.4f}")  # + 0.0 turns -0.0 into 0.0
similarity = tf.keras.metrics.CosineSimilarity()
similarity.update_state(direction, np.array([[2.0, 4.0, 4.0]], dtype=np.float32))
print(f"the CosineSimilarity metric, same direction: {float(similarity.result()):.4f}")

# Precision, recall and AUC of a one-logit classifier: thresholds at 0 for logits.
batch1_labels = np.array([1, 1, 1, 0, 0, 0, 1, 0], dtype=np.int32)
batch1_logits = np.array([2.2, 1.4, 0.8, 0.4, 0.2, 0.6, -1.4, -2.2], dtype=np.float32)
batch2_labels = np.array([1, 1, 0, 0, 1, 0], dtype=np.int32)
batch2_logits = np.array([1.8, 0.9, -0.5, -0.3, -1.2, -2.0], dtype=np.float32)
all_labels = np.concatenate([batch1_labels, batch2_labels])
all_logits = np.concatenate([batch1_logits, batch2_logits])
for metric in [tf.keras.metrics.Precision(thresholds=0.0), tf.keras.metrics.Recall(thresholds=0.0),
               tf.keras.metrics.AUC(from_logits=True)]:
    metric.update_state(all_labels, all_logits)
    print(f"{metric.name}: {float(metric.result()):.4f}")

# A metric accumulates over batches: result() reports everything since the last reset.
precision = tf.keras.metrics.Precision(thresholds=0.0)
precision.update_state(batch1_labels, batch1_logits)
print(f"after batch 1: {float(precision.result()):.4f}")
precision.update_state(batch2_labels, batch2_logits)
print(f"after batch 2: {float(precision.result()):.4f}")
batch2_alone = tf.keras.metrics.Precision(thresholds=0.0)
batch2_alone.update_state(batch2_labels, batch2_logits)
print(f"batch 2 alone: {float(batch2_alone.result()):.4f}")
precision.reset_state()
print(f"after reset_state(): {float(precision.result()):.4f}")

# Four optimizers, one MLP: the same initial weights and the same batches for each.
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
n = args.train_images
x = train_x[:n + 2000].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[:n + 2000].astype(np.int32)
x_train, y_train, x_valid, y_valid = x[:n], y[:n], x[n:], y[n:]  # 2,000 held out
optimizers = {"SGD": lambda: tf.keras.optimizers.SGD(learning_rate=0.01),
              "SGD + momentum": lambda: tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
              "RMSprop": lambda: tf.keras.optimizers.RMSprop(learning_rate=0.001),
              "Adam": lambda: tf.keras.optimizers.Adam(learning_rate=0.001)}
# Each new model traces new tf.functions; TensorFlow's warning about this retracing is noise here.
logger_level = tf.get_logger().level
tf.get_logger().setLevel("ERROR")
curves = {}
for name, make_optimizer in optimizers.items():
    tf.keras.utils.set_random_seed(42)  # the same initial weights for every optimizer
    mlp = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                               tf.keras.layers.Dense(100, activation="relu"),
                               tf.keras.layers.Dense(10)])
    mlp.compile(optimizer=make_optimizer(),
                loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    start_loss = mlp.evaluate(x_valid, y_valid, batch_size=1000, verbose=0)[0]
    tf.keras.utils.set_random_seed(42)  # the same shuffling for every optimizer
    history = mlp.fit(x_train, y_train, epochs=args.epochs, batch_size=128,
                      validation_data=(x_valid, y_valid), verbose=0)
    curves[name] = [start_loss] + history.history["val_loss"]
    print(f"{name:15s} validation loss {history.history['val_loss'][-1]:.4f}, "
          f"accuracy {history.history['val_accuracy'][-1]:.4f}")
tf.get_logger().setLevel(logger_level)  # back to the level it had

# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, losses in curves.items():
    ax.plot(range(args.epochs + 1), losses, "o-", label=name)
    print(f"{name:15s} validation loss by epoch:", " ".join(f"{loss:.4f}" for loss in losses))
ax.set_xlabel("epoch")
ax.set_ylabel("validation loss")
ax.set_xticks(range(args.epochs + 1))
ax.legend()
plt.tight_layout()
plt.show()

# Learning-rate schedules: functions from the step number to a learning rate.
exponential = tf.keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=1e-3, decay_steps=250, decay_rate=0.5)
cosine = tf.keras.optimizers.schedules.CosineDecay(initial_learning_rate=1e-3, decay_steps=1000)
for step in [0, 250, 500, 750, 1000]:
    print(f"step {step:4d}: exponential {float(exponential(step)):.6f} | "
          f"cosine {float(cosine(step)):.6f}")
steps = np.arange(0, 1001, 10)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(steps, [float(exponential(s)) for s in steps], label="ExponentialDecay")
ax.plot(steps, [float(cosine(s)) for s in steps], label="CosineDecay")
ax.set_xlabel("step")
ax.set_ylabel("learning rate")
ax.legend()
plt.tight_layout()
plt.show()
optimizer = tf.keras.optimizers.Adam(learning_rate=cosine)  # a schedule in place of a number
optimizer.iterations.assign(500)  # as if 500 steps had been taken
print(f"Adam at step {int(optimizer.iterations)}: "
      f"learning rate {float(optimizer.learning_rate):.6f}")
