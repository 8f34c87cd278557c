# TensorFlow Datasets（TFDS）：构建器、DatasetInfo、拆分切片，把本地数据存成 TFDS 数据集。
import contextlib
import io
import json
import logging
import os
import re
import tempfile

import numpy as np
import tensorflow as tf
import tensorflow_datasets as tfds

if "fortunes_file" not in globals():  # 单独运行时导入；笔记本里 corpora.py 那一格已定义
    from corpora import fortunes_file

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tfds.disable_progress_bar()  # 输出里不要进度条
logging.getLogger("absl").setLevel(logging.ERROR)  # TFDS 通过 absl 记录警告
workdir = tempfile.TemporaryDirectory()  # 本页所有 data_dir 都在这里，结尾删除
data_dir = workdir.name
print("TFDS", tfds.__version__)

# 目录：每个数据集对应一个构建器类。它的描述是代码，此时还没有数据。
catalogue = tfds.builder("fashion_mnist", data_dir=data_dir)
print(catalogue.info.full_name, "| supervised keys:", catalogue.info.supervised_keys)
print(catalogue.info.features)
print("splits known:", dict(catalogue.info.splits))
for url, url_info in sorted(catalogue.url_infos.items()):
    print(f"{url_info.filename:27} {int(url_info.size):>10,} bytes | sha256",
          url_info.checksum[:16] + "...")
print(f"to download: {sum(int(i.size) for i in catalogue.url_infos.values()):,} bytes from",
      os.path.dirname(url))

# 离线且 data_dir 里没有准备好的数据：download=False 在访问网络之前就报错。
try:
    tfds.load("fashion_mnist", data_dir=data_dir, download=False)
except AssertionError as err:
    print("AssertionError:", str(err).replace(data_dir, "<data_dir>"))


# 自己写一个构建器：特征与目录里的相同，数据来自本地的 Keras 数组。
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class FashionMnistSample(tfds.core.GeneratorBasedBuilder):
    """Fashion-MNIST 的前 6,000 张训练图像和前 1,000 张测试图像。"""

    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "First 6,000 training and 1,000 test images."}

    def _info(self):
        return tfds.core.DatasetInfo(
            builder=self,
            description="A sample of Fashion-MNIST, from the arrays Keras loads.",
            features=tfds.features.FeaturesDict({
                "image": tfds.features.Image(shape=(28, 28, 1)),
                "label": tfds.features.ClassLabel(names=CLASS_NAMES),
            }),
            supervised_keys=("image", "label"),  # as_supervised=True 时返回的二元组
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # 无需下载：数组就在本地
        (train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
        return {"train": self._generate_examples(train_x[:6000], train_y[:6000]),
                "test": self._generate_examples(test_x[:1000], test_y[:1000])}

    def _generate_examples(self, images, labels):
        for index, (image, label) in enumerate(zip(images, labels)):
            yield index, {"image": image[:, :, np.newaxis], "label": int(label)}


print(FashionMnistSample.name)

# 准备一次：TFDS 运行生成器并写出文件。它打印的消息里含 data_dir 路径。
ANSI = r"\x1b\[[0-9;]*m"  # 终端颜色码：TFDS 的提示信息和 fortunes-zh 文件里都有
builder = FashionMnistSample(data_dir=data_dir)
messages = io.StringIO()
with contextlib.redirect_stdout(messages):
    builder.download_and_prepare()
print(re.sub(ANSI, "", messages.getvalue()).replace(data_dir, "<data_dir>"), end="")
for folder, _, files in sorted(os.walk(data_dir)):
    for name in sorted(files):
        print(f"{os.path.relpath(folder, data_dir)}/ {name:50} "
              f"{os.path.getsize(os.path.join(folder, name)):>9,} bytes")

# 目录内部：dataset_info.json 描述各个拆分，分片里存的是序列化的 tf.train.Example。
version_dir = os.path.join(data_dir, "fashion_mnist_sample", "1.0.0")
with open(os.path.join(version_dir, "dataset_info.json"), encoding="utf-8") as f:
    saved_info = json.load(f)
for split in saved_info["splits"]:
    print(f"{split['name']}: {int(split['numBytes']):,} bytes of Examples | examples per shard:",
          [int(n) for n in split["shardLengths"]])
shard = os.path.join(version_dir, "fashion_mnist_sample-train.tfrecord-00000-of-00001")
record = next(iter(tf.data.TFRecordDataset(shard)))
example = tf.train.Example.FromString(record.numpy())
png = example.features.feature["image"].bytes_list.value[0]
print("features:", sorted(example.features.feature), "| label:",
      example.features.feature["label"].int64_list.value, "| image:", len(png),
      "bytes starting", png[:4])

# tfds.load：找到构建器，必要时准备数据（这里已准备好），读出一个拆分。
train, info = tfds.load("fashion_mnist_sample", data_dir=data_dir, split="train",
                        as_supervised=True, with_info=True)
print(info.features)
print({name: split.num_examples for name, split in info.splits.items()},
      "| supervised keys:", info.supervised_keys)
print(train.element_spec)
labels = [int(label) for _, label in train.take(8)]
print("first labels:", labels, [info.features["label"].int2str(n) for n in labels[:3]])
(_, keras_labels), _ = tf.keras.datasets.fashion_mnist.load_data()
print("Keras order: ", keras_labels[:8].tolist())

# 拆分切片：按百分比或绝对下标，可从两端数起，用 + 连接。
for spec in ["train[:10%]", "train[-1000:]", "train[10%:20%]", "test[:50%]+test[-10:]"]:
    sliced = tfds.load("fashion_mnist_sample", data_dir=data_dir, split=spec)
    print(f"{spec:22} {info.splits[spec].num_examples:5} examples | "
          f"cardinality {int(sliced.cardinality()):5}")
first = [int(label) for _, label in
         tfds.load("fashion_mnist_sample", data_dir=data_dir, split="train[:8]",
                   as_supervised=True)]
print("train[:8] == first 8 of train:", first == labels)

# 不写类：store_as_tfds_dataset 把任意 (键, 样本) 可迭代对象存成数据集。
with open(fortunes_file("tang300"), encoding="utf-8") as f:
    entries = re.sub(ANSI, "", f.read()).split("\n%\n")
poems = []
for entry in filter(str.strip, entries):  # 文件以一行 "%" 结尾
    title, author, *lines = entry.strip().splitlines()
    poems.append({"title": title.strip("《》"), "author": author.removeprefix("作者："),
                  "text": "\n".join(lines)})
with contextlib.redirect_stdout(io.StringIO()):
    tfds.dataset_builders.store_as_tfds_dataset(
        name="tang_poems", version="1.0.0", data_dir=data_dir,
        features=tfds.features.FeaturesDict({"title": tfds.features.Text(),
                                             "author": tfds.features.Text(),
                                             "text": tfds.features.Text()}),
        split_datasets={"train": list(enumerate(poems))})
tang, tang_info = tfds.load("tang_poems", data_dir=data_dir, split="train", with_info=True)
print(tang_info.splits["train"].num_examples, "poems |", tang_info.features)
for poem in tang.take(2):
    print(poem["title"].numpy().decode(), poem["author"].numpy().decode(),
          poem["text"].numpy().decode().split("\n")[0])
try:
    tfds.load("tang_poems", data_dir=data_dir, split="train", as_supervised=True)
except ValueError as err:
    print("ValueError:", err)

# 接入训练流水线：tfds.load 返回的就是普通的 tf.data.Dataset。
def to_float(image, label):
    return tf.cast(image, tf.float32) / 255.0, tf.cast(label, tf.int32)


batches = train.map(to_float).shuffle(6000, seed=42).batch(128)
print(batches.element_spec, "| batches:", int(batches.cardinality()))
workdir.cleanup()
print("temporary data_dir left:", os.path.exists(data_dir))
