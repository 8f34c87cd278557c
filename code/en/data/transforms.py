# Transformations of a tf.data.Dataset: map, filter, shuffle, batch, repeat, window; their order.
import re
import sys

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)


def show(dataset):  # every element of a small dataset, as plain Python numbers and lists
    return [tf.nest.map_structure(lambda t: t.tolist(), element)
            for element in dataset.as_numpy_iterator()]


numbers = tf.data.Dataset.range(6)
print(show(numbers), numbers.element_spec)


# map: the function is traced once into a graph; tf.print runs for every element.
def square(x):
    print("Python print while tracing:", x)
    tf.print("tf.print for element", x, output_stream=sys.stdout)
    return x * x


squares = numbers.take(3).map(square)
print("map has returned; now the first pass:")
print(show(squares))
print("second pass:")
print(show(squares))
try:
    numbers.map(lambda x: x.numpy())  # there is no value while tracing
except AttributeError as err:
    print(str(err).strip().splitlines()[-1].strip())  # the last line, without the file

# filter keeps the elements whose predicate is True.
print(show(tf.data.Dataset.range(20).filter(lambda x: x % 3 == 0)))
(_, _), (_, test_labels) = tf.keras.datasets.fashion_mnist.load_data()
labels = tf.data.Dataset.from_tensor_slices(test_labels.astype(np.int32))
footwear = labels.filter(lambda y: (y == 5) | (y == 7) | (y == 9))  # sandal, sneaker, ankle boot
print("footwear among", len(test_labels), "test labels:",
      footwear.reduce(0, lambda count, _: count + 1).numpy())

# A buffer of 5: each output is drawn from the 5 elements in the buffer.
order = show(tf.data.Dataset.range(24).shuffle(buffer_size=5, seed=1))
print("output:     ", order)
print("moved ahead:", [value - position for position, value in enumerate(order)])
order = show(tf.data.Dataset.range(1000).shuffle(buffer_size=5, seed=1))
moved = [value - position for position, value in enumerate(order)]
print("1000 elements, buffer 5: at most", max(moved), "places ahead,",
      -min(moved), "places back")
# A buffer as large as the dataset: a uniform shuffle.
print(show(tf.data.Dataset.range(10).shuffle(buffer_size=10, seed=1)))

# Fashion-MNIST's test labels sorted by class, as if read one class after another.
sorted_labels = tf.data.Dataset.from_tensor_slices(np.sort(test_labels).astype(np.int32))
for buffer_size in [100, 1000, 10000]:
    batches = list(sorted_labels.shuffle(buffer_size, seed=1).batch(20).as_numpy_iterator())
    classes = [len(np.unique(batch)) for batch in batches]
    print(f"buffer {buffer_size:5d}: first batch {batches[0].tolist()}")
    print(f"              classes per batch of 20: {np.mean(classes):.1f} on average")

# Each pass over a shuffled dataset is a new order (reshuffle_each_iteration=True).
shuffled = tf.data.Dataset.range(8).shuffle(8, seed=7)
print("epoch 1:", show(shuffled), "epoch 2:", show(shuffled))
frozen = tf.data.Dataset.range(8).shuffle(8, seed=7, reshuffle_each_iteration=False)
print("epoch 1:", show(frozen), "epoch 2:", show(frozen))
# The same seed gives the same orders again; no seed gives new orders each time.
print("seed=7 again:", show(tf.data.Dataset.range(8).shuffle(8, seed=7)))
print("no seed:", show(tf.data.Dataset.range(8).shuffle(8)),
      show(tf.data.Dataset.range(8).shuffle(8)))

# batch: the last batch is short unless drop_remainder=True, which fixes the static shape.
batched = tf.data.Dataset.range(10).batch(4)
print(show(batched), batched.element_spec)
exact = tf.data.Dataset.range(10).batch(4, drop_remainder=True)
print(show(exact), exact.element_spec)

# Sequences of different lengths: words split into characters.
words = tf.data.Dataset.from_tensor_slices(["张量", "计算图", "梯度", "输入流水线", "批次"])
characters = words.map(lambda word: tf.strings.unicode_split(word, "UTF-8"))
print(characters.element_spec)


def text(rows):
    return [[character.decode() for character in row] for row in rows]


try:
    show(characters.batch(2))
except tf.errors.InvalidArgumentError as err:
    # The message starts with a device name and ends with the two shapes, in either order.
    print("InvalidArgumentError:", re.search(r"Cannot add tensor[^.]*", err.message)[0])
for batch in characters.padded_batch(2, padding_values="_"):
    print("padded:", batch.shape, text(batch.numpy().tolist()))
fixed = characters.padded_batch(2, padded_shapes=[6], padding_values="_")
print(fixed.element_spec, text(next(iter(fixed)).numpy().tolist()))
for batch in characters.ragged_batch(2):
    print("ragged:", batch.shape, text(batch.to_list()))
print(characters.ragged_batch(2).element_spec)

# repeat: the epochs follow each other; repeat() without a count never ends.
print(show(tf.data.Dataset.range(3).repeat(2)))
print("repeat(), take(7):", show(tf.data.Dataset.range(3).repeat().take(7)))

# take and skip split a dataset. Shuffled (and reshuffled) before the split: a new split each epoch.
data = tf.data.Dataset.range(10)
mixed = data.shuffle(10, seed=3)
validation, training = mixed.take(3), mixed.skip(3)
for epoch in [1, 2]:
    held_out, trained_on = show(validation), show(training)
    print(f"epoch {epoch}: validation {held_out}, also in training:",
          sorted(set(held_out) & set(trained_on)))
# Split first, then shuffle the training part only.
validation, training = data.take(3), data.skip(3).shuffle(7, seed=3)
for epoch in [1, 2]:
    held_out, trained_on = show(validation), show(training)
    print(f"epoch {epoch}: validation {held_out}, training {trained_on},",
          "in both:", sorted(set(held_out) & set(trained_on)))

# window: windows of 5 characters of a line of verse, starting every 2 characters.
verse = tf.strings.unicode_decode("床前明月光，疑是地上霜。", "UTF-8")  # int32 code points
codes = tf.data.Dataset.from_tensor_slices(verse)
windows = codes.window(5, shift=2, drop_remainder=True)
print(len(verse), "characters,", windows.cardinality().numpy(), "windows")
print(windows.element_spec)


def chars(points):  # code points back to characters, for printing
    return tf.strings.unicode_encode(points, "UTF-8").numpy().decode()


print([chars(list(window.as_numpy_iterator())) for window in windows])
print([chars(list(window.as_numpy_iterator())) for window in codes.window(5, shift=2)])
# Each window becomes one tensor of 5; input and target are the window moved by one character.
stacked = windows.flat_map(lambda window: window.batch(5, drop_remainder=True))
pairs = stacked.map(lambda w: (w[:-1], w[1:]))
print(pairs.element_spec)
for inputs, targets in pairs:
    print(chars(inputs), "->", chars(targets))

# enumerate, zip and concatenate.
print(show(tf.data.Dataset.from_tensor_slices([7, 8, 9]).enumerate(start=1)))
print(show(tf.data.Dataset.zip(numbers, tf.data.Dataset.range(100, 104))))
print(show(tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 12))))
try:
    tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensor_slices([0.5]))
except TypeError as err:
    print("TypeError:", " ".join(str(err).split()))

# Order matters. Shuffle, then batch; or batch, then shuffle whole batches.
twelve = tf.data.Dataset.range(12)
print("shuffle, batch:", show(twelve.shuffle(12, seed=5).batch(4)))
print("batch, shuffle:", show(twelve.batch(4).shuffle(3, seed=5)))
# Repeat, then shuffle: the epochs blur. Shuffle, then repeat: each epoch is complete.
five = tf.data.Dataset.range(5)
for name, dataset in [("repeat, shuffle:", five.repeat(3).shuffle(5, seed=2)),
                      ("shuffle, repeat:", five.shuffle(5, seed=2).repeat(3))]:
    order = show(dataset)
    print(name, order, "| sorted by fives:", [sorted(order[i:i + 5]) for i in range(0, 15, 5)])
# Batch, then repeat: a short batch in every epoch. Repeat, then batch: only at the end.
print("batch, repeat:", show(five.batch(2).repeat(2)))
print("repeat, batch:", show(five.repeat(2).batch(2)))
