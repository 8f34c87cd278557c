# “TensorFlow Datasets（TFDS）”一节练习的解答。
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

if "fortunes_file" not in globals():  # 单独运行时：corpora.py 在上一级目录
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
    """把诗写成 tang_poems:<version>；这里不需要 TFDS 的提示信息。"""
    with contextlib.redirect_stdout(io.StringIO()):
        tfds.dataset_builders.store_as_tfds_dataset(
            name="tang_poems", version=version, data_dir=data_dir, features=TEXTS,
            split_datasets={"train": list(enumerate(examples))})


# 练习 1：313 个样本按百分比切片时，边界取整到最近的整数个样本。
store("1.0.0", poems)
info = tfds.builder("tang_poems", data_dir=data_dir).info
for spec in ["train[:10%]", "train[10%:20%]", "train[:50%]", "train[50%:]"]:
    print(f"{spec:15} {info.splits[spec].num_examples} poems")
print("even_splits n=10:", [info.splits[s].num_examples for s in tfds.even_splits("train", n=10)])
print("round(156.5) =", round(156.5), "| round(31.3) =", round(31.3), "| round(62.6) =",
      round(62.6))


# 练习 2：为唐诗写一个构建器类，作者用 ClassLabel 表示。
AUTHORS = sorted({poem["author"] for poem in poems})


class TangPoemsByAuthor(tfds.core.GeneratorBasedBuilder):
    """以 (正文, 作者) 二元组给出的唐诗。"""

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


# 练习 3：同名同版本再存一次，然后在旧版本旁边存一个新版本。
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
