# Solutions to the exercises of "Training: fit".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Exercise 1: the page's sorted images, shuffled before validation_split takes its last 20%.
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
order = np.random.default_rng(42).permutation(len(train_x))[:12500]
x = train_x[order].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[order].astype(np.int32)
by_class = np.argsort(y, kind="stable")
x_sorted, y_sorted = x[by_class], y[by_class]
shuffle = np.random.default_rng(0).permutation(len(y_sorted))
x_shuffled, y_shuffled = x_sorted[shuffle], y_sorted[shuffle]
print("classes held out:", np.unique(y_shuffled[-2500:]).tolist())
mlp = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                           tf.keras.layers.Dense(100, activation="relu"),
                           tf.keras.layers.Dense(10)])
mlp.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
            loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
history = mlp.fit(x_shuffled, y_shuffled, epochs=1, batch_size=128, validation_split=0.2,
                  verbose=0)
print(f"shuffled first: accuracy {history.history['accuracy'][0]:.4f}, "
      f"val_accuracy {history.history['val_accuracy'][0]:.4f}")


# Exercise 2: sample_weight, one weight per sample, in place of class_weight.
def imbalanced(seed):  # the page's imbalanced toy
    rng = np.random.default_rng(seed)
    common = rng.normal(loc=[0.0, 0.0], scale=1.0, size=(1900, 2))
    rare = rng.normal(loc=[2.0, 2.0], scale=1.0, size=(100, 2))
    points = np.vstack([common, rare]).astype(np.float32)
    return points, np.concatenate([np.zeros(1900), np.ones(100)]).astype(np.int32)


def train_linear(points, labels, **weighting):
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.Recall(thresholds=0.0, name="recall")])
    model.fit(points, labels, epochs=10, batch_size=128, verbose=0, **weighting)
    return model


rare_x, rare_y = imbalanced(seed=1)
rare_x_test, rare_y_test = imbalanced(seed=2)
counts = np.bincount(rare_y)
class_weight = {c: float(len(rare_y) / (2 * counts[c])) for c in (0, 1)}
sample_weight = np.array([class_weight[c] for c in rare_y], dtype=np.float32)
by_class = train_linear(rare_x, rare_y, class_weight=class_weight)
by_sample = train_linear(rare_x, rare_y, sample_weight=sample_weight)
same = all(np.array_equal(a, b) for a, b in zip(by_class.get_weights(), by_sample.get_weights()))
print(f"sample weights: first point {sample_weight[0]:.4f}, last point {sample_weight[-1]:.4f}")
print("identical weights:", same)
for name, model in [("class_weight", by_class), ("sample_weight", by_sample)]:
    recall = model.evaluate(rare_x_test, rare_y_test, verbose=0, return_dict=True)["recall"]
    print(f"{name}: recall of the rare class {recall:.4f}")

# Exercise 3: batch first, then shuffle: the batches keep their members.
numbers = tf.data.Dataset.range(10)
for name, ds in [("shuffle, then batch", numbers.shuffle(10, seed=1).batch(5)),
                 ("batch, then shuffle", numbers.batch(5).shuffle(2, seed=1))]:
    for epoch in (1, 2):
        print(f"{name}, epoch {epoch}:", [batch.numpy().tolist() for batch in ds])

# Exercise 4: two designs that mix the classes of the sorted images, against a small shuffle buffer.
images, labels = tf.constant(x_sorted), tf.constant(y_sorted)


def shuffled_indices():  # shuffle 12,500 integers, then gather each batch's images
    return (tf.data.Dataset.range(len(y_sorted)).shuffle(len(y_sorted), seed=42).batch(128)
            .map(lambda i: (tf.gather(images, i), tf.gather(labels, i))))


def class_streams(buffer=100):  # one stream per class, each shuffled in a small buffer
    streams = []
    for c in range(10):
        in_class = y_sorted == c
        streams.append(tf.data.Dataset.from_tensor_slices((x_sorted[in_class], y_sorted[in_class]))
                       .shuffle(buffer, seed=c))
    shares = np.bincount(y_sorted, minlength=10) / len(y_sorted)  # draw each class at its share
    mixed = tf.data.Dataset.sample_from_datasets(streams, weights=shares.tolist(), seed=42)
    return mixed.batch(128)


pipelines = {"shuffle(1000), batch": tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted))
             .shuffle(1000, seed=42).batch(128),
             "shuffled indices": shuffled_indices(),
             "class streams": class_streams()}
for name, ds in pipelines.items():
    batches = [batch_labels.numpy() for _, batch_labels in ds]  # one epoch
    kinds = [len(np.unique(b)) for b in batches]
    print(f"{name:20s} first batch: classes {np.unique(batches[0]).tolist()} | "
          f"all ten classes in {sum(k == 10 for k in kinds)} of {len(batches)} batches | "
          f"last batch: {kinds[-1]} classes")

# Exercise 5: the order in which fit's shuffle presents the samples, epoch after epoch.
seen = []


class NoteOrder(tf.keras.layers.Layer):  # notes the samples of each batch it is called on
    def call(self, x):
        if tf.executing_eagerly():  # not while Keras builds the model on symbolic inputs
            seen.append(x.numpy()[:, 0].astype(int).tolist())
        return x


def orders_of_fit(epochs=3):  # ten samples, one batch: one order per epoch
    seen.clear()
    watcher = tf.keras.Sequential([tf.keras.Input(shape=(1,)), NoteOrder(),
                                   tf.keras.layers.Dense(1)])
    watcher.compile(optimizer="sgd", loss="mse", run_eagerly=True)  # call() runs eagerly
    watcher.fit(np.arange(10, dtype=np.float32).reshape(-1, 1), np.zeros(10, np.float32),
                batch_size=10, epochs=epochs, shuffle=True, verbose=0)
    return list(seen)


tf.keras.utils.set_random_seed(42)  # as every script of this book starts
for epoch, order in enumerate(orders_of_fit(), start=1):
    print(f"seeded, epoch {epoch}: {order}")
print("seeded, a second fit:", orders_of_fit(epochs=1)[0])
tf.keras.utils.set_random_seed(7)
print("seed 7, epochs 1-3:", orders_of_fit())
tf.random.set_seed(None)  # no global seed for TensorFlow
try:
    orders_of_fit()
except RuntimeError as err:  # op determinism (on in this book) refuses unseeded random ops
    print("no seed:", str(err).split(". ")[0])
