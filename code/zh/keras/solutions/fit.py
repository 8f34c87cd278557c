# 《训练：fit》一节练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 练习 1：正文中排好序的图像，先打乱，再让 validation_split 取最后的 20%。
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
order = np.random.default_rng(42).permutation(len(train_x))[:12500]
x = train_x[order].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[order].astype(np.int32)
by_class = np.argsort(y, kind="stable")
x_sorted, y_sorted = x[by_class], y[by_class]
shuffle = np.random.default_rng(0).permutation(len(y_sorted))
x_shuffled, y_shuffled = x_sorted[shuffle], y_sorted[shuffle]
print("classes held out:", np.unique(y_shuffled[-2500:]).tolist())
mlp = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                           tf.keras.layers.Dense(100, activation="relu"),
                           tf.keras.layers.Dense(10)])
mlp.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
            loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
history = mlp.fit(x_shuffled, y_shuffled, epochs=1, batch_size=128, validation_split=0.2,
                  verbose=0)
print(f"shuffled first: accuracy {history.history['accuracy'][0]:.4f}, "
      f"val_accuracy {history.history['val_accuracy'][0]:.4f}")


# 练习 2：用 sample_weight（每个样本一个权重）代替 class_weight。
def imbalanced(seed):  # 正文中不平衡的玩具问题
    rng = np.random.default_rng(seed)
    common = rng.normal(loc=[0.0, 0.0], scale=1.0, size=(1900, 2))
    rare = rng.normal(loc=[2.0, 2.0], scale=1.0, size=(100, 2))
    points = np.vstack([common, rare]).astype(np.float32)
    return points, np.concatenate([np.zeros(1900), np.ones(100)]).astype(np.int32)


def train_linear(points, labels, **weighting):
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.Recall(thresholds=0.0, name="recall")])
    model.fit(points, labels, epochs=10, batch_size=128, verbose=0, **weighting)
    return model


rare_x, rare_y = imbalanced(seed=1)
rare_x_test, rare_y_test = imbalanced(seed=2)
counts = np.bincount(rare_y)
class_weight = {c: float(len(rare_y) / (2 * counts[c])) for c in (0, 1)}
sample_weight = np.array([class_weight[c] for c in rare_y], dtype=np.float32)
by_class = train_linear(rare_x, rare_y, class_weight=class_weight)
by_sample = train_linear(rare_x, rare_y, sample_weight=sample_weight)
same = all(np.array_equal(a, b) for a, b in zip(by_class.get_weights(), by_sample.get_weights()))
print(f"sample weights: first point {sample_weight[0]:.4f}, last point {sample_weight[-1]:.4f}")
print("identical weights:", same)
for name, model in [("class_weight", by_class), ("sample_weight", by_sample)]:
    recall = model.evaluate(rare_x_test, rare_y_test, verbose=0, return_dict=True)["recall"]
    print(f"{name}: recall of the rare class {recall:.4f}")

# 练习 3：先分批再打乱：每个批次里的成员不变。
numbers = tf.data.Dataset.range(10)
for name, ds in [("shuffle, then batch", numbers.shuffle(10, seed=1).batch(5)),
                 ("batch, then shuffle", numbers.batch(5).shuffle(2, seed=1))]:
    for epoch in (1, 2):
        print(f"{name}, epoch {epoch}:", [batch.numpy().tolist() for batch in ds])

# 练习 4：让排好序的图像在批次中混合类别的两种设计，与小缓冲区的 shuffle 对比。
images, labels = tf.constant(x_sorted), tf.constant(y_sorted)


def shuffled_indices():  # 打乱 12500 个整数下标，再按下标取出每个批次的图像
    return (tf.data.Dataset.range(len(y_sorted)).shuffle(len(y_sorted), seed=42).batch(128)
            .map(lambda i: (tf.gather(images, i), tf.gather(labels, i))))


def class_streams(buffer=100):  # 每个类别一条数据流，各自在小缓冲区中打乱
    streams = []
    for c in range(10):
        in_class = y_sorted == c
        streams.append(tf.data.Dataset.from_tensor_slices((x_sorted[in_class], y_sorted[in_class]))
                       .shuffle(buffer, seed=c))
    shares = np.bincount(y_sorted, minlength=10) / len(y_sorted)  # 按各类别所占比例抽取
    mixed = tf.data.Dataset.sample_from_datasets(streams, weights=shares.tolist(), seed=42)
    return mixed.batch(128)


pipelines = {"shuffle(1000), batch": tf.data.Dataset.from_tensor_slices((x_sorted, y_sorted))
             .shuffle(1000, seed=42).batch(128),
             "shuffled indices": shuffled_indices(),
             "class streams": class_streams()}
for name, ds in pipelines.items():
    batches = [batch_labels.numpy() for _, batch_labels in ds]  # 一轮
    kinds = [len(np.unique(b)) for b in batches]
    print(f"{name:20s} first batch: classes {np.unique(batches[0]).tolist()} | "
          f"all ten classes in {sum(k == 10 for k in kinds)} of {len(batches)} batches | "
          f"last batch: {kinds[-1]} classes")

# 练习 5：fit() 的打乱一轮接一轮地以什么顺序送出样本。
seen = []


class NoteOrder(tf.keras.layers.Layer):  # 记下每次调用时批次里的样本
    def call(self, x):
        if tf.executing_eagerly():  # Keras 用符号输入搭建模型时不记
            seen.append(x.numpy()[:, 0].astype(int).tolist())
        return x


def orders_of_fit(epochs=3):  # 十个样本、一个批次：每轮一个顺序
    seen.clear()
    watcher = tf.keras.Sequential([tf.keras.Input(shape=(1,)), NoteOrder(),
                                   tf.keras.layers.Dense(1)])
    watcher.compile(optimizer="sgd", loss="mse", run_eagerly=True)  # call() 以即时模式运行
    watcher.fit(np.arange(10, dtype=np.float32).reshape(-1, 1), np.zeros(10, np.float32),
                batch_size=10, epochs=epochs, shuffle=True, verbose=0)
    return list(seen)


tf.keras.utils.set_random_seed(42)  # 和本书每个脚本的开头一样
for epoch, order in enumerate(orders_of_fit(), start=1):
    print(f"seeded, epoch {epoch}: {order}")
print("seeded, a second fit:", orders_of_fit(epochs=1)[0])
tf.keras.utils.set_random_seed(7)
print("seed 7, epochs 1-3:", orders_of_fit())
tf.random.set_seed(None)  # TensorFlow 不再有全局种子
try:
    orders_of_fit()
except RuntimeError as err:  # 开着运算确定性（本书一直开着）时，不带种子的随机运算会被拒绝
    print("no seed:", str(err).split(". ")[0])
