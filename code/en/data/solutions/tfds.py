# Solutions to the exercises of "TensorFlow Datasets".
import collections
import contextlib
import io
import logging
import os
import re
import sys
import tempfile

import tensorflow as tf
import tensorflow_datasets as tfds

if "fortunes_file" not in globals():  # run alone: corpora.py is one folder up
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from corpora import fortunes_file

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tfds.disable_progress_bar()
logging.getLogger("absl").setLevel(logging.ERROR)
workdir = tempfile.TemporaryDirectory()
data_dir = workdir.name

with open(fortunes_file("tang300"), encoding="utf-8") as f:
    entries = re.sub(r"\x1b\[[0-9;]*m", "", f.read()).split("\n%\n")
poems = []
for entry in filter(str.strip, entries):
    title, author, *lines = entry.strip().splitlines()
    poems.append({"title": title.strip("《》"), "author": author.removeprefix("作者："),
                  "text": "\n".join(lines)})
TEXTS = tfds.features.FeaturesDict({"title": tfds.features.Text(),
                                    "author": tfds.features.Text(),
                                    "text": tfds.features.Text()})


def store(version, examples):
    """Writes the poems as tang_poems:<version>; TFDS's messages are not needed here."""
    with contextlib.redirect_stdout(io.StringIO()):
        tfds.dataset_builders.store_as_tfds_dataset(
            name="tang_poems", version=version, data_dir=data_dir, features=TEXTS,
            split_datasets={"train": list(enumerate(examples))})


# Exercise 1: percent slices of 313 examples are rounded to the closest whole example.
store("1.0.0", poems)
info = tfds.builder("tang_poems", data_dir=data_dir).info
for spec in ["train[:10%]", "train[10%:20%]", "train[:50%]", "train[50%:]"]:
    print(f"{spec:15} {info.splits[spec].num_examples} poems")
print("even_splits n=10:", [info.splits[s].num_examples for s in tfds.even_splits("train", n=10)])
print("round(156.5) =", round(156.5), "| round(31.3) =", round(31.3), "| round(62.6) =",
      round(62.6))


# Exercise 2: a builder class for the poems, with the author as a ClassLabel.
AUTHORS = sorted({poem["author"] for poem in poems})


class TangPoemsByAuthor(tfds.core.GeneratorBasedBuilder):
    """Tang poems as (text, author) pairs."""

    VERSION = tfds.core.Version("1.0.0")

    def _info(self):
        return tfds.core.DatasetInfo(
            builder=self,
            features=tfds.features.FeaturesDict({
                "text": tfds.features.Text(),
                "author": tfds.features.ClassLabel(names=AUTHORS),
            }),
            supervised_keys=("text", "author"),
        )

    def _split_generators(self, dl_manager):
        return {"train": self._generate_examples()}

    def _generate_examples(self):
        for index, poem in enumerate(poems):
            yield index, {"text": poem["text"], "author": poem["author"]}


with contextlib.redirect_stdout(io.StringIO()):
    TangPoemsByAuthor(data_dir=data_dir).download_and_prepare()
pairs, by_author = tfds.load("tang_poems_by_author", data_dir=data_dir, split="train",
                             as_supervised=True, with_info=True)
print(pairs.element_spec)
label = by_author.features["author"]
counts = collections.Counter(int(author) for _, author in pairs)
print(label.num_classes, "authors | most poems:",
      [(label.int2str(n), count) for n, count in counts.most_common(3)])


# Exercise 3: the same name and version again, then a new version beside the old one.
try:
    store("1.0.0", poems[:10])
except RuntimeError as err:
    print("RuntimeError:", str(err).split(". Dataset info")[0])
quatrains = [poem for poem in poems if len(poem["text"].split("\n")) == 2]
store("1.1.0", quatrains)
print("versions:", sorted(os.listdir(os.path.join(data_dir, "tang_poems"))))
for name in ["tang_poems", "tang_poems:1.0.0"]:
    chosen = tfds.builder(name, data_dir=data_dir)
    print(f"{name:17} -> {chosen.version} | {chosen.info.splits['train'].num_examples} poems")
workdir.cleanup()
