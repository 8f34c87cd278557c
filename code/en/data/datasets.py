# Datasets: what a tf.data.Dataset is, where its elements come from, and how to read them.
import os
import re
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state
tf.keras.utils.set_random_seed(42)

# A dataset describes a stream of elements; Dataset.range is the simplest source.
numbers = tf.data.Dataset.range(1, 6)
print(numbers)
for number in numbers:
    print(number)

# from_tensor_slices cuts along the first axis; from_tensors makes one element of it all.
grid = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.int32)
rows = tf.data.Dataset.from_tensor_slices(grid)
whole = tf.data.Dataset.from_tensors(grid)
print("from_tensor_slices:", rows.cardinality().numpy(), "elements of", rows.element_spec)
print("from_tensors:      ", whole.cardinality().numpy(), "element of ", whole.element_spec)

# A tuple or a dict is sliced component by component: each element has the same structure.
digits = np.array([1, 2, 3], dtype=np.int32)
names = ["一", "二", "三"]
pairs = tf.data.Dataset.from_tensor_slices((digits, names))
print(pairs.element_spec)
for digit, name in pairs:
    print(digit.numpy(), name.numpy().decode("utf-8"))
# The dataset holds a copy of the arrays, taken when it was built.
digits[0] = 7
for digit, name in pairs.take(1):
    print("NumPy:", digits[0], "| dataset:", digit.numpy())
# The components must agree on the number of elements, checked when the dataset is built.
try:
    tf.data.Dataset.from_tensor_slices((digits, names[:2]))
except ValueError as err:
    print("ValueError:", str(err).splitlines()[0])

# Fashion-MNIST's NumPy arrays: their shapes and dtypes become the element_spec.
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
(train_images, train_labels), _ = tf.keras.datasets.fashion_mnist.load_data()
print(train_images.shape, train_images.dtype, train_labels.shape, train_labels.dtype)
train = tf.data.Dataset.from_tensor_slices((train_images, train_labels))
print(train.element_spec)
print("cardinality:", train.cardinality().numpy())
for image, label in train.take(3):
    print(image.shape, image.dtype, label.numpy(), CLASS_NAMES[label.numpy()])
# A dict names the components, and structures nest: a label with its number and its name.
labels = train_labels[:100]
named = tf.data.Dataset.from_tensor_slices(
    {"image": train_images[:100], "label": (labels, np.array(CLASS_NAMES)[labels])})
print(named.element_spec)
for record in named.take(1):
    print(record["image"].shape, record["label"])

# NumPy's default float is float64, and the dataset keeps it: convert explicitly.
print(tf.data.Dataset.from_tensor_slices(train_images[:100] / 255).element_spec)
scaled = tf.data.Dataset.from_tensor_slices(
    {"image": (train_images[:100] / 255).astype(np.float32), "label": train_labels[:100]})
print(scaled.element_spec)
print(f"{train_images.nbytes:,} bytes of images")


# A Python generator: elements of any length, described by output_signature.
def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def divisor_lists():
    for n in range(1, 13):
        yield n, divisors(n)


listed = tf.data.Dataset.from_generator(
    divisor_lists,
    output_signature=(tf.TensorSpec(shape=(), dtype=tf.int32),
                      tf.TensorSpec(shape=(None,), dtype=tf.int32)))
print(listed.element_spec)
print("cardinality:", listed.cardinality().numpy())
for n, found in listed.skip(9):
    print(n.numpy(), found.numpy())

# The generator is Python that TensorFlow calls back: an iterator over it cannot be saved.
workdir = tempfile.TemporaryDirectory()  # removed at the end of the page (or at exit)
for source, dataset in [("from_tensor_slices", pairs), ("from_generator", listed)]:
    iterator = iter(dataset)
    next(iterator)
    try:
        tf.train.Checkpoint(iterator=iterator).write(os.path.join(workdir.name, "position"))
        print(source, "iterator: saved")
    except tf.errors.FailedPreconditionError as err:
        print(source, "iterator: FailedPreconditionError:",
              err.message.split("}}")[-1].split("[Op")[0].strip())

# Text files: the script writes three small ones, one line per number.
NUMERALS = "一二三四五六七八"
paths = []
for part, (first, last) in enumerate([(1, 3), (4, 6), (7, 8)]):
    paths.append(os.path.join(workdir.name, f"numbers-{part}.txt"))
    with open(paths[-1], "w", encoding="utf-8") as file:
        for n in range(first, last + 1):
            file.write(f"{n} {NUMERALS[n - 1]}\n")
    print(os.path.basename(paths[-1]), os.path.getsize(paths[-1]), "bytes")

# TextLineDataset: one element per line, without its newline; a list of files is read in order.
lines = tf.data.TextLineDataset(paths[0])
print(lines.element_spec)
for line in lines.take(1):
    print(line)
all_lines = tf.data.TextLineDataset(paths)
print([line.decode("utf-8") for line in all_lines.as_numpy_iterator()])


# list_files matches a pattern; by default it shuffles the names, anew at every pass.
def basenames(dataset):
    return [os.path.basename(path.decode()) for path in dataset.as_numpy_iterator()]


pattern = os.path.join(workdir.name, "numbers-*.txt")
print(basenames(tf.data.Dataset.list_files(pattern, shuffle=False)))
shuffled = tf.data.Dataset.list_files(pattern, seed=7)
print(basenames(shuffled), basenames(shuffled))
print([line.decode("utf-8") for line in tf.data.TextLineDataset(shuffled).as_numpy_iterator()])

# A missing file: building the dataset succeeds; reading it fails, naming the file.
missing = tf.data.TextLineDataset(os.path.join(workdir.name, "numbers-9.txt"))
print("built:", missing.element_spec)
try:
    for line in missing:
        print(line)
except tf.errors.NotFoundError as err:
    print("NotFoundError:", re.search(r"numbers-9\.txt; [^\[]*", err.message)[0].strip())
workdir.cleanup()

# Iterating by hand: iter() makes an iterator, next() takes one element at a time.
iterator = iter(numbers)
print(next(iterator).numpy(), next(iterator).numpy())
print("the rest:", *[number.numpy() for number in iterator])
try:
    next(iterator)
except StopIteration:
    print("StopIteration")
print(list(numbers.take(2).as_numpy_iterator()), next(named.as_numpy_iterator())["label"])
print(numbers.reduce(np.int64(0), lambda total, number: total + number).numpy())

# Cardinality: a number when it is known, or one of two negative constants.
evens = numbers.filter(lambda number: number % 2 == 0)
print("range:", numbers.cardinality().numpy(),
      "| repeat():", numbers.repeat().cardinality().numpy(),
      "| filter:", evens.cardinality().numpy(), "| text lines:", lines.cardinality().numpy())
print("INFINITE:", tf.data.INFINITE_CARDINALITY, "| UNKNOWN:", tf.data.UNKNOWN_CARDINALITY)
print(len(numbers), list(evens.as_numpy_iterator()))
try:
    len(evens)
except TypeError as err:
    print("TypeError:", err)

# Nothing runs until someone iterates, and every pass runs the generator again.
calls = 0


def counted():
    global calls
    for number in range(3):
        calls += 1
        yield number


lazy = tf.data.Dataset.from_generator(counted, output_signature=tf.TensorSpec((), tf.int64))
print("after building:", calls)
for _ in range(2):
    list(lazy)
    print("after a pass:", calls)

# map traces its function once, when the dataset is built; its graph runs for every element.
traced = 0
seen = tf.Variable(0, dtype=tf.int64)


def double(number):
    global traced
    traced += 1  # Python: runs while map traces the function
    seen.assign_add(1)  # a TensorFlow operation: runs for every element
    return 2 * number


doubled = numbers.map(double)
print("after map:     traced", traced, "| seen", seen.numpy())
for _ in range(2):
    list(doubled)
    print("after a pass:  traced", traced, "| seen", seen.numpy())
