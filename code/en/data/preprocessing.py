# Keras preprocessing layers: statistics learned by adapt, lookups and encodings, hashing,
# text and image layers, and a penguin classifier that takes raw rows and saves with them.
import csv
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import kernels  # TensorFlow's kernel registry

if "penguins_file" not in globals():  # run alone: corpora.py lies beside this script
    from corpora import fortunes_file, penguins_file

tf.keras.backend.clear_session()  # layer names numbered from scratch
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()
np.set_printoptions(precision=3, suppress=True)

# penguins.csv as NumPy columns; in the number columns "NA" (missing) becomes NaN.
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
with open(penguins_file(), newline="", encoding="utf-8") as file:
    rows = list(csv.DictReader(file))
every = np.array([[float("nan") if row[c] == "NA" else float(row[c]) for c in NUMERIC]
                  for row in rows], dtype=np.float32)
print(len(rows), "rows", every.shape, every.dtype, "| rows with NaN:",
      np.isnan(every).any(axis=1).sum())

# A statistic learned over missing values is NaN, and so is every output that uses it.
careless = tf.keras.layers.Normalization()
careless.adapt(every)
print("mean over all rows:", careless.mean.numpy().ravel(), careless(every[:1]).numpy())

# Keep the complete rows; the other columns as arrays with explicit dtypes.
complete = ~np.isnan(every).any(axis=1)
rows = [row for row, keep in zip(rows, complete) if keep]
measurements = every[complete]
species = np.array([row["species"] for row in rows])
islands = np.array([row["island"] for row in rows])
sexes = np.array([row["sex"] for row in rows])
years = np.array([int(row["year"]) for row in rows], dtype=np.int64)
print(measurements.shape, "| sex missing in", np.sum(sexes == "NA"), "rows")

# Normalization learns a mean and a variance per column from the data it is adapted on.
normalize = tf.keras.layers.Normalization(axis=-1)
normalize.adapt(measurements)
print("layer mean:    ", normalize.mean.numpy().ravel())
print("numpy mean:    ", measurements.mean(axis=0))
print("layer variance:", normalize.variance.numpy().ravel())
print("numpy variance:", measurements.var(axis=0))
scaled = normalize(measurements).numpy()
print("after: mean", scaled.mean(axis=0).round(3) + 0.0, "std", scaled.std(axis=0))

# Discretization: a number becomes the index of its bin.
by_hand = tf.keras.layers.Discretization(bin_boundaries=[3500.0, 4500.0])
print("body mass:", measurements[:6, 3], "-> bins", by_hand(measurements[:6, 3]).numpy())
quartiles = tf.keras.layers.Discretization(num_bins=4)
quartiles.adapt(measurements[:, 3])
print("adapted boundaries:", np.array(quartiles.bin_boundaries))
print("numpy quartiles:   ", np.quantile(measurements[:, 3], [0.25, 0.5, 0.75]))
print("penguins per bin:  ", np.bincount(quartiles(measurements[:, 3]).numpy()))

# StringLookup: a vocabulary learned from the column, most frequent first, index 0 for OOV.
island_lookup = tf.keras.layers.StringLookup()
island_lookup.adapt(islands)
print([str(t) for t in island_lookup.get_vocabulary()], "size", island_lookup.vocabulary_size())
print(island_lookup(["Dream", "Biscoe", "Torgersen", "Atlantis"]).numpy())
with_mask = tf.keras.layers.StringLookup(mask_token="",
                                         vocabulary=["Biscoe", "Dream", "Torgersen"])
print([str(t) for t in with_mask.get_vocabulary()], with_mask(["", "Dream", "Atlantis"]).numpy())

# Labels need no OOV index; invert=True maps indices back to names.
species_lookup = tf.keras.layers.StringLookup(num_oov_indices=0)
species_lookup.adapt(species)
labels = species_lookup(species).numpy()
print([str(t) for t in species_lookup.get_vocabulary()], "counts", np.bincount(labels))
to_name = tf.keras.layers.StringLookup(vocabulary=species_lookup.get_vocabulary(),
                                       num_oov_indices=0, invert=True)
print(to_name(tf.constant([2, 0, 1])).numpy())

# IntegerLookup does the same for integer categories: -1 stands for an unknown year.
year_lookup = tf.keras.layers.IntegerLookup()
year_lookup.adapt(years)
print([int(t) for t in year_lookup.get_vocabulary()],
      year_lookup(tf.constant([2007, 2009, 2010])).numpy())

# CategoryEncoding turns indices into vectors: one_hot, multi_hot, count.
ids = island_lookup(islands[[0, 50, 150]])
print("indices", ids.numpy())
for mode in ("one_hot", "multi_hot", "count"):
    encode = tf.keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    if mode == "one_hot":
        print(mode, encode(ids).numpy().tolist())
    else:  # two samples, each a list of indices: [1, 1, 3] and [2, 2, 2]
        print(mode, encode(tf.constant([[1, 1, 3], [2, 2, 2]])).numpy().tolist())

# Hashing needs no vocabulary: the value's hash modulo num_bins. Different values can collide.
ANSI = r"\x1b\[[0-9;]*m"  # fortunes-zh colours its titles and authors
lines = tf.data.TextLineDataset(fortunes_file("tang300")).map(
    lambda line: tf.strings.regex_replace(line, ANSI, ""))
authors = lines.filter(lambda line: tf.strings.regex_full_match(line, "作者：.*")).map(
    lambda line: tf.strings.regex_replace(line, "^作者：", ""))
names = np.unique(np.array(list(authors.as_numpy_iterator())))
print(len(names), "distinct authors, e.g.", [n.decode() for n in names[:3]])
for salt in (None, 1337):
    hashing = tf.keras.layers.Hashing(num_bins=256, salt=salt)
    buckets = hashing(names).numpy()
    used = len(np.unique(buckets))
    print(f"salt {salt}: {len(names)} authors in {used} bins, {len(names) - used} collisions")
print(f"expected collisions: {len(names) - 256 * (1 - (1 - 1 / 256) ** len(names)):.1f}")

# The poems' lines: no title, no author, no separator, no blank line.
verses = lines.filter(lambda line: tf.logical_not(
    tf.strings.regex_full_match(line, r"\s*|%|《.*|作者：.*")))
texts = [line.decode() for line in verses.as_numpy_iterator()]
print(len(texts), "lines of verse,", len(set(texts)), "distinct")

# TextVectorization with its defaults: lowercase, strip ASCII punctuation, split at spaces.
by_words = tf.keras.layers.TextVectorization()
by_words.adapt(verses.batch(256))
print("vocabulary size:", by_words.vocabulary_size())
print([str(t) for t in by_words.get_vocabulary()[:4]])
print(by_words(["兰叶春葳蕤，桂华秋皎洁。", "兰叶春葳蕤， 桂华秋皎洁。"]).numpy())

# split="character": one token per character, padded or cut to 12 tokens.
by_chars = tf.keras.layers.TextVectorization(split="character", output_sequence_length=12)
by_chars.adapt(verses.batch(256))
vocabulary = by_chars.get_vocabulary()
print("vocabulary size:", len(vocabulary), "| most frequent:", "".join(vocabulary[2:22]))
encoded = by_chars(["兰叶春葳蕤，桂华秋皎洁。", "床前明月光", "月落乌啼霜满天，江枫渔火对愁眠。"])
print(encoded.numpy())
print(["".join(vocabulary[i] for i in row if i > 0) for row in encoded.numpy()])

# Image augmentation. First, how Fashion-MNIST draws its garments: how many touch the frame?
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
tall = (train_x[:, 0] > 0).any(axis=1) & (train_x[:, -1] > 0).any(axis=1)
wide = (train_x[:, :, 0] > 0).any(axis=1) & (train_x[:, :, -1] > 0).any(axis=1)
print(f"touch top and bottom: {tall.mean():.3f} | left and right: {wide.mean():.3f} | "
      f"one or the other: {(tall | wide).mean():.3f}")

# Shifting by k pixels pushes the k outermost rows or columns out of the frame.
ink = train_x.sum(axis=(1, 2), dtype=np.int64)
cut = {}
for k in (1, 2, 3):
    sides = [train_x[:, :k].sum(axis=(1, 2), dtype=np.int64),
             train_x[:, -k:].sum(axis=(1, 2), dtype=np.int64),
             train_x[:, :, :k].sum(axis=(1, 2), dtype=np.int64),
             train_x[:, :, -k:].sum(axis=(1, 2), dtype=np.int64)]
    cut[k] = float(np.mean(np.max(sides, axis=0) / ink))
    print(f"shift by {k} px: the fullest edge holds {cut[k]:.3f} of the ink on average")

# Mirror images: the share of each class's images with more ink left of the middle.
def left_heavy(x, y):
    left = x[:, :, :14].sum(axis=(1, 2), dtype=np.int64)
    right = x[:, :, 14:].sum(axis=(1, 2), dtype=np.int64)
    return np.array([np.mean(left[y == c] > right[y == c]) for c in range(10)])


print("more ink on the left, train:", left_heavy(train_x, train_y))
print("more ink on the left, test: ", left_heavy(test_x, test_y))

# The shift allowed: at most the pixels that cut under 2% of the ink on average.
shift = max(k for k in cut if cut[k] < 0.02)
augment = tf.keras.layers.RandomTranslation(shift / 28, shift / 28, fill_mode="constant",
                                            seed=1, name="augment")
print(f"at most {shift} px each way: factor {shift / 28:.4f}")

# Four training images, two draws of the layer, and the mirror images a flip could give.
images = train_x[:4, :, :, None].astype(np.float32) / 255.0
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
ROWS = ["original", "draw 1", "draw 2", "mirrored"]
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, axes = plt.subplots(4, 4, figsize=(6, 6.4))
draws = [images, augment(images, training=True), augment(images, training=True),
         images[:, :, ::-1]]
for r, shown in enumerate(draws):
    for c in range(4):
        axes[r, c].imshow(np.asarray(shown)[c, :, :, 0], cmap="gray_r", vmin=0, vmax=1)
        axes[r, c].set_title(f"{ROWS[r]}: {CLASS_NAMES[train_y[c]]}", fontsize=8)
        axes[r, c].axis("off")
plt.tight_layout()
plt.show()

# Inference (training=False) leaves images untouched; so does predict() in a model.
print("training=False unchanged:", np.array_equal(augment(images, training=False), images))
print("training=True unchanged: ", np.array_equal(augment(images, training=True), images))
print("called without training: ", np.array_equal(augment(images), images))

# In the pipeline: the layer runs in dataset.map, on the CPU, beside the training step.
train = (tf.data.Dataset.from_tensor_slices((train_x[:512, :, :, None], train_y[:512]))
         .batch(64)
         .map(lambda x, y: (augment(tf.cast(x, tf.float32) / 255.0, training=True), y),
              num_parallel_calls=tf.data.AUTOTUNE)
         .prefetch(tf.data.AUTOTUNE))
batch_x, batch_y = next(iter(train))
print(train.element_spec[0], batch_x.shape, float(tf.reduce_max(batch_x)) <= 1.0)

# Inside the model: the layer is part of the model, on the model's device and in its file.
classifier = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)), augment,
    tf.keras.layers.Flatten(), tf.keras.layers.Dense(10)])
first, second = classifier.predict(images, verbose=0), classifier.predict(images, verbose=0)
print("predict twice, same logits:", np.array_equal(first, second))

# Where can each layer of this page run? The ops of its graph, and whether this build of
# TensorFlow has a GPU kernel for each (DEFAULT kernels serve every device).
def cpu_only(layer, spec, **options):
    graph = tf.function(lambda x: layer(x, **options)).get_concrete_function(spec).graph
    types = sorted({op.type for op in graph.get_operations()})
    return [t for t in types if not {"GPU", "DEFAULT"} & {
        k.device_type for k in kernels.get_registered_kernels_for_op(t).kernel}]


for layer, spec, options in [
        (normalize, tf.TensorSpec([None, 4], tf.float32), {}),
        (quartiles, tf.TensorSpec([None], tf.float32), {}),
        (island_lookup, tf.TensorSpec([None], tf.string), {}),
        (hashing, tf.TensorSpec([None], tf.string), {}),
        (by_chars, tf.TensorSpec([None], tf.string), {}),
        (augment, tf.TensorSpec([None, 28, 28, 1], tf.float32), {"training": True})]:
    missing = cpu_only(layer, spec, **options)
    status = "CPU only:" if missing else "GPU kernels for all ops"
    print(f"{type(layer).__name__:18}", status, *missing)

# Split first: the layers learn statistics and vocabularies from the training rows only.
order = np.random.default_rng(0).permutation(len(rows))
train_index, test_index = order[:274], order[274:]
scale = tf.keras.layers.Normalization(name="scale")
scale.adapt(measurements[train_index])
island_onehot = tf.keras.layers.StringLookup(output_mode="one_hot", name="island_onehot")
island_onehot.adapt(islands[train_index])
sex_onehot = tf.keras.layers.StringLookup(output_mode="one_hot", name="sex_onehot")
sex_onehot.adapt(sexes[train_index])  # "NA" becomes a token of its own: missing is a category
year_onehot = tf.keras.layers.IntegerLookup(output_mode="one_hot", name="year_onehot")
year_onehot.adapt(years[train_index])

# A penguin classifier whose inputs are the raw columns, strings included.
inputs = {c: tf.keras.Input(shape=(1,), name=c, dtype="float32") for c in NUMERIC}
inputs["island"] = tf.keras.Input(shape=(1,), name="island", dtype="string")
inputs["sex"] = tf.keras.Input(shape=(1,), name="sex", dtype="string")
inputs["year"] = tf.keras.Input(shape=(1,), name="year", dtype="int64")
features = tf.keras.layers.Concatenate()([
    scale(tf.keras.layers.Concatenate()([inputs[c] for c in NUMERIC])),
    island_onehot(inputs["island"]), sex_onehot(inputs["sex"]), year_onehot(inputs["year"])])
hidden = tf.keras.layers.Dense(16, activation="relu")(features)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(3, name="logits")(hidden))
print("features per penguin:", features.shape[-1])


# Raw columns in, species indices as labels.
def raw_dataset(index):
    columns = {c: measurements[index, i:i + 1] for i, c in enumerate(NUMERIC)}
    columns.update(island=islands[index, None], sex=sexes[index, None], year=years[index, None])
    return tf.data.Dataset.from_tensor_slices((columns, labels[index]))


train_raw = raw_dataset(train_index).shuffle(274, seed=1).batch(32)
test_raw = raw_dataset(test_index).batch(68)
print(train_raw.element_spec[0]["island"], train_raw.element_spec[0]["year"])
model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(train_raw, epochs=15, shuffle=False, verbose=0)  # the dataset shuffles
loss, accuracy = model.evaluate(test_raw, verbose=0)
print(f"last epoch: loss {history.history['loss'][-1]:.4f}; "
      f"test: loss {loss:.4f}, accuracy {accuracy:.4f} (68 penguins)")

def decoded(strings):
    return [s.decode() for s in np.ravel(strings)]


# Three rows straight from penguins.csv, parsed by CsvDataset as on the sources page;
# save, load, and predict again.
COLUMNS = ["species", "island", *NUMERIC, "sex", "year"]
NAN = tf.constant(float("nan"), tf.float32)
defaults = [tf.string, tf.string, NAN, NAN, NAN, NAN, tf.constant("NA"), tf.int64]
picked = (tf.data.experimental.CsvDataset(penguins_file(), defaults, header=True, na_value="NA")
          .enumerate().filter(lambda i, fields: tf.reduce_any(i == [9, 180, 300]))
          .map(lambda i, fields: {c: tf.reshape(v, [1]) for c, v in zip(COLUMNS, fields)})
          .batch(3))
batch = next(iter(picked))
in_file = batch.pop("species")  # the answer, kept out of the model's input
before = model.predict(batch, verbose=0)
with tempfile.TemporaryDirectory() as folder:
    model.save(Path(folder) / "penguins.keras")
    loaded = tf.keras.models.load_model(Path(folder) / "penguins.keras")
after = loaded.predict(batch, verbose=0)
print("island:", decoded(batch["island"]), "| sex:", decoded(batch["sex"]))
print("logits after loading:", after[0], after[1], after[2])
print("identical:", np.array_equal(before, after), "| in the file:", decoded(in_file),
      "| predicted:", decoded(to_name(tf.constant(np.argmax(after, axis=-1)))))

# A request without one of the columns the model takes.
try:
    loaded.predict({k: v for k, v in batch.items() if k != "sex"}, verbose=0)
except ValueError as err:
    print("ValueError:", err)
