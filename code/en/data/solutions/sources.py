# Solutions to the exercises of "Three real sources".
import collections
import os
import sys

import numpy as np
import tensorflow as tf

if "fortunes_file" not in globals():  # run alone: corpora.py is one folder up
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from corpora import fortunes_file, penguins_file

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)

# Exercise 1: what the silent zeros of make_csv_dataset do to a mean.
masses = tf.data.experimental.make_csv_dataset(
    penguins_file(), batch_size=100, select_columns=["body_mass_g"], na_value="NA",
    num_epochs=1, shuffle=False)
total, rows, zeros = masses.reduce(
    (np.int64(0), np.int64(0), np.int64(0)),
    lambda acc, batch: (acc[0] + tf.reduce_sum(tf.cast(batch["body_mass_g"], tf.int64)),
                        acc[1] + tf.size(batch["body_mass_g"], out_type=tf.int64),
                        acc[2] + tf.math.count_nonzero(batch["body_mass_g"] == 0)))
print(f"{int(rows)} rows, {int(zeros)} zeros")
print(f"mean with the zeros: {int(total) / int(rows):.1f} g | "
      f"without them: {int(total) / int(rows - zeros):.1f} g")

# Exercise 2: fill each missing number with its column's mean, found in a first pass.
COLUMNS = ["species", "island", "bill_length_mm", "bill_depth_mm",
           "flipper_length_mm", "body_mass_g", "sex", "year"]
NUMERIC = COLUMNS[2:6]
NAN = tf.constant(float("nan"), tf.float32)
rows = tf.data.experimental.CsvDataset(
    penguins_file(), [tf.string, tf.string, NAN, NAN, NAN, NAN, tf.constant(""), tf.int32],
    header=True, na_value="NA"
).map(lambda *fields: dict(zip(COLUMNS, fields)))


def sums(acc, row):
    values = tf.stack([row[name] for name in NUMERIC])
    present = tf.logical_not(tf.math.is_nan(values))
    return (acc[0] + tf.where(present, values, 0.0), acc[1] + tf.cast(present, tf.float32))


total, present = rows.reduce((tf.zeros(4), tf.zeros(4)), sums)
means = total / present
print("means:", ", ".join(f"{name} {mean:.2f}" for name, mean in zip(NUMERIC, means.numpy())))


def fill(row):
    row = dict(row)
    for i, name in enumerate(NUMERIC):
        row[name] = tf.where(tf.math.is_nan(row[name]), means[i], row[name])
    row["sex"] = tf.where(row["sex"] == "", "unknown", row["sex"])
    return row


filled = rows.map(fill)
print("rows:", int(filled.reduce(0, lambda n, _: n + 1)))
print("NaN left:", int(filled.reduce(0, lambda n, row: n + tf.reduce_sum(tf.cast(
    tf.math.is_nan(tf.stack([row[name] for name in NUMERIC])), tf.int32)))))
row = next(iter(filled.skip(3)))
print(f"row 4: body_mass_g {float(row['body_mass_g']):.2f}, sex {row['sex'].numpy()}")

# Exercise 3: the commonest characters of the Tang poems, titles and authors left out.
ANSI = r"\x1b\[[0-9;]*m"
verses = (tf.data.TextLineDataset(fortunes_file("tang300"))
          .map(lambda line: tf.strings.strip(tf.strings.regex_replace(line, ANSI, "")))
          .filter(lambda line: tf.logical_not(tf.strings.regex_full_match(
              line, "|%|《.*|作者.*"))))
characters = (verses.map(lambda line: tf.strings.unicode_split(line, "UTF-8"))
              .unbatch()
              .filter(lambda char: tf.strings.regex_full_match(char, r"\p{Han}")))
counter = collections.Counter(char.decode("utf-8") for char in characters.as_numpy_iterator())
print(f"{sum(counter.values()):,} characters, {len(counter):,} different")
print(counter.most_common(10))
