# 训练中的流水线：fit() 读取有限和无限重复的数据集、验证数据与权重；
# 保存并加载预处理好的数据集；在一轮中途把迭代器存进检查点。
import os
import re
import tempfile
import warnings

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # 干净的 Keras 状态：层名从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 只取一小部分数据，让本页每次 fit() 都很快：2,000 张图像训练，500 张验证。
fashion = tf.keras.datasets.fashion_mnist.load_data()
(train_images, train_labels), (test_images, test_labels) = fashion
train_images, train_labels = train_images[:2000], train_labels[:2000].astype(np.int32)
valid_images, valid_labels = test_images[:500], test_labels[:500].astype(np.int32)


def scale(images, labels):
    return tf.cast(images, tf.float32) / 255.0, labels


def make_train_ds(seed=1):
    # 训练流水线，每次调用都重新建立：打乱、分批、缩放、预取。
    return (tf.data.Dataset.from_tensor_slices((train_images, train_labels))
            .shuffle(len(train_labels), seed=seed)
            .batch(100).map(scale).prefetch(tf.data.AUTOTUNE))


train_ds = make_train_ds()  # 下面每次 fit() 都自建一条：每次训练都从种子开始
valid_ds = tf.data.Dataset.from_tensor_slices((valid_images, valid_labels)).batch(250).map(scale)
print("batches per pass: train", train_ds.cardinality().numpy(),
      "| valid", valid_ds.cardinality().numpy())
print("train element_spec:", train_ds.element_spec)


def make_model():
    # 输出 logits 的小分类器，每次都从同样的初始权重开始。
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


class BatchCounter(tf.keras.callbacks.Callback):
    # 数出每一轮训练了多少个批次。

    def on_train_begin(self, logs=None):
        self.batches = []

    def on_epoch_begin(self, epoch, logs=None):
        self.batches.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.batches[-1] += 1


def fit_and_report(model, data, callbacks=(), **fit_args):
    # 静默运行 fit()；打印每轮的批次数和评估指标，再打印 Keras 的警告。
    counter = BatchCounter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(data, verbose=0, callbacks=[counter, *callbacks], **fit_args)
    for epoch, batches in enumerate(counter.batches):
        metrics = ", ".join(f"{name} {values[epoch]:.4f}"
                            for name, values in history.history.items())
        print(f"epoch {epoch + 1}: {batches} batches | {metrics}")
    keras_warnings = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    for message, times in {m: keras_warnings.count(m) for m in keras_warnings}.items():
        print(f"warning ({times}x): {message}")
    return history


# 有限的数据集：每一轮遍历它一次。shuffle= 和 batch_size= 不起任何作用。
model = make_model()
history = fit_and_report(model, make_train_ds(), epochs=3, batch_size=32, validation_data=valid_ds)


# 无限重复的数据集，又没有 steps_per_epoch：第一轮永远不会结束。
class StopAfter(tf.keras.callbacks.Callback):
    # 训练够给定的批次数就停下，不管这一轮进行到哪里。

    def __init__(self, batches):
        super().__init__()
        self.limit = batches
        self.seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.limit:
            print(f"still in epoch 1 after {self.seen} batches "
                  f"({self.seen // 20} passes over the data): stopping it")
            self.model.stop_training = True


model = make_model()
history = fit_and_report(model, make_train_ds().repeat(), epochs=3, shuffle=False,
                         callbacks=[StopAfter(200)])

# 有了 steps_per_epoch，一轮就是从无尽的数据流中取这么多个批次。
model = make_model()
history = fit_and_report(model, make_train_ds().repeat(), epochs=3, steps_per_epoch=8,
                         shuffle=False, validation_data=valid_ds.repeat(), validation_steps=1)
first_batch = model.evaluate(valid_ds.take(1), verbose=0, return_dict=True)
print("last val_accuracy equals evaluate() on the first validation batch:",
      first_batch["accuracy"] == history.history["val_accuracy"][-1])

# 有限数据集加 steps_per_epoch：20 个批次凑不够 4 轮、每轮 8 个。
model = make_model()
history = fit_and_report(model, make_train_ds(), epochs=4, steps_per_epoch=8, shuffle=False)


# 权重作为第三个元素：衬衫（第 6 类）在损失中算三倍。
def weigh_shirts(images, labels):
    return images, labels, tf.where(labels == 6, 3.0, 1.0)


weighted = fit_and_report(make_model(), make_train_ds().map(weigh_shirts), epochs=1, shuffle=False)
class_weight = {label: 3.0 if label == 6 else 1.0 for label in range(10)}
by_class = fit_and_report(make_model(), make_train_ds(), epochs=1, shuffle=False,
                          class_weight=class_weight)
print("same loss both ways:", weighted.history["loss"] == by_class.history["loss"])
try:  # 只列出衬衫的字典
    make_model().fit(make_train_ds(), shuffle=False, verbose=0, class_weight={6: 3.0})
except tf.errors.InvalidArgumentError as err:
    print("InvalidArgumentError:",
          re.search(r"indices\[\d+\] = \d+ is not in \[0, \d+\)", err.message)[0])
try:
    make_model().fit(make_train_ds(), sample_weight=np.ones(2000, np.float32), verbose=0)
except ValueError as err:
    print("ValueError:", err)


# 保存预处理好的数据集，再加载回来。
def folder_size(path):
    return sum(os.path.getsize(os.path.join(folder, name))
               for folder, _, names in os.walk(path) for name in names)


raw = tf.data.Dataset.from_tensor_slices((train_images, train_labels))
preprocessed = raw.map(scale)  # 真实流水线中费时的部分；这里只是 uint8 -> float32
with tempfile.TemporaryDirectory() as tmp:
    raw.save(os.path.join(tmp, "raw"))
    preprocessed.save(os.path.join(tmp, "scaled"))
    preprocessed.save(os.path.join(tmp, "scaled-gzip"), compression="GZIP")
    for name in ["raw", "scaled", "scaled-gzip"]:
        print(f"{name:12} {folder_size(os.path.join(tmp, name)) / 1e6:5.2f} MB")

    loaded = tf.data.Dataset.load(os.path.join(tmp, "scaled-gzip"), compression="GZIP")
    print("element_spec:", loaded.element_spec)
    print("same spec:", loaded.element_spec == preprocessed.element_spec,
          "| cardinality:", loaded.cardinality().numpy())
    same = all(np.array_equal(a[0], b[0]) and a[1] == b[1]
               for a, b in zip(loaded.as_numpy_iterator(), preprocessed.as_numpy_iterator()))
    print("same elements:", same)
    train_from_disk = loaded.shuffle(2000, seed=1).batch(100).prefetch(tf.data.AUTOTUNE)
    history = fit_and_report(make_model(), train_from_disk, epochs=1, shuffle=False)

    # 读取同一个文件夹，却没有给出压缩方式。
    try:
        for _ in tf.data.Dataset.load(os.path.join(tmp, "scaled-gzip")):
            pass
    except tf.errors.DataLossError as err:
        print("DataLossError reading scaled-gzip:",
              re.search(r"corrupted record at \d+", err.message)[0])

# 在一轮中途把迭代器存进检查点。
# 新启动的程序所看到的一遍数据。
uninterrupted = [labels.numpy() for _, labels in make_train_ds()]
with tempfile.TemporaryDirectory() as tmp:
    # 第一个程序：取三个批次，然后把迭代器存进检查点。
    iterator = iter(make_train_ds())
    for step in range(3):
        _, labels = next(iterator)
        print(f"batch {step + 1}: labels {labels[:8].numpy()}")
    path = tf.train.Checkpoint(iterator=iterator).write(os.path.join(tmp, "data"))
    print("saved:", sorted(os.listdir(tmp)))
    print("holds:", [name for name, _ in tf.train.list_variables(path)])
    size = sum(os.path.getsize(os.path.join(tmp, name)) for name in os.listdir(tmp))
    print(f"checkpoint size: {size / 1e6:.1f} MB; the 1,700 images not yet delivered take "
          f"{1700 * 784 / 1e6:.1f} MB as uint8, {1700 * 784 * 4 / 1e6:.1f} MB as float32")

    # 新的程序：重新建立流水线，恢复它的迭代器。
    resumed = iter(make_train_ds())
    tf.train.Checkpoint(iterator=resumed).read(path).assert_consumed()
    for step in range(3, 6):
        _, labels = next(resumed)
        print(f"batch {step + 1}: labels {labels[:8].numpy()}, as in the uninterrupted pass:",
              np.array_equal(labels.numpy(), uninterrupted[step]))
    print("batches left in the epoch:", sum(1 for _ in resumed))

    # 流水线改动过的程序：缩放的 map 没有了。
    changed = iter(tf.data.Dataset.from_tensor_slices((train_images, train_labels))
                   .shuffle(2000, seed=1).batch(100).prefetch(tf.data.AUTOTUNE))
    try:
        tf.train.Checkpoint(iterator=changed).read(path)
    except tf.errors.NotFoundError as err:
        print("NotFoundError:", re.search(r"Failed to restore dataset iterator.*?restoring it\.",
                                          err.message)[0])

# 重新启动的 fit() 拿到的是新的数据集对象，它的第一遍是种子给出的第一个顺序。
first_program = make_train_ds()
epoch_orders = [np.concatenate([labels for _, labels in first_program.as_numpy_iterator()])
                for _ in range(3)]
restarted = np.concatenate([labels for _, labels in make_train_ds().as_numpy_iterator()])
for epoch, order in enumerate(epoch_orders):
    print(f"epoch {epoch + 1} begins {order[:8]}; the restarted program's first pass is the same:",
          np.array_equal(order, restarted))
