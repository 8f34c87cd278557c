# Fashion-MNIST 上的卷积神经网络，并与参数量相当的 MLP 比较。
import argparse
import sys

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Train a CNN on Fashion-MNIST.")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--learning-rate", type=float, default=3e-3)
parser.add_argument("--train-images", type=int, default=60_000,
                    help="train on the first N images only (a quick try)")
# 在 notebook 中，sys.argv 里是内核自己的参数：那里一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if (args.epochs < 1 or args.batch_size < 1 or args.learning_rate <= 0
        or not 10 <= args.train_images <= 60_000):
    parser.error("--epochs and --batch-size must be at least 1, --learning-rate above 0, "
                 "--train-images from 10 (a tenth is held out) to 60000 (all there are)")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从 "conv2d" 重新编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

CLASS_NAMES = ["T 恤/上衣", "裤子", "套头衫", "连衣裙", "外套",
               "凉鞋", "衬衫", "运动鞋", "包", "短靴"]

# 数据与 MLP 一页相同：[0, 1] 区间的 float32 图像带通道轴，int32 标签。
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x, train_y = train_x[:args.train_images], train_y[:args.train_images]
train_images = np.expand_dims(train_x.astype(np.float32) / 255.0, axis=-1)
test_images = np.expand_dims(test_x.astype(np.float32) / 255.0, axis=-1)
train_labels, test_labels = train_y.astype(np.int32), test_y.astype(np.int32)
print("train:", train_images.shape, "test:", test_images.shape)


# 卷积神经网络：一级卷积加池化，一级步幅为 2 的卷积，然后是两个全连接层。
class CNN(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = tf.keras.layers.Conv2D(
            filters=16, kernel_size=3, padding="same", activation="relu")
        self.pool1 = tf.keras.layers.MaxPool2D(pool_size=2)  # strides = pool_size
        self.conv2 = tf.keras.layers.Conv2D(  # strides=2：自己完成下采样，省去池化
            filters=32, kernel_size=3, strides=2, padding="same", activation="relu")
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units=128, activation="relu")
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, images):      # [batch, 28, 28, 1]
        x = self.conv1(images)    # [batch, 28, 28, 16]
        x = self.pool1(x)         # [batch, 14, 14, 16]
        x = self.conv2(x)         # [batch, 7, 7, 32]
        x = self.flatten(x)       # [batch, 1568]
        x = self.dense1(x)        # [batch, 128]
        return self.dense2(x)     # [batch, 10]：logits


# 用 compile() 和 fit() 训练：就是 MLP 一页的训练循环，由 Keras 代劳。
# validation_split 留出训练图像的最后 10% 作验证集，与 MLP 一页相同。
def train(model):
    # 与 MLP 一页相同，学习率沿余弦曲线衰减到 0。
    steps = args.epochs * -(-int(0.9 * len(train_images)) // args.batch_size)
    schedule = tf.keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps)
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=schedule),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    history = model.fit(train_images, train_labels, epochs=args.epochs,
                        batch_size=args.batch_size, validation_split=0.1, verbose=0)
    # fit() 返回的 History 中最后一轮的数值（前几轮离收敛还远，在不同 CPU 上差得更多；
    # verbose=2 还会加上耗时）。
    last = ", ".join(f"{name} {values[-1]:.4f}" for name, values in history.history.items())
    print(f"epoch {args.epochs} of {args.epochs}: {last}")
    _, test_accuracy = model.evaluate(test_images, test_labels, batch_size=1000, verbose=0)
    return test_accuracy


cnn = CNN()
cnn_accuracy = train(cnn)
print(f"CNN test accuracy: {cnn_accuracy:.4f} after {args.epochs} epochs "
      f"({cnn.count_params():,} parameters)")

# 参数量与 CNN 相当的 MLP：784 -> 256 -> 10。
wide_mlp = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dense(10),
], name="wide_mlp")
mlp_accuracy = train(wide_mlp)
print(f"MLP test accuracy: {mlp_accuracy:.4f} after {args.epochs} epochs "
      f"({wide_mlp.count_params():,} parameters)")

# 混淆矩阵：行是真实类别，列是预测类别。
predicted = tf.argmax(cnn.predict(test_images, batch_size=1000, verbose=0), axis=1)
confusion = tf.math.confusion_matrix(test_labels, predicted, num_classes=10).numpy()
print("correct per class:", np.diag(confusion).tolist())  # 对角线：答对的个数
for row in confusion:  # 图中的每个计数，逐行打印
    print(row.tolist())
# 图中的中文标签需要 CJK 字体：装有 Noto Sans CJK 时，用它补上 DejaVu Sans 缺的字形。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(6, 5))
ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=7,
                color="white" if confusion[i, j] > confusion.max() / 2 else "black")
ax.set_xticks(range(10), CLASS_NAMES, rotation=90)
ax.set_yticks(range(10), CLASS_NAMES)
ax.set_xlabel("预测类别")
ax.set_ylabel("真实类别")
plt.tight_layout()
plt.show()

# 第一个卷积层学到的 16 个 3x3 卷积核。
kernel = cnn.conv1.kernel.numpy()  # [3, 3, 1, 16]
print("first-layer kernel:", kernel.shape)
fig, axes = plt.subplots(2, 8, figsize=(8, 2.2))
for k, ax in enumerate(axes.flat):
    ax.imshow(kernel[:, :, 0, k], cmap="bwr", vmin=-np.abs(kernel).max(), vmax=np.abs(kernel).max())
    ax.set_title(f"卷积核 {k}", fontsize=7)
    ax.axis("off")
plt.tight_layout()
plt.show()
