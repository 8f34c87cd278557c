# Three real sources for tf.data: arrays of images, lines of text, rows of a table.
import os
import tempfile

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

if "fortunes_file" not in globals():  # run alone: the notebook's corpora.py cell defines them
    from corpora import fortunes_file, penguins_file

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

# Images: NumPy arrays from Keras, sliced into (image, label) pairs.
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
print("arrays:", train_x.shape, train_x.dtype, train_y.shape, train_y.dtype)
print(f"uint8 images: {train_x.nbytes:,} bytes; as float32 they would take "
      f"{train_x.nbytes * 4:,}")
images = tf.data.Dataset.from_tensor_slices((train_x, train_y))
print(images.element_spec)


def scale(image, label):
    """uint8 pixels 0..255 -> float32 in [0, 1]; labels as int32."""
    return tf.cast(image, tf.float32) / 255.0, tf.cast(label, tf.int32)


train = images.shuffle(10_000, seed=42).map(scale).batch(32)
batch_x, batch_y = next(iter(train))
print("batch:", batch_x.shape, batch_x.dtype,
      f"pixels {float(tf.reduce_min(batch_x)):.1f} to {float(tf.reduce_max(batch_x)):.1f}")
print("labels:", batch_y[:8].numpy())

# Eight images straight from the dataset, titled with their class names.
# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, axes = plt.subplots(1, 8, figsize=(10, 1.8))
for ax, (image, label) in zip(axes, images.take(8)):
    ax.imshow(image.numpy(), cmap="gray_r")
    ax.set_title(CLASS_NAMES[int(label)], fontsize=8)
    ax.axis("off")
plt.tight_layout()
plt.show()

# Text: one element per line of a file, as raw UTF-8 bytes.
NAMES = ("tang300", "song100", "chinese")
tang = tf.data.TextLineDataset(fortunes_file("tang300"))
print(tang.element_spec)
for line in tang.take(8):
    print(repr(line.numpy().decode("utf-8")))

# Cleaning: remove the colour codes, drop the "%" separators and empty lines.
ANSI = r"\x1b\[[0-9;]*m"  # ESC [ numbers m: a terminal colour code


def clean(line):
    return tf.strings.strip(tf.strings.regex_replace(line, ANSI, ""))


def is_text(line):
    return tf.logical_and(tf.strings.length(line) > 0, line != "%")


verses = tang.map(clean).filter(is_text)
for line in verses.take(6):
    print(line.numpy().decode("utf-8"))


# Counting with reduce: one pass over each file, three counts carried in a tuple.
def tally(counts, line):
    lines, separators, text = counts
    return (lines + 1, separators + tf.cast(line == "%", tf.int64),
            text + tf.cast(is_text(clean(line)), tf.int64))


print("cardinality:", int(verses.cardinality()), "(unknown until read)")
for name in NAMES:
    lines, separators, text = tf.data.TextLineDataset(fortunes_file(name)).reduce(
        (np.int64(0), np.int64(0), np.int64(0)), tally)
    print(f"{name:8} {int(lines):6,} lines, {int(separators):5,} '%' lines, "
          f"{int(text):6,} lines of text")

# Bytes and characters: UTF-8 takes 3 bytes for each of these Chinese characters.
line = next(iter(verses.skip(2)))
print(line.numpy().decode("utf-8"))
print("bytes:", int(tf.strings.length(line)),
      "| characters:", int(tf.strings.length(line, unit="UTF8_CHAR")))
print(tf.strings.unicode_split(line, "UTF-8")[:5].numpy())
print(tf.strings.unicode_decode(line, "UTF-8")[:5].numpy())
totals = verses.reduce((np.int64(0), np.int64(0)), lambda acc, line: (
    acc[0] + tf.cast(tf.strings.length(line), tf.int64),
    acc[1] + tf.cast(tf.strings.length(line, unit="UTF8_CHAR"), tf.int64)))
print(f"tang300 text: {int(totals[0]):,} bytes, {int(totals[1]):,} characters")

# Three files read in turns: interleave maps each file index to a dataset of its lines.
paths = tf.constant([fortunes_file(name) for name in NAMES])


def tagged_lines(index):
    lines = tf.data.TextLineDataset(paths[index]).map(clean).filter(is_text)
    return lines.map(lambda line: (index, line))


indices = tf.data.Dataset.range(len(NAMES))
for cycle, block in [(3, 1), (3, 2), (2, 3)]:
    mixed = indices.interleave(tagged_lines, cycle_length=cycle, block_length=block)
    order = [int(index) for index, _ in mixed.take(14)]
    first = next(iter(mixed.enumerate().filter(lambda i, pair: pair[0] == 2)))[0]
    print(f"cycle_length={cycle}, block_length={block}: {order}, "
          f"first line of file 2 at position {int(first):,}")
for index, line in indices.interleave(tagged_lines, cycle_length=3, block_length=1).take(6):
    print(int(index), line.numpy().decode("utf-8"))


def count(dataset):
    return int(dataset.reduce(np.int64(0), lambda n, _: n + 1))


# Whole poems: scan carries the lines read so far and hands them on at each "%".
def collect(poem, line):
    end = tf.equal(line, "%")
    longer = tf.strings.join([poem, line, "\n"])
    return tf.where(end, "", longer), (end, poem)


poems = (tf.data.TextLineDataset(fortunes_file("tang300")).map(clean)
         .filter(lambda line: tf.strings.length(line) > 0)
         .concatenate(tf.data.Dataset.from_tensors(tf.constant("%")))  # end the last one
         .scan(tf.constant(""), collect)
         .filter(lambda end, poem: tf.logical_and(end, tf.strings.length(poem) > 0))
         .map(lambda end, poem: poem))
print("poems:", count(poems))
print(next(iter(poems.skip(1))).numpy().decode("utf-8"))

# Tables: the first lines of penguins.csv as text.
for line in tf.data.TextLineDataset(penguins_file()).take(5):
    print(line.numpy().decode("utf-8"))


# make_csv_dataset infers a type for each column from the first 100 rows.
def dtypes_of(dataset):
    features, label = dataset.element_spec
    return {name: spec.dtype.name for name, spec in features.items()}


for na_value in ["", "NA"]:
    inferred = tf.data.experimental.make_csv_dataset(
        penguins_file(), batch_size=4, label_name="species", na_value=na_value,
        num_epochs=1, shuffle=False)
    print(f"na_value={na_value!r}:", dtypes_of(inferred))
features, label = next(iter(inferred))
print(features["bill_length_mm"].numpy(), features["sex"].numpy(), label.numpy())

# CsvDataset with explicit defaults: a dtype makes a column required, a value fills it.
COLUMNS = ["species", "island", "bill_length_mm", "bill_depth_mm",
           "flipper_length_mm", "body_mass_g", "sex", "year"]
NUMERIC = COLUMNS[2:6]
NAN = tf.constant(float("nan"), tf.float32)
defaults = [tf.string, tf.string, NAN, NAN, NAN, NAN, tf.constant(""), tf.int32]
rows = tf.data.experimental.CsvDataset(
    penguins_file(), defaults, header=True, na_value="NA"
).map(lambda *fields: dict(zip(COLUMNS, fields)))
print(tf.nest.map_structure(lambda value: np.array(value).tolist(), next(iter(rows.skip(3)))))


def missing(row):
    flags = [tf.math.is_nan(row[name]) for name in NUMERIC] + [tf.equal(row["sex"], "")]
    return tf.cast(tf.stack(flags), tf.int64)


total = rows.map(missing).reduce(tf.zeros(5, tf.int64), lambda acc, flags: acc + flags)
print("rows:", count(rows))
print("missing:", dict(zip(NUMERIC + ["sex"], total.numpy().tolist())))

# Without a default, a missing value is an error that stops the iteration.
required = [tf.string, tf.string] + [tf.float32] * 4 + [tf.string, tf.int32]
strict = tf.data.experimental.CsvDataset(penguins_file(), required, header=True, na_value="NA")


def message(err):
    """The stable part of a tf.data error message: no function name, no op name."""
    return err.message.split("}} ")[-1].split(" [Op:")[0]


read = 0
try:
    for record in strict:
        read += 1
except tf.errors.InvalidArgumentError as err:
    print(f"penguins.csv after {read} rows: InvalidArgumentError:", message(err))

# Features and an integer label; incomplete rows dropped (or fill them instead).
SPECIES = ["Adelie", "Chinstrap", "Gentoo"]
species_ids = tf.lookup.StaticHashTable(
    tf.lookup.KeyValueTensorInitializer(SPECIES, tf.range(3, dtype=tf.int32)), default_value=-1)


def complete(row):
    return tf.logical_not(tf.reduce_any(tf.cast(missing(row), tf.bool)))


def to_example(row):
    features = {name: row[name] for name in NUMERIC + ["island", "sex"]}
    return features, species_ids.lookup(row["species"])


examples = rows.filter(complete).map(to_example)
print("complete rows:", count(examples))
counts = examples.reduce(tf.zeros(3, tf.int32), lambda acc, pair: acc + tf.one_hot(
    pair[1], 3, dtype=tf.int32))
print("per species:", dict(zip(SPECIES, counts.numpy().tolist())))
features, labels = next(iter(examples.shuffle(400, seed=42).batch(4)))
print({name: value.numpy() for name, value in features.items()})
print("labels:", labels.numpy())

# Bad input: a row with a field missing, then what ignore_errors() hides.
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "short_row.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("species,bill_length_mm,body_mass_g\nAdelie,39.1,3750\nChinstrap,46.5\n")
    short = tf.data.experimental.CsvDataset(
        path, [tf.string, tf.float32, tf.float32], header=True)
    try:
        for record in short:
            print("read:", *(field.numpy() for field in record))
    except tf.errors.InvalidArgumentError as err:
        print(f"{os.path.basename(path)}: InvalidArgumentError:", message(err))
    print("with ignore_errors():", count(short.ignore_errors()), "of 2 rows")
print("penguins, every column required, ignore_errors():",
      count(strict.ignore_errors()), "of", count(rows), "rows")
