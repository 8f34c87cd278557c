# fit()：NumPy 数组与 tf.data、History、验证、批大小、类别权重。
import argparse
import sys

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Training with fit().")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--train-images", type=int, default=10000)
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 4 <= args.train_images <= 48000:
    parser.error("--train-images must be between 4 and 48000: a quarter as many validate")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 两团高斯分布的点，各 1000 个：类别 0 以 (0, 3) 为中心，类别 1 以 (3, 0) 为中心。
rng = np.random.default_rng(42)
covariance = [[1.0, 0.5], [0.5, 1.0]]
class0 = rng.multivariate_normal(mean=[0.0, 3.0], cov=covariance, size=1000)
class1 = rng.multivariate_normal(mean=[3.0, 0.0], cov=covariance, size=1000)
points = np.vstack([class0, class1]).astype(np.float32)
classes = np.concatenate([np.zeros(1000), np.ones(1000)]).astype(np.int32)
print("points:", points.shape, points.dtype, "| classes:", classes.shape, classes.dtype,
      "| per class:", np.bincount(classes))

# 只输出一个 logit 的线性分类器：为正表示类别 1。
linear = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
linear.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
               loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
               metrics=[tf.keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0)])
history = linear.fit(points, classes, epochs=5, batch_size=64, verbose=0)
print("loss:    ", " ".join(f"{v:.4f}" for v in history.history["loss"]))
print("accuracy:", " ".join(f"{v:.4f}" for v in history.history["accuracy"]))
w, b = linear.layers[0].kernel.numpy()[:, 0], float(linear.layers[0].bias.numpy()[0])
print(f"logit = {w[0]:.4f} * x1 {w[1]:+.4f} * x2 {b:+.4f}")

# 决策边界是 logit 为 0 的地方：w1 x1 + w2 x2 + b = 0。
# 图中的中文标签需要 CJK 字体：装有 Noto Sans CJK 时，用它补上 DejaVu Sans 缺的字形。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(4.5, 4))
ax.scatter(*class0.T, s=4, alpha=0.5, label="类别 0")
ax.scatter(*class1.T, s=4, alpha=0.5, label="类别 1")
x1 = np.linspace(points[:, 0].min(), points[:, 0].max(), 2)
ax.plot(x1, -(w[0] * x1 + b) / w[1], "k-", label="logit = 0")
ax.set_xlabel("x1")
ax.set_ylabel("x2")
ax.legend()
plt.tight_layout()
plt.show()

# Fashion-MNIST：先手动打乱，再取一个子集，另留出其四分之一的数量作验证集。
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
n, n_valid = args.train_images, args.train_images // 4
order = np.random.default_rng(42).permutation(len(train_x))[:n + n_valid]
x = train_x[order].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[order].astype(np.int32)
x_train, y_train, x_valid, y_valid = x[:n], y[:n], x[n:], y[n:]
x_test = test_x.reshape(-1, 784).astype(np.float32) / 255.0
y_test = test_y.astype(np.int32)
print("train", x_train.shape, "| validation", x_valid.shape, "| test", x_test.shape)


def make_mlp():  # 第 2 章的 MLP，compile 的设置也与那里相同
    tf.keras.utils.set_random_seed(42)  # 这里搭建的每个模型，初始权重都相同
    model = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                                 tf.keras.layers.Dense(100, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


mlp = make_mlp()
history = mlp.fit(x_train, y_train, epochs=args.epochs, batch_size=128,
                  validation_data=(x_valid, y_valid), verbose=0)
print("History keys:", list(history.history), "| epochs:", history.epoch)
for epoch in history.epoch:
    print(f"epoch {epoch + 1}: " + ", ".join(
        f"{name} {values[epoch]:.4f}" for name, values in history.history.items()))
test_loss, test_accuracy = mlp.evaluate(x_test, y_test, batch_size=1000, verbose=0)
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")

# 把 History 画成曲线：训练值是每轮的平均，验证值在每轮结束时测得。
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3))
epochs = np.arange(1, args.epochs + 1)
for ax, name in [(ax_loss, "loss"), (ax_acc, "accuracy")]:
    ax.plot(epochs, history.history[name], "o-", label="训练集")
    ax.plot(epochs, history.history["val_" + name], "s--", label="验证集")
    ax.set_xlabel("轮")
    ax.set_ylabel(name)
    ax.set_xticks(epochs)
    ax.legend()
plt.tight_layout()
plt.show()

# validation_split 取的是数组的最后一部分，而且是在打乱之前取的。
by_class = np.argsort(y, kind="stable")  # 同样的图像，按标签排好序
x_sorted, y_sorted = x[by_class], y[by_class]
held_out = y_sorted[-n_valid:]  # validation_split=0.2 留出的部分
held_labels, held_counts = np.unique(held_out, return_counts=True)
print("labels held out:", dict(zip(held_labels.tolist(), held_counts.tolist())))
trained_labels, trained_counts = np.unique(y_sorted[:-n_valid], return_counts=True)
print("labels trained on:", dict(zip(trained_labels.tolist(), trained_counts.tolist())))
sorted_history = make_mlp().fit(x_sorted, y_sorted, epochs=1, batch_size=128,
                                validation_split=0.2, verbose=0)
print(f"sorted data: accuracy {sorted_history.history['accuracy'][0]:.4f}, "
      f"val_accuracy {sorted_history.history['val_accuracy'][0]:.4f}")

# 批次与轮：每个批次更新一步；最后一个批次可能不满。
steps = -(-n // 128)  # n / 128，向上取整
print(f"{n} images, batch size 128: {steps} steps per epoch "
      f"({n // 128} full batches and one of {n % 128})")
print(f"optimizer steps after {args.epochs} epochs: {int(mlp.optimizer.iterations)} "
      f"= {args.epochs} x {steps}")
for batch_size in [32, 64, 512]:
    print(f"batch size {batch_size:3d}: {-(-n // batch_size)} steps per epoch")

# tf.data：打乱样本、分成批次，并在训练当前批次时准备好下一批。
train_ds = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
            .shuffle(buffer_size=n, seed=42)
            .batch(128)
            .prefetch(tf.data.AUTOTUNE))
valid_ds = tf.data.Dataset.from_tensor_slices((x_valid, y_valid)).batch(1000)
print(train_ds.element_spec)
ds_mlp = make_mlp()
ds_history = ds_mlp.fit(train_ds, epochs=args.epochs, validation_data=valid_ds,
                        shuffle=False, verbose=0)  # 数据集自己负责打乱
print(f"tf.data: val_loss {ds_history.history['val_loss'][-1]:.4f}, "
      f"val_accuracy {ds_history.history['val_accuracy'][-1]:.4f}")


# 一个不平衡的玩具问题：类别 0 有 1900 个点，稀有的类别 1 只有 100 个，两者有重叠。
def imbalanced(seed):
    rng = np.random.default_rng(seed)
    common = rng.normal(loc=[0.0, 0.0], scale=1.0, size=(1900, 2))
    rare = rng.normal(loc=[2.0, 2.0], scale=1.0, size=(100, 2))
    points = np.vstack([common, rare]).astype(np.float32)
    return points, np.concatenate([np.zeros(1900), np.ones(100)]).astype(np.int32)


rare_x, rare_y = imbalanced(seed=1)
rare_x_test, rare_y_test = imbalanced(seed=2)
counts = np.bincount(rare_y)
class_weight = {c: float(len(rare_y) / (2 * counts[c])) for c in (0, 1)}  # “平衡”权重
print("class weights:", {c: round(v, 4) for c, v in class_weight.items()})
for weights in [None, class_weight]:
    tf.keras.utils.set_random_seed(42)  # 两次训练的初始权重和批次都相同
    model = tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0),
                           tf.keras.metrics.Precision(thresholds=0.0, name="precision"),
                           tf.keras.metrics.Recall(thresholds=0.0, name="recall")])
    model.fit(rare_x, rare_y, epochs=10, batch_size=128, class_weight=weights, verbose=0)
    result = model.evaluate(rare_x_test, rare_y_test, verbose=0, return_dict=True)
    print(f"class_weight={'balanced' if weights else 'None':8s}: " + ", ".join(
        f"{name} {result[name]:.4f}" for name in ["accuracy", "precision", "recall"]))
