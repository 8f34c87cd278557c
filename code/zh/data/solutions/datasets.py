# “数据集”一节练习的参考答案。
import os
import re
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)

# 练习 1：各个数据集的基数，以及 len() 在有定义时的结果。
ten = tf.data.Dataset.range(10)
candidates = {
    "take(3)": ten.take(3),
    "skip(20)": ten.skip(20),
    "repeat(3)": ten.repeat(3),
    "repeat().take(4)": ten.repeat().take(4),
    "take(4).repeat()": ten.take(4).repeat(),
    "filter(n < 3).take(2)": ten.filter(lambda n: n < 3).take(2),
    "range(0).repeat()": tf.data.Dataset.range(0).repeat(),
}
for name, dataset in candidates.items():
    try:
        size = len(dataset)
    except TypeError as err:
        size = f"TypeError: {err}"
    print(f"{name:22} cardinality {dataset.cardinality().numpy():3} | len: {size}")

# 练习 2：文件列表中间缺了一个文件；模式一个文件也匹配不到。
with tempfile.TemporaryDirectory() as folder:
    paths = [os.path.join(folder, name) for name in ["a.txt", "gone.txt", "b.txt"]]
    for path, text in [(paths[0], "甲\n乙\n"), (paths[2], "丙\n")]:
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
    mixed = tf.data.TextLineDataset(paths)
    try:
        for line in mixed:
            print("read:", line.numpy().decode("utf-8"))
    except tf.errors.NotFoundError as err:
        print("NotFoundError:", re.search(r"gone\.txt; [^\[]*", err.message)[0].strip())
    try:
        tf.data.Dataset.list_files(os.path.join(folder, "*.csv"))
        print("list_files: built")
    except tf.errors.InvalidArgumentError as err:
        found = re.search(r"No files matched pattern: [^']*", err.message)[0]
        print("InvalidArgumentError when built:", found.replace(folder + os.sep, ""))

# 练习 3：用 reduce 统计前 1000 张训练图像中各类别的数量。
(train_images, train_labels), _ = tf.keras.datasets.fashion_mnist.load_data()
train = tf.data.Dataset.from_tensor_slices((train_images, train_labels))


def add_label(counts, element):
    image, label = element
    return counts + tf.one_hot(label, 10, dtype=tf.int64)


counts = train.take(1000).reduce(tf.zeros([10], dtype=tf.int64), add_label)
print(counts.numpy(), counts.numpy().sum())
print(np.array_equal(counts.numpy(), np.bincount(train_labels[:1000], minlength=10)))
