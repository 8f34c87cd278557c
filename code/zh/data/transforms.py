# tf.data.Dataset 的变换：map、filter、shuffle、batch、repeat、window，以及它们的先后顺序。
import re
import sys

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)


def show(dataset):  # 把小数据集的全部元素取出来，转成普通的 Python 数和列表
    return [tf.nest.map_structure(lambda t: t.tolist(), element)
            for element in dataset.as_numpy_iterator()]


numbers = tf.data.Dataset.range(6)
print(show(numbers), numbers.element_spec)


# map：函数只被追踪一次，生成计算图；tf.print 则对每个元素都执行。
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
    numbers.map(lambda x: x.numpy())  # 追踪时张量还没有值
except AttributeError as err:
    print(str(err).strip().splitlines()[-1].strip())  # 只取最后一行，不带文件路径

# filter 保留谓词为 True 的元素。
print(show(tf.data.Dataset.range(20).filter(lambda x: x % 3 == 0)))
(_, _), (_, test_labels) = tf.keras.datasets.fashion_mnist.load_data()
labels = tf.data.Dataset.from_tensor_slices(test_labels.astype(np.int32))
footwear = labels.filter(lambda y: (y == 5) | (y == 7) | (y == 9))  # 凉鞋、运动鞋、短靴
print("footwear among", len(test_labels), "test labels:",
      footwear.reduce(0, lambda count, _: count + 1).numpy())

# 缓冲区为 5：每次输出都从缓冲区里的 5 个元素中随机抽取。
order = show(tf.data.Dataset.range(24).shuffle(buffer_size=5, seed=1))
print("output:     ", order)
print("moved ahead:", [value - position for position, value in enumerate(order)])
order = show(tf.data.Dataset.range(1000).shuffle(buffer_size=5, seed=1))
moved = [value - position for position, value in enumerate(order)]
print("1000 elements, buffer 5: at most", max(moved), "places ahead,",
      -min(moved), "places back")
# 缓冲区和数据集一样大：均匀的随机打乱。
print(show(tf.data.Dataset.range(10).shuffle(buffer_size=10, seed=1)))

# 按类别排好序的 Fashion-MNIST 测试集标签，相当于一类读完再读下一类。
sorted_labels = tf.data.Dataset.from_tensor_slices(np.sort(test_labels).astype(np.int32))
for buffer_size in [100, 1000, 10000]:
    batches = list(sorted_labels.shuffle(buffer_size, seed=1).batch(20).as_numpy_iterator())
    classes = [len(np.unique(batch)) for batch in batches]
    print(f"buffer {buffer_size:5d}: first batch {batches[0].tolist()}")
    print(f"              classes per batch of 20: {np.mean(classes):.1f} on average")

# 每遍历一次打乱后的数据集，顺序都重新打乱（reshuffle_each_iteration=True）。
shuffled = tf.data.Dataset.range(8).shuffle(8, seed=7)
print("epoch 1:", show(shuffled), "epoch 2:", show(shuffled))
frozen = tf.data.Dataset.range(8).shuffle(8, seed=7, reshuffle_each_iteration=False)
print("epoch 1:", show(frozen), "epoch 2:", show(frozen))
# 同一个种子再次给出同样的顺序；不给种子，每次建的数据集顺序都不同。
print("seed=7 again:", show(tf.data.Dataset.range(8).shuffle(8, seed=7)))
print("no seed:", show(tf.data.Dataset.range(8).shuffle(8)),
      show(tf.data.Dataset.range(8).shuffle(8)))

# batch：最后一批不满，除非 drop_remainder=True，这时静态形状也确定下来。
batched = tf.data.Dataset.range(10).batch(4)
print(show(batched), batched.element_spec)
exact = tf.data.Dataset.range(10).batch(4, drop_remainder=True)
print(show(exact), exact.element_spec)

# 长度不同的序列：把词切分成单个汉字。
words = tf.data.Dataset.from_tensor_slices(["张量", "计算图", "梯度", "输入流水线", "批次"])
characters = words.map(lambda word: tf.strings.unicode_split(word, "UTF-8"))
print(characters.element_spec)


def text(rows):
    return [[character.decode() for character in row] for row in rows]


try:
    show(characters.batch(2))
except tf.errors.InvalidArgumentError as err:
    # 报错信息开头是设备名，结尾的两个形状先后顺序不固定。
    print("InvalidArgumentError:", re.search(r"Cannot add tensor[^.]*", err.message)[0])
for batch in characters.padded_batch(2, padding_values="_"):
    print("padded:", batch.shape, text(batch.numpy().tolist()))
fixed = characters.padded_batch(2, padded_shapes=[6], padding_values="_")
print(fixed.element_spec, text(next(iter(fixed)).numpy().tolist()))
for batch in characters.ragged_batch(2):
    print("ragged:", batch.shape, text(batch.to_list()))
print(characters.ragged_batch(2).element_spec)

# repeat：一轮接一轮；不给次数的 repeat() 永不结束。
print(show(tf.data.Dataset.range(3).repeat(2)))
print("repeat(), take(7):", show(tf.data.Dataset.range(3).repeat().take(7)))

# take 和 skip 划分数据集。先打乱（且每轮重新打乱）再划分：每轮划分都不一样。
data = tf.data.Dataset.range(10)
mixed = data.shuffle(10, seed=3)
validation, training = mixed.take(3), mixed.skip(3)
for epoch in [1, 2]:
    held_out, trained_on = show(validation), show(training)
    print(f"epoch {epoch}: validation {held_out}, also in training:",
          sorted(set(held_out) & set(trained_on)))
# 先划分，再只打乱训练部分。
validation, training = data.take(3), data.skip(3).shuffle(7, seed=3)
for epoch in [1, 2]:
    held_out, trained_on = show(validation), show(training)
    print(f"epoch {epoch}: validation {held_out}, training {trained_on},",
          "in both:", sorted(set(held_out) & set(trained_on)))

# window：在一句诗上取 5 个字的窗口，每隔 2 个字开始一个。
verse = tf.strings.unicode_decode("床前明月光，疑是地上霜。", "UTF-8")  # int32 码位
codes = tf.data.Dataset.from_tensor_slices(verse)
windows = codes.window(5, shift=2, drop_remainder=True)
print(len(verse), "characters,", windows.cardinality().numpy(), "windows")
print(windows.element_spec)


def chars(points):  # 把码位还原成汉字，方便打印
    return tf.strings.unicode_encode(points, "UTF-8").numpy().decode()


print([chars(list(window.as_numpy_iterator())) for window in windows])
print([chars(list(window.as_numpy_iterator())) for window in codes.window(5, shift=2)])
# 每个窗口变成一个含 5 个码位的张量；输入和目标是同一窗口错开一个字。
stacked = windows.flat_map(lambda window: window.batch(5, drop_remainder=True))
pairs = stacked.map(lambda w: (w[:-1], w[1:]))
print(pairs.element_spec)
for inputs, targets in pairs:
    print(chars(inputs), "->", chars(targets))

# enumerate、zip 和 concatenate。
print(show(tf.data.Dataset.from_tensor_slices([7, 8, 9]).enumerate(start=1)))
print(show(tf.data.Dataset.zip(numbers, tf.data.Dataset.range(100, 104))))
print(show(tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(10, 12))))
try:
    tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensor_slices([0.5]))
except TypeError as err:
    print("TypeError:", " ".join(str(err).split()))

# 顺序很重要。先打乱再分批；或者先分批，再打乱整个批次。
twelve = tf.data.Dataset.range(12)
print("shuffle, batch:", show(twelve.shuffle(12, seed=5).batch(4)))
print("batch, shuffle:", show(twelve.batch(4).shuffle(3, seed=5)))
# 先 repeat 再 shuffle：轮与轮的边界模糊了。先 shuffle 再 repeat：每一轮都完整。
five = tf.data.Dataset.range(5)
for name, dataset in [("repeat, shuffle:", five.repeat(3).shuffle(5, seed=2)),
                      ("shuffle, repeat:", five.shuffle(5, seed=2).repeat(3))]:
    order = show(dataset)
    print(name, order, "| sorted by fives:", [sorted(order[i:i + 5]) for i in range(0, 15, 5)])
# 先 batch 再 repeat：每轮末尾都有一个不满的批次。先 repeat 再 batch：只在最后有。
print("batch, repeat:", show(five.batch(2).repeat(2)))
print("repeat, batch:", show(five.repeat(2).batch(2)))
