# Solutions: preprocessing layers.
import csv
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

if "penguins_file" not in globals():  # run alone: corpora.py is in the folder above
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from corpora import fortunes_file, penguins_file

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()
np.set_printoptions(precision=3, suppress=True)

# Exercise 1: a vocabulary of the commonest authors, a mask token and two OOV indices.
lines = tf.data.TextLineDataset(fortunes_file("tang300")).map(
    lambda line: tf.strings.regex_replace(line, r"\x1b\[[0-9;]*m", ""))
by_poem = np.array([line[len("作者：".encode()):] for line in lines.as_numpy_iterator()
                    if line.startswith("作者：".encode())])  # one author per poem
lookup = tf.keras.layers.StringLookup(max_tokens=20, mask_token="", num_oov_indices=2)
lookup.adapt(by_poem)
print(len(by_poem), "poems | size", lookup.vocabulary_size(),
      [str(t) for t in lookup.get_vocabulary()[:6]])
ids = lookup(by_poem).numpy()
unknown = np.unique(by_poem[ids < 3])
print(f"out of vocabulary: {np.sum(ids < 3)} of {len(ids)} poems, {len(unknown)} authors;",
      "authors per OOV index:", np.bincount(lookup(unknown).numpy(), minlength=3)[1:])
kept = lookup.get_vocabulary(include_special_tokens=False)
back = tf.keras.layers.StringLookup(vocabulary=kept, mask_token="", num_oov_indices=2,
                                    invert=True)
print([s.decode() for s in back(tf.constant([0, 1, 2, 3])).numpy()])

# Exercise 2: how many bins keep collisions rare? The distinct characters of the verses.
verses = tf.data.TextLineDataset(fortunes_file("tang300")).map(
    lambda line: tf.strings.regex_replace(line, r"\x1b\[[0-9;]*m", "")).filter(
    lambda line: tf.logical_not(tf.strings.regex_full_match(line, r"\s*|%|《.*|作者：.*")))
chars = np.unique(tf.strings.unicode_split(list(verses.as_numpy_iterator()), "UTF-8")
                  .flat_values.numpy())
n = len(chars)
print(n, "distinct characters")
for bins in (2_500, 10_000, 25_000, 100_000):
    used = len(np.unique(tf.keras.layers.Hashing(num_bins=bins)(chars).numpy()))
    expected = bins * (1 - (1 - 1 / bins) ** n)
    print(f"{bins:>7,} bins: {n - used:4d} collisions ({(n - used) / n:6.1%} of the characters); "
          f"expected {n - expected:6.1f}")

# Exercise 3: normalization and lookups in the pipeline for training, in the model for export.
with open(penguins_file(), newline="", encoding="utf-8") as file:
    rows = [row for row in csv.DictReader(file) if row["bill_length_mm"] != "NA"]
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
raw = {c: np.array([[float(row[c])] for row in rows], dtype=np.float32) for c in NUMERIC}
raw["island"] = np.array([[row["island"]] for row in rows])
labels = tf.keras.layers.StringLookup(num_oov_indices=0, vocabulary=["Adelie", "Gentoo",
                                      "Chinstrap"])(np.array([row["species"] for row in rows]))

# The preprocessing as a model of its own: raw columns in, 8 numbers out.
inputs = {c: tf.keras.Input(shape=(1,), name=c, dtype="float32") for c in NUMERIC}
inputs["island"] = tf.keras.Input(shape=(1,), name="island", dtype="string")
normalize = tf.keras.layers.Normalization()
normalize.adapt(np.concatenate([raw[c] for c in NUMERIC], axis=1))
to_onehot = tf.keras.layers.StringLookup(output_mode="one_hot")
to_onehot.adapt(raw["island"])
prepare = tf.keras.Model(inputs, tf.keras.layers.Concatenate()([
    normalize(tf.keras.layers.Concatenate()([inputs[c] for c in NUMERIC])),
    to_onehot(inputs["island"])]), name="prepare")

# Training: prepare runs in dataset.map; the trained model sees only numbers.
train = (tf.data.Dataset.from_tensor_slices((raw, labels)).shuffle(342, seed=1).batch(32)
         .map(lambda x, y: (prepare(x), y), num_parallel_calls=tf.data.AUTOTUNE))
core = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                            tf.keras.layers.Dense(16, activation="relu"),
                            tf.keras.layers.Dense(3)], name="core")
core.compile(optimizer=tf.keras.optimizers.Adam(0.01),
             loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
             metrics=["accuracy"])
history = core.fit(train, epochs=10, shuffle=False, verbose=0)
print(f"last epoch: loss {history.history['loss'][-1]:.4f}, "
      f"accuracy {history.history['accuracy'][-1]:.4f}")

# Export: one model, raw columns in, logits out, the same numbers as pipeline + core.
exported = tf.keras.Model(inputs, core(prepare(inputs)), name="exported")
row = {"bill_length_mm": 39.0, "bill_depth_mm": 18.5, "flipper_length_mm": 190.0,
       "body_mass_g": 3700.0, "island": "Dream"}
batch = {k: tf.constant([[v]], dtype=inputs[k].dtype) for k, v in row.items()}
print("pipeline + core:", core(prepare(batch)).numpy()[0])
print("exported model: ", exported(batch).numpy()[0])
print("trainable weights: core", len(core.trainable_weights), "| exported",
      len(exported.trainable_weights), "| prepare", len(prepare.trainable_weights))
