# TFRecord 文件与 tf.train.Example：记录格式、分片、GZIP、解析、SequenceExample。
import hashlib
import os
import re
import shutil
import tempfile

import numpy as np
import tensorflow as tf
from google.protobuf import text_format

if "fortunes_file" not in globals():  # 单独运行时导入；在笔记本中，corpora.py 那个单元已经定义了它
    from corpora import fortunes_file

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
folder = tempfile.TemporaryDirectory()  # 本页的所有文件都放在这里，最后删除
work = folder.name

# 只写一条 6 字节的记录，看看文件里到底有什么
tiny = os.path.join(work, "tiny.tfrecord")
with tf.io.TFRecordWriter(tiny) as writer:
    writer.write(b"tensor")
raw = open(tiny, "rb").read()
print(f"{len(raw)} bytes:", raw.hex(" "))
length = int.from_bytes(raw[:8], "little")  # uint64，小端序
print("length:", raw[:8].hex(" "), "->", length)
print("CRC of length:", raw[8:12].hex(" "), "| data:", raw[12:12 + length],
      "| CRC of data:", raw[12 + length:].hex(" "))
print("read back:", [r.numpy() for r in tf.data.TFRecordDataset(tiny)])

# Example 是从特征名到列表的映射，列表有 bytes、int64、float 三种
(train_images, train_labels), _ = tf.keras.datasets.fashion_mnist.load_data()
images, labels = train_images[:2000], train_labels[:2000]


def image_example(index):
    feature = {
        "image": tf.train.Feature(
            bytes_list=tf.train.BytesList(value=[images[index].tobytes()])),
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[labels[index]])),
        "index": tf.train.Feature(int64_list=tf.train.Int64List(value=[index])),
    }
    return tf.train.Example(features=tf.train.Features(feature=feature))


example = image_example(0)
shown = tf.train.Example()
shown.CopyFrom(example)  # 复制一份，图像只留第 14 行的 6 个像素，便于打印
shown.features.feature["image"].bytes_list.value[0] = images[0][14, 8:14].tobytes()
print(text_format.MessageToString(shown))
print("pixels of row 14, columns 8-13:", images[0][14, 8:14])
print("serialized Example:", len(example.SerializeToString()), "bytes for",
      images[0].nbytes, "bytes of pixels")

# 同样 784 个像素，分别放进三种列表，以及序列化成张量
pixels = images[0].ravel()
as_lists = {
    "bytes_list": tf.train.Feature(bytes_list=tf.train.BytesList(value=[pixels.tobytes()])),
    "int64_list": tf.train.Feature(int64_list=tf.train.Int64List(value=pixels.tolist())),
    "float_list": tf.train.Feature(float_list=tf.train.FloatList(value=pixels / 255.0)),
}
for kind, feature in as_lists.items():
    print(f"{kind}: {len(feature.SerializeToString())} bytes")
tensor_bytes = tf.io.serialize_tensor(images[0]).numpy()
print(f"serialize_tensor: {len(tensor_bytes)} bytes;",
      "parsed back:", tf.io.parse_tensor(tensor_bytes, out_type=tf.uint8).shape)

# 写 4 个分片，每片 500 个 Example：不压缩一份，GZIP 压缩一份
def write_shards(name, options=None, shards=4):
    os.makedirs(os.path.join(work, name))
    per_shard = len(images) // shards
    paths = []
    for shard in range(shards):
        path = os.path.join(work, name, f"fashion-{shard:05d}-of-{shards:05d}.tfrecord")
        with tf.io.TFRecordWriter(path, options) as writer:
            for index in range(shard * per_shard, (shard + 1) * per_shard):
                writer.write(image_example(index).SerializeToString(deterministic=True))
        paths.append(path)
    return paths


plain = write_shards("plain")
gzipped = write_shards("gzip", tf.io.TFRecordOptions(compression_type="GZIP"))
for p, g in zip(plain, gzipped):
    print(f"{os.path.basename(p)}: {os.path.getsize(p):,} bytes | GZIP {os.path.getsize(g):,}")
plain_total = sum(os.path.getsize(p) for p in plain)
gzip_total = sum(os.path.getsize(g) for g in gzipped)
print(f"total: {plain_total:,} bytes | GZIP {gzip_total:,} | "
      f"GZIP/plain {gzip_total / plain_total:.3f} | pixels alone {images.nbytes:,}")

# 特征描述：从每个 Example 里取哪些特征，各是什么类型和形状
spec = {
    "image": tf.io.FixedLenFeature([], tf.string),
    "label": tf.io.FixedLenFeature([], tf.int64),
    "index": tf.io.FixedLenFeature([], tf.int64),
}
first = next(iter(tf.data.TFRecordDataset(plain[0])))
parsed = tf.io.parse_single_example(first, spec)
print({name: (value.dtype.name, value.shape) for name, value in parsed.items()})
image = tf.reshape(tf.io.decode_raw(parsed["image"], tf.uint8), [28, 28])
print("same image:", np.array_equal(image.numpy(), images[0]),
      "| label:", parsed["label"].numpy())

# VarLenFeature 不限值的个数，解析结果是稀疏张量
loose = tf.io.parse_single_example(first, {"label": tf.io.VarLenFeature(tf.int64)})
print(loose["label"])


def short(err):  # 去掉报错运算的名字，只留消息本身
    return re.sub(r"^{{.*?}} ", "", err.message).split(" [Op:")[0]


try:
    tf.io.parse_single_example(first, {"labels": tf.io.FixedLenFeature([], tf.int64)})
except tf.errors.InvalidArgumentError as err:
    print("InvalidArgumentError:", short(err))
default = {"labels": tf.io.FixedLenFeature([], tf.int64, default_value=-1)}
print("with a default:", tf.io.parse_single_example(first, default)["labels"].numpy())


# 逐条解析，或者先把序列化的记录组成批次再整批解析
def parse_one(record):
    parsed = tf.io.parse_single_example(record, spec)
    image = tf.reshape(tf.io.decode_raw(parsed["image"], tf.uint8), [28, 28])
    return image, parsed["label"]


def parse_batch(records):
    parsed = tf.io.parse_example(records, spec)
    batch = tf.reshape(tf.io.decode_raw(parsed["image"], tf.uint8), [-1, 28, 28])
    return batch, parsed["label"]


records = tf.data.TFRecordDataset(plain)
one_by_one = records.map(parse_one).batch(64)
batch_first = records.batch(64).map(parse_batch)
print(batch_first.element_spec)
pairs = list(zip(one_by_one, batch_first))
same = all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in pairs)
print("same batches:", same, "| parse calls:", len(images), "one by one,", len(pairs), "batched")

# 并行读取各分片：顺序变了，数据不能变
parallel = tf.data.TFRecordDataset(gzipped, compression_type="GZIP", num_parallel_reads=4)
first_indices = [int(tf.io.parse_single_example(r, spec)["index"]) for r in parallel.take(8)]
print("first indices:", first_indices)


def parse_with_index(records):
    parsed = tf.io.parse_example(records, spec)
    batch = tf.reshape(tf.io.decode_raw(parsed["image"], tf.uint8), [-1, 28, 28])
    return parsed["index"], batch, parsed["label"]


files = tf.data.Dataset.list_files(os.path.join(work, "gzip", "*.tfrecord"), seed=42)
shuffled = files.interleave(
    lambda path: tf.data.TFRecordDataset(path, compression_type="GZIP"),
    cycle_length=4, num_parallel_calls=tf.data.AUTOTUNE, deterministic=False)
back = list(shuffled.batch(256).map(parse_with_index).as_numpy_iterator())
indices_back = np.concatenate([b[0] for b in back])
order = np.argsort(indices_back)
images_back = np.concatenate([b[1] for b in back])[order]
labels_back = np.concatenate([b[2] for b in back])[order].astype(np.uint8)


def checksum(pixels, classes):  # SHA-256 的前 16 位十六进制数字
    return hashlib.sha256(pixels.tobytes() + classes.tobytes()).hexdigest()[:16]


print("records:", len(indices_back), "| distinct indices:", len(np.unique(indices_back)))
print("checksum written:", checksum(images, labels),
      "| read:", checksum(images_back, labels_back))

# 把诗写成 SequenceExample：上下文存放各行必须符合的约定；两个对齐的特征列表
# 每行诗各占一项，一个存这一行的字，一个存每个字后面的标点
text = open(fortunes_file("tang300"), encoding="utf-8").read()
text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # 去掉 ANSI 颜色码
entries = [e.strip().split("\n") for e in re.split(r"^%$", text, flags=re.M) if e.strip()]


def clause_length(lines):  # 每一句都是 5 个字或都是 7 个字时返回 5 或 7，否则返回 0
    lengths = {len(clause) for line in lines for clause in re.split(r"\W+", line) if clause}
    return lengths.pop() if lengths in ({5}, {7}) else 0


def strings(values):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[v.encode() for v in values]))


def integer(value):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))


def poem_example(title, lines):
    pairs = [re.findall(r"(\w)(\W*)", line) for line in lines]  # （字, 它后面的标点）
    context = tf.train.Features(feature={
        "title": strings([title]),
        "line_count": integer(len(lines)),
        "clause_length": integer(clause_length(lines)),
    })
    feature_lists = tf.train.FeatureLists(feature_list={
        "chars": tf.train.FeatureList(feature=[strings([c for c, _ in p]) for p in pairs]),
        "marks": tf.train.FeatureList(feature=[strings([m for _, m in p]) for p in pairs]),
    })
    return tf.train.SequenceExample(context=context, feature_lists=feature_lists)


poems_file = os.path.join(work, "tang300.tfrecord")
with tf.io.TFRecordWriter(poems_file) as writer:
    for title, author, *lines in entries:  # 作者那一行不写进去
        writer.write(poem_example(title, lines).SerializeToString(deterministic=True))
print(len(entries), "poems,", f"{os.path.getsize(poems_file):,} bytes")

context_spec = {
    "title": tf.io.FixedLenFeature([], tf.string),
    "line_count": tf.io.FixedLenFeature([], tf.int64),
    "clause_length": tf.io.FixedLenFeature([], tf.int64),
}
lists_spec = {"chars": tf.io.RaggedFeature(tf.string), "marks": tf.io.RaggedFeature(tf.string)}
poems = tf.data.TFRecordDataset(poems_file)
position = [entry[0] for entry in entries].index("《登幽州台歌》")
record = next(iter(poems.skip(position)))
context, lists = tf.io.parse_single_sequence_example(record, context_spec, lists_spec)
print(context["title"].numpy().decode(), "| line_count:", context["line_count"].numpy(),
      "| clause_length:", context["clause_length"].numpy())
print("chars:", lists["chars"].shape, lists["chars"].row_lengths().numpy(),
      "| marks:", lists["marks"].shape, lists["marks"].row_lengths().numpy())
print("marks of line 0:", [m.decode() or "-" for m in lists["marks"][0].numpy()])
rebuilt = tf.strings.reduce_join(tf.strings.join([lists["chars"], lists["marks"]]), axis=1)
print([line.decode() for line in rebuilt.numpy()])
_, sparse = tf.io.parse_single_sequence_example(
    record, sequence_features={"chars": tf.io.VarLenFeature(tf.string)})
print("sparse:", sparse["chars"].dense_shape.numpy(), "| values:", sparse["chars"].values.shape[0],
      "| first indices:", sparse["chars"].indices[:3].numpy().tolist())


# 逐首核对：两个特征列表是否符合上下文，彼此是否对齐
def check_poem(record):
    context, lists = tf.io.parse_single_sequence_example(record, context_spec, lists_spec)
    chars, marks = lists["chars"], lists["marks"]  # 不规则张量，行长度是 int32
    line_count = tf.cast(context["line_count"], tf.int32)
    rows_ok = (chars.nrows() == line_count) & (marks.nrows() == line_count)
    aligned = rows_ok and tf.reduce_all(chars.row_lengths() == marks.row_lengths())
    k = tf.cast(context["clause_length"], tf.int32)  # 0 表示句子长短不一，不必核对
    in_line = tf.ragged.range(chars.row_lengths()).flat_values  # 每个字在本行中的位置
    clause_ends = (in_line + 1) % tf.maximum(k, 1) == 0
    has_mark = tf.strings.length(marks.flat_values) > 0
    clauses_ok = aligned and (k == 0 or tf.reduce_all(clause_ends == has_mark))
    return rows_ok, aligned, clauses_ok, k


results = list(poems.map(check_poem).as_numpy_iterator())
print("poems:", len(results), "| line counts that disagree:", sum(not r[0] for r in results),
      "| lists not aligned:", sum(not r[1] for r in results),
      "| clauses that break the pattern:", sum(not r[2] for r in results))
forms = [int(r[3]) for r in results]
print("clause_length:", {k: forms.count(k) for k in (5, 7, 0)})
wrong = tf.train.SequenceExample.FromString(record.numpy())
wrong.context.feature["clause_length"].int64_list.value[0] = 5  # 写入程序犯的错
print("a wrong context:", [bool(v) for v in check_poem(wrong.SerializeToString())[:3]])

# 损坏的副本：把某个分片第 100 条记录数据中的一个字节取反
damaged = os.path.join(work, "plain", "damaged.tfrecord")
shutil.copy(plain[1], damaged)
record_size = os.path.getsize(plain[1]) // 500  # 这个分片的记录长度都相同
print("record size:", record_size, "| record 100's data starts at byte", 100 * record_size + 12)
with open(damaged, "r+b") as f:
    f.seek(100 * record_size + 12 + 300)  # 跳过 100 条记录和一个头部，落在一个像素上
    byte = f.read(1)
    f.seek(-1, os.SEEK_CUR)
    f.write(bytes([byte[0] ^ 0xFF]))
# 截断的副本：少了最后 100 字节，就像复制到一半被打断
truncated = os.path.join(work, "plain", "truncated.tfrecord")
with open(plain[1], "rb") as source, open(truncated, "wb") as target:
    target.write(source.read()[:-100])
try:
    for _ in tf.data.TFRecordDataset(damaged):
        pass
except tf.errors.DataLossError as err:
    print("DataLossError:", short(err))


# 报错里没有文件名：逐个文件检查
def check(paths, compression_type=None):
    for path in paths:
        name, count = os.path.relpath(path, work), 0
        try:
            for _ in tf.data.TFRecordDataset(path, compression_type):
                count += 1
            print(f"{name}: {count} records")
        except tf.errors.DataLossError as err:
            print(f"{name}: {count} records, then {short(err)}")


check(plain[:2] + [damaged, truncated, gzipped[0]])
check(gzipped[:1], "GZIP")

# ignore_errors() 把错误变成该文件的结尾，一声不吭
everything = tf.data.TFRecordDataset(plain + [damaged, truncated]).ignore_errors()
print("with ignore_errors():", sum(1 for _ in everything), "of", 6 * 500, "records")

folder.cleanup()
print("temporary folder left:", os.path.exists(work))
