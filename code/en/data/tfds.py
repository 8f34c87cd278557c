# TensorFlow Datasets (TFDS): builders, DatasetInfo, split slicing, local data as a TFDS dataset.
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

if "fortunes_file" not in globals():  # run alone: the notebook's corpora.py cell defines it
    from corpora import fortunes_file

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tfds.disable_progress_bar()  # no progress bars in the printed output
logging.getLogger("absl").setLevel(logging.ERROR)  # TFDS logs its warnings through absl
workdir = tempfile.TemporaryDirectory()  # every data_dir of this page: removed at the end
data_dir = workdir.name
print("TFDS", tfds.__version__)

# The catalogue: a builder class per dataset. Its description is code; no data yet.
catalogue = tfds.builder("fashion_mnist", data_dir=data_dir)
print(catalogue.info.full_name, "| supervised keys:", catalogue.info.supervised_keys)
print(catalogue.info.features)
print("splits known:", dict(catalogue.info.splits))
for url, url_info in sorted(catalogue.url_infos.items()):
    print(f"{url_info.filename:27} {int(url_info.size):>10,} bytes | sha256",
          url_info.checksum[:16] + "...")
print(f"to download: {sum(int(i.size) for i in catalogue.url_infos.values()):,} bytes from",
      os.path.dirname(url))

# Offline, with nothing prepared in data_dir: download=False fails before any network access.
try:
    tfds.load("fashion_mnist", data_dir=data_dir, download=False)
except AssertionError as err:
    print("AssertionError:", str(err).replace(data_dir, "<data_dir>"))


# A builder of our own: the same features as the catalogue's, from the local Keras arrays.
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class FashionMnistSample(tfds.core.GeneratorBasedBuilder):
    """The first 6,000 training and 1,000 test images of Fashion-MNIST."""

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
            supervised_keys=("image", "label"),  # what as_supervised=True returns
        )

    def _split_generators(self, dl_manager):
        del dl_manager  # nothing to download: the arrays are local
        (train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
        return {"train": self._generate_examples(train_x[:6000], train_y[:6000]),
                "test": self._generate_examples(test_x[:1000], test_y[:1000])}

    def _generate_examples(self, images, labels):
        for index, (image, label) in enumerate(zip(images, labels)):
            yield index, {"image": image[:, :, np.newaxis], "label": int(label)}


print(FashionMnistSample.name)

# Prepare once: TFDS runs the generators and writes the files. What it prints names data_dir.
ANSI = r"\x1b\[[0-9;]*m"  # terminal colour codes: in TFDS's messages, in fortunes-zh
builder = FashionMnistSample(data_dir=data_dir)
messages = io.StringIO()
with contextlib.redirect_stdout(messages):
    builder.download_and_prepare()
print(re.sub(ANSI, "", messages.getvalue()).replace(data_dir, "<data_dir>"), end="")
for folder, _, files in sorted(os.walk(data_dir)):
    for name in sorted(files):
        print(f"{os.path.relpath(folder, data_dir)}/ {name:50} "
              f"{os.path.getsize(os.path.join(folder, name)):>9,} bytes")

# Inside: dataset_info.json describes the splits; the shards hold serialized tf.train.Example.
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

# tfds.load: find the builder, prepare if needed (here: already done), read a split.
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

# Split slicing: percent or absolute, counted from either end, joined with +.
for spec in ["train[:10%]", "train[-1000:]", "train[10%:20%]", "test[:50%]+test[-10:]"]:
    sliced = tfds.load("fashion_mnist_sample", data_dir=data_dir, split=spec)
    print(f"{spec:22} {info.splits[spec].num_examples:5} examples | "
          f"cardinality {int(sliced.cardinality()):5}")
first = [int(label) for _, label in
         tfds.load("fashion_mnist_sample", data_dir=data_dir, split="train[:8]",
                   as_supervised=True)]
print("train[:8] == first 8 of train:", first == labels)

# No class at all: store_as_tfds_dataset writes any iterable of (key, example) as a dataset.
with open(fortunes_file("tang300"), encoding="utf-8") as f:
    entries = re.sub(ANSI, "", f.read()).split("\n%\n")
poems = []
for entry in filter(str.strip, entries):  # the file ends with a "%" line
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

# Into a training pipeline: what tfds.load returns is an ordinary tf.data.Dataset.
def to_float(image, label):
    return tf.cast(image, tf.float32) / 255.0, tf.cast(label, tf.int32)


batches = train.map(to_float).shuffle(6000, seed=42).batch(128)
print(batches.element_spec, "| batches:", int(batches.cardinality()))
workdir.cleanup()
print("temporary data_dir left:", os.path.exists(data_dir))
