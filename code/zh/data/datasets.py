# 数据集：tf.data.Dataset 是什么，元素从哪里来，怎样读取。
import os
import re
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # 从干净的 Keras 状态开始
tf.keras.utils.set_random_seed(42)

# 数据集描述的是一串元素；Dataset.range 是最简单的数据源。
numbers = tf.data.Dataset.range(1, 6)
print(numbers)
for number in numbers:
    print(number)

# from_tensor_slices 沿第一个轴切开；from_tensors 把整个张量当作一个元素。
grid = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.int32)
rows = tf.data.Dataset.from_tensor_slices(grid)
whole = tf.data.Dataset.from_tensors(grid)
print("from_tensor_slices:", rows.cardinality().numpy(), "elements of", rows.element_spec)
print("from_tensors:      ", whole.cardinality().numpy(), "element of ", whole.element_spec)

# 元组和字典按分量逐个切分，每个元素都保持同样的结构。
digits = np.array([1, 2, 3], dtype=np.int32)
names = ["一", "二", "三"]
pairs = tf.data.Dataset.from_tensor_slices((digits, names))
print(pairs.element_spec)
for digit, name in pairs:
    print(digit.numpy(), name.numpy().decode("utf-8"))
# 数据集保存的是创建时复制的一份数组。
digits[0] = 7
for digit, name in pairs.take(1):
    print("NumPy:", digits[0], "| dataset:", digit.numpy())
# 各分量的元素个数必须一致，创建数据集时就会检查。
try:
    tf.data.Dataset.from_tensor_slices((digits, names[:2]))
except ValueError as err:
    print("ValueError:", str(err).splitlines()[0])

# Fashion-MNIST 的 NumPy 数组：它们的形状和数据类型成为 element_spec。
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
(train_images, train_labels), _ = tf.keras.datasets.fashion_mnist.load_data()
print(train_images.shape, train_images.dtype, train_labels.shape, train_labels.dtype)
train = tf.data.Dataset.from_tensor_slices((train_images, train_labels))
print(train.element_spec)
print("cardinality:", train.cardinality().numpy())
for image, label in train.take(3):
    print(image.shape, image.dtype, label.numpy(), CLASS_NAMES[label.numpy()])
# 字典给各分量起名字，结构还可以嵌套：标签同时带上编号和类名。
labels = train_labels[:100]
named = tf.data.Dataset.from_tensor_slices(
    {"image": train_images[:100], "label": (labels, np.array(CLASS_NAMES)[labels])})
print(named.element_spec)
for record in named.take(1):
    print(record["image"].shape, record["label"])

# NumPy 默认的浮点类型是 float64，数据集原样保留，要自己显式转换。
print(tf.data.Dataset.from_tensor_slices(train_images[:100] / 255).element_spec)
scaled = tf.data.Dataset.from_tensor_slices(
    {"image": (train_images[:100] / 255).astype(np.float32), "label": train_labels[:100]})
print(scaled.element_spec)
print(f"{train_images.nbytes:,} bytes of images")


# Python 生成器：元素长度不限，用 output_signature 描述。
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

# 生成器是 TensorFlow 回调的 Python 代码，它的迭代器无法保存。
workdir = tempfile.TemporaryDirectory()  # 本页末尾删除（或在程序退出时）
for source, dataset in [("from_tensor_slices", pairs), ("from_generator", listed)]:
    iterator = iter(dataset)
    next(iterator)
    try:
        tf.train.Checkpoint(iterator=iterator).write(os.path.join(workdir.name, "position"))
        print(source, "iterator: saved")
    except tf.errors.FailedPreconditionError as err:
        print(source, "iterator: FailedPreconditionError:",
              err.message.split("}}")[-1].split("[Op")[0].strip())

# 文本文件：脚本自己写三个小文件，每行一个数。
NUMERALS = "一二三四五六七八"
paths = []
for part, (first, last) in enumerate([(1, 3), (4, 6), (7, 8)]):
    paths.append(os.path.join(workdir.name, f"numbers-{part}.txt"))
    with open(paths[-1], "w", encoding="utf-8") as file:
        for n in range(first, last + 1):
            file.write(f"{n} {NUMERALS[n - 1]}\n")
    print(os.path.basename(paths[-1]), os.path.getsize(paths[-1]), "bytes")

# TextLineDataset：每行一个元素，去掉换行符；文件列表按顺序读取。
lines = tf.data.TextLineDataset(paths[0])
print(lines.element_spec)
for line in lines.take(1):
    print(line)
all_lines = tf.data.TextLineDataset(paths)
print([line.decode("utf-8") for line in all_lines.as_numpy_iterator()])


# list_files 按模式匹配文件名，默认打乱顺序，而且每遍都重新打乱。
def basenames(dataset):
    return [os.path.basename(path.decode()) for path in dataset.as_numpy_iterator()]


pattern = os.path.join(workdir.name, "numbers-*.txt")
print(basenames(tf.data.Dataset.list_files(pattern, shuffle=False)))
shuffled = tf.data.Dataset.list_files(pattern, seed=7)
print(basenames(shuffled), basenames(shuffled))
print([line.decode("utf-8") for line in tf.data.TextLineDataset(shuffled).as_numpy_iterator()])

# 文件不存在：创建数据集不出错，读取时才报错，错误信息里有文件名。
missing = tf.data.TextLineDataset(os.path.join(workdir.name, "numbers-9.txt"))
print("built:", missing.element_spec)
try:
    for line in missing:
        print(line)
except tf.errors.NotFoundError as err:
    print("NotFoundError:", re.search(r"numbers-9\.txt; [^\[]*", err.message)[0].strip())
workdir.cleanup()

# 手动迭代：iter() 创建迭代器，next() 每次取一个元素。
iterator = iter(numbers)
print(next(iterator).numpy(), next(iterator).numpy())
print("the rest:", *[number.numpy() for number in iterator])
try:
    next(iterator)
except StopIteration:
    print("StopIteration")
print(list(numbers.take(2).as_numpy_iterator()), next(named.as_numpy_iterator())["label"])
print(numbers.reduce(np.int64(0), lambda total, number: total + number).numpy())

# 基数：已知时是元素个数，否则是两个负数常量之一。
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

# 不迭代就什么也不执行；每遍迭代都会重新运行生成器。
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

# map 在创建数据集时把函数追踪一次，得到的计算图对每个元素都运行一次。
traced = 0
seen = tf.Variable(0, dtype=tf.int64)


def double(number):
    global traced
    traced += 1  # Python 代码：只在 map 追踪函数时运行
    seen.assign_add(1)  # TensorFlow 运算：每个元素都运行
    return 2 * number


doubled = numbers.map(double)
print("after map:     traced", traced, "| seen", seen.numpy())
for _ in range(2):
    list(doubled)
    print("after a pass:  traced", traced, "| seen", seen.numpy())
