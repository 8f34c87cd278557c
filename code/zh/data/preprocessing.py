# Keras 预处理层：adapt 学到的统计量，查表与编码，哈希，
# 文本层与图像层，以及一个接收原始数据行、连同预处理一起保存的企鹅分类器。
import csv
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import kernels  # TensorFlow 的内核注册表

if "penguins_file" not in globals():  # 单独运行时：corpora.py 就在本脚本旁边
    from corpora import fortunes_file, penguins_file

tf.keras.backend.clear_session()  # 层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()
np.set_printoptions(precision=3, suppress=True)

# 把 penguins.csv 读成 NumPy 的列；数值列中的 "NA"（缺失）变成 NaN。
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
with open(penguins_file(), newline="", encoding="utf-8") as file:
    rows = list(csv.DictReader(file))
every = np.array([[float("nan") if row[c] == "NA" else float(row[c]) for c in NUMERIC]
                  for row in rows], dtype=np.float32)
print(len(rows), "rows", every.shape, every.dtype, "| rows with NaN:",
      np.isnan(every).any(axis=1).sum())

# 在缺失值上学到的统计量是 NaN，用到它的每个输出也都是 NaN。
careless = tf.keras.layers.Normalization()
careless.adapt(every)
print("mean over all rows:", careless.mean.numpy().ravel(), careless(every[:1]).numpy())

# 只留完整的行；其余各列也转成数组，数据类型写明。
complete = ~np.isnan(every).any(axis=1)
rows = [row for row, keep in zip(rows, complete) if keep]
measurements = every[complete]
species = np.array([row["species"] for row in rows])
islands = np.array([row["island"] for row in rows])
sexes = np.array([row["sex"] for row in rows])
years = np.array([int(row["year"]) for row in rows], dtype=np.int64)
print(measurements.shape, "| sex missing in", np.sum(sexes == "NA"), "rows")

# Normalization 从 adapt 所用的数据中为每一列学出均值和方差。
normalize = tf.keras.layers.Normalization(axis=-1)
normalize.adapt(measurements)
print("layer mean:    ", normalize.mean.numpy().ravel())
print("numpy mean:    ", measurements.mean(axis=0))
print("layer variance:", normalize.variance.numpy().ravel())
print("numpy variance:", measurements.var(axis=0))
scaled = normalize(measurements).numpy()
print("after: mean", scaled.mean(axis=0).round(3) + 0.0, "std", scaled.std(axis=0))

# Discretization：把一个数变成它所在区间（桶）的编号。
by_hand = tf.keras.layers.Discretization(bin_boundaries=[3500.0, 4500.0])
print("body mass:", measurements[:6, 3], "-> bins", by_hand(measurements[:6, 3]).numpy())
quartiles = tf.keras.layers.Discretization(num_bins=4)
quartiles.adapt(measurements[:, 3])
print("adapted boundaries:", np.array(quartiles.bin_boundaries))
print("numpy quartiles:   ", np.quantile(measurements[:, 3], [0.25, 0.5, 0.75]))
print("penguins per bin:  ", np.bincount(quartiles(measurements[:, 3]).numpy()))

# StringLookup：从这一列学出词表，出现最多的排在前面，编号 0 留给词表外的值。
island_lookup = tf.keras.layers.StringLookup()
island_lookup.adapt(islands)
print([str(t) for t in island_lookup.get_vocabulary()], "size", island_lookup.vocabulary_size())
print(island_lookup(["Dream", "Biscoe", "Torgersen", "Atlantis"]).numpy())
with_mask = tf.keras.layers.StringLookup(mask_token="",
                                         vocabulary=["Biscoe", "Dream", "Torgersen"])
print([str(t) for t in with_mask.get_vocabulary()], with_mask(["", "Dream", "Atlantis"]).numpy())

# 标签用不着词表外编号；invert=True 把编号映射回名字。
species_lookup = tf.keras.layers.StringLookup(num_oov_indices=0)
species_lookup.adapt(species)
labels = species_lookup(species).numpy()
print([str(t) for t in species_lookup.get_vocabulary()], "counts", np.bincount(labels))
to_name = tf.keras.layers.StringLookup(vocabulary=species_lookup.get_vocabulary(),
                                       num_oov_indices=0, invert=True)
print(to_name(tf.constant([2, 0, 1])).numpy())

# IntegerLookup 对整数类别做同样的事：-1 代表没见过的年份。
year_lookup = tf.keras.layers.IntegerLookup()
year_lookup.adapt(years)
print([int(t) for t in year_lookup.get_vocabulary()],
      year_lookup(tf.constant([2007, 2009, 2010])).numpy())

# CategoryEncoding 把编号变成向量：one_hot、multi_hot、count。
ids = island_lookup(islands[[0, 50, 150]])
print("indices", ids.numpy())
for mode in ("one_hot", "multi_hot", "count"):
    encode = tf.keras.layers.CategoryEncoding(num_tokens=4, output_mode=mode)
    if mode == "one_hot":
        print(mode, encode(ids).numpy().tolist())
    else:  # 两个样本，各是一串编号：[1, 1, 3] 和 [2, 2, 2]
        print(mode, encode(tf.constant([[1, 1, 3], [2, 2, 2]])).numpy().tolist())

# Hashing 不需要词表：取值的哈希对 num_bins 取模。不同的值可能落进同一个桶。
ANSI = r"\x1b\[[0-9;]*m"  # fortunes-zh 给标题和作者加了颜色
lines = tf.data.TextLineDataset(fortunes_file("tang300")).map(
    lambda line: tf.strings.regex_replace(line, ANSI, ""))
authors = lines.filter(lambda line: tf.strings.regex_full_match(line, "作者：.*")).map(
    lambda line: tf.strings.regex_replace(line, "^作者：", ""))
names = np.unique(np.array(list(authors.as_numpy_iterator())))
print(len(names), "distinct authors, e.g.", [n.decode() for n in names[:3]])
for salt in (None, 1337):
    hashing = tf.keras.layers.Hashing(num_bins=256, salt=salt)
    buckets = hashing(names).numpy()
    used = len(np.unique(buckets))
    print(f"salt {salt}: {len(names)} authors in {used} bins, {len(names) - used} collisions")
print(f"expected collisions: {len(names) - 256 * (1 - (1 - 1 / 256) ** len(names)):.1f}")

# 诗句：去掉标题、作者、分隔符和空行。
verses = lines.filter(lambda line: tf.logical_not(
    tf.strings.regex_full_match(line, r"\s*|%|《.*|作者：.*")))
texts = [line.decode() for line in verses.as_numpy_iterator()]
print(len(texts), "lines of verse,", len(set(texts)), "distinct")

# 默认设置的 TextVectorization：转小写，去掉 ASCII 标点，按空白切分。
by_words = tf.keras.layers.TextVectorization()
by_words.adapt(verses.batch(256))
print("vocabulary size:", by_words.vocabulary_size())
print([str(t) for t in by_words.get_vocabulary()[:4]])
print(by_words(["兰叶春葳蕤，桂华秋皎洁。", "兰叶春葳蕤， 桂华秋皎洁。"]).numpy())

# split="character"：每个字一个词元，补齐或截断到 12 个。
by_chars = tf.keras.layers.TextVectorization(split="character", output_sequence_length=12)
by_chars.adapt(verses.batch(256))
vocabulary = by_chars.get_vocabulary()
print("vocabulary size:", len(vocabulary), "| most frequent:", "".join(vocabulary[2:22]))
encoded = by_chars(["兰叶春葳蕤，桂华秋皎洁。", "床前明月光", "月落乌啼霜满天，江枫渔火对愁眠。"])
print(encoded.numpy())
print(["".join(vocabulary[i] for i in row if i > 0) for row in encoded.numpy()])

# 图像数据增强。先看 Fashion-MNIST 怎样摆放衣物：有多少张碰到了画面的边？
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
tall = (train_x[:, 0] > 0).any(axis=1) & (train_x[:, -1] > 0).any(axis=1)
wide = (train_x[:, :, 0] > 0).any(axis=1) & (train_x[:, :, -1] > 0).any(axis=1)
print(f"touch top and bottom: {tall.mean():.3f} | left and right: {wide.mean():.3f} | "
      f"one or the other: {(tall | wide).mean():.3f}")

# 平移 k 个像素，最外面的 k 行或 k 列就被推出画面。
ink = train_x.sum(axis=(1, 2), dtype=np.int64)
cut = {}
for k in (1, 2, 3):
    sides = [train_x[:, :k].sum(axis=(1, 2), dtype=np.int64),
             train_x[:, -k:].sum(axis=(1, 2), dtype=np.int64),
             train_x[:, :, :k].sum(axis=(1, 2), dtype=np.int64),
             train_x[:, :, -k:].sum(axis=(1, 2), dtype=np.int64)]
    cut[k] = float(np.mean(np.max(sides, axis=0) / ink))
    print(f"shift by {k} px: the fullest edge holds {cut[k]:.3f} of the ink on average")

# 镜像：每一类中，左半边墨迹比右半边多的图像所占的比例。
def left_heavy(x, y):
    left = x[:, :, :14].sum(axis=(1, 2), dtype=np.int64)
    right = x[:, :, 14:].sum(axis=(1, 2), dtype=np.int64)
    return np.array([np.mean(left[y == c] > right[y == c]) for c in range(10)])


print("more ink on the left, train:", left_heavy(train_x, train_y))
print("more ink on the left, test: ", left_heavy(test_x, test_y))

# 允许的平移量：平均切掉的墨迹不到 2% 的最大像素数。
shift = max(k for k in cut if cut[k] < 0.02)
augment = tf.keras.layers.RandomTranslation(shift / 28, shift / 28, fill_mode="constant",
                                            seed=1, name="augment")
print(f"at most {shift} px each way: factor {shift / 28:.4f}")

# 四张训练图像、这个层的两次随机抽取，以及翻转可能给出的镜像。
images = train_x[:4, :, :, None].astype(np.float32) / 255.0
CLASS_NAMES = ["T 恤/上衣", "裤子", "套头衫", "连衣裙", "外套",
               "凉鞋", "衬衫", "运动鞋", "包", "短靴"]
ROWS = ["原图", "第 1 次", "第 2 次", "镜像"]
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, axes = plt.subplots(4, 4, figsize=(6, 6.4))
draws = [images, augment(images, training=True), augment(images, training=True),
         images[:, :, ::-1]]
for r, shown in enumerate(draws):
    for c in range(4):
        axes[r, c].imshow(np.asarray(shown)[c, :, :, 0], cmap="gray_r", vmin=0, vmax=1)
        axes[r, c].set_title(f"{ROWS[r]}：{CLASS_NAMES[train_y[c]]}", fontsize=8)
        axes[r, c].axis("off")
plt.tight_layout()
plt.show()

# 推理模式（training=False）不改动图像；模型的 predict() 也一样。
print("training=False unchanged:", np.array_equal(augment(images, training=False), images))
print("training=True unchanged: ", np.array_equal(augment(images, training=True), images))
print("called without training: ", np.array_equal(augment(images), images))

# 放在流水线里：层在 dataset.map 中运行，在 CPU 上，与训练步骤同时进行。
train = (tf.data.Dataset.from_tensor_slices((train_x[:512, :, :, None], train_y[:512]))
         .batch(64)
         .map(lambda x, y: (augment(tf.cast(x, tf.float32) / 255.0, training=True), y),
              num_parallel_calls=tf.data.AUTOTUNE)
         .prefetch(tf.data.AUTOTUNE))
batch_x, batch_y = next(iter(train))
print(train.element_spec[0], batch_x.shape, float(tf.reduce_max(batch_x)) <= 1.0)

# 放在模型里：层是模型的一部分，和模型在同一设备上运行，也保存在模型文件里。
classifier = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)), augment,
    tf.keras.layers.Flatten(), tf.keras.layers.Dense(10)])
first, second = classifier.predict(images, verbose=0), classifier.predict(images, verbose=0)
print("predict twice, same logits:", np.array_equal(first, second))

# 本页的每个层能在哪里运行？看它计算图里的运算，以及这一版 TensorFlow
# 是否为每个运算编译了 GPU 内核（DEFAULT 内核适用于所有设备）。
def cpu_only(layer, spec, **options):
    graph = tf.function(lambda x: layer(x, **options)).get_concrete_function(spec).graph
    types = sorted({op.type for op in graph.get_operations()})
    return [t for t in types if not {"GPU", "DEFAULT"} & {
        k.device_type for k in kernels.get_registered_kernels_for_op(t).kernel}]


for layer, spec, options in [
        (normalize, tf.TensorSpec([None, 4], tf.float32), {}),
        (quartiles, tf.TensorSpec([None], tf.float32), {}),
        (island_lookup, tf.TensorSpec([None], tf.string), {}),
        (hashing, tf.TensorSpec([None], tf.string), {}),
        (by_chars, tf.TensorSpec([None], tf.string), {}),
        (augment, tf.TensorSpec([None, 28, 28, 1], tf.float32), {"training": True})]:
    missing = cpu_only(layer, spec, **options)
    status = "CPU only:" if missing else "GPU kernels for all ops"
    print(f"{type(layer).__name__:18}", status, *missing)

# 先划分数据：各层只从训练行中学习统计量和词表。
order = np.random.default_rng(0).permutation(len(rows))
train_index, test_index = order[:274], order[274:]
scale = tf.keras.layers.Normalization(name="scale")
scale.adapt(measurements[train_index])
island_onehot = tf.keras.layers.StringLookup(output_mode="one_hot", name="island_onehot")
island_onehot.adapt(islands[train_index])
sex_onehot = tf.keras.layers.StringLookup(output_mode="one_hot", name="sex_onehot")
sex_onehot.adapt(sexes[train_index])  # "NA" 自成一个词元：缺失也是一个类别
year_onehot = tf.keras.layers.IntegerLookup(output_mode="one_hot", name="year_onehot")
year_onehot.adapt(years[train_index])

# 企鹅分类器：输入就是原始的各列，包括字符串列。
inputs = {c: tf.keras.Input(shape=(1,), name=c, dtype="float32") for c in NUMERIC}
inputs["island"] = tf.keras.Input(shape=(1,), name="island", dtype="string")
inputs["sex"] = tf.keras.Input(shape=(1,), name="sex", dtype="string")
inputs["year"] = tf.keras.Input(shape=(1,), name="year", dtype="int64")
features = tf.keras.layers.Concatenate()([
    scale(tf.keras.layers.Concatenate()([inputs[c] for c in NUMERIC])),
    island_onehot(inputs["island"]), sex_onehot(inputs["sex"]), year_onehot(inputs["year"])])
hidden = tf.keras.layers.Dense(16, activation="relu")(features)
model = tf.keras.Model(inputs, tf.keras.layers.Dense(3, name="logits")(hidden))
print("features per penguin:", features.shape[-1])


# 输入原始的各列，标签是物种编号。
def raw_dataset(index):
    columns = {c: measurements[index, i:i + 1] for i, c in enumerate(NUMERIC)}
    columns.update(island=islands[index, None], sex=sexes[index, None], year=years[index, None])
    return tf.data.Dataset.from_tensor_slices((columns, labels[index]))


train_raw = raw_dataset(train_index).shuffle(274, seed=1).batch(32)
test_raw = raw_dataset(test_index).batch(68)
print(train_raw.element_spec[0]["island"], train_raw.element_spec[0]["year"])
model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(train_raw, epochs=15, shuffle=False, verbose=0)  # 数据集自己打乱
loss, accuracy = model.evaluate(test_raw, verbose=0)
print(f"last epoch: loss {history.history['loss'][-1]:.4f}; "
      f"test: loss {loss:.4f}, accuracy {accuracy:.4f} (68 penguins)")

def decoded(strings):
    return [s.decode() for s in np.ravel(strings)]


# 直接从 penguins.csv 取三行，像真实数据一页那样用 CsvDataset 解析；
# 保存、加载，再预测一次。
COLUMNS = ["species", "island", *NUMERIC, "sex", "year"]
NAN = tf.constant(float("nan"), tf.float32)
defaults = [tf.string, tf.string, NAN, NAN, NAN, NAN, tf.constant("NA"), tf.int64]
picked = (tf.data.experimental.CsvDataset(penguins_file(), defaults, header=True, na_value="NA")
          .enumerate().filter(lambda i, fields: tf.reduce_any(i == [9, 180, 300]))
          .map(lambda i, fields: {c: tf.reshape(v, [1]) for c, v in zip(COLUMNS, fields)})
          .batch(3))
batch = next(iter(picked))
in_file = batch.pop("species")  # 答案，不放进模型的输入
before = model.predict(batch, verbose=0)
with tempfile.TemporaryDirectory() as folder:
    model.save(Path(folder) / "penguins.keras")
    loaded = tf.keras.models.load_model(Path(folder) / "penguins.keras")
after = loaded.predict(batch, verbose=0)
print("island:", decoded(batch["island"]), "| sex:", decoded(batch["sex"]))
print("logits after loading:", after[0], after[1], after[2])
print("identical:", np.array_equal(before, after), "| in the file:", decoded(in_file),
      "| predicted:", decoded(to_name(tf.constant(np.argmax(after, axis=-1)))))

# 一个缺了某一列的请求。
try:
    loaded.predict({k: v for k, v in batch.items() if k != "sex"}, verbose=0)
except ValueError as err:
    print("ValueError:", err)
