# 在 Fashion-MNIST 上做图像分类：多层感知机，训练循环亲手编写。
import argparse
import sys

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Train an MLP on Fashion-MNIST.")
parser.add_argument("--epochs", type=int, default=10)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--learning-rate", type=float, default=2e-3)
# 在 notebook 中，sys.argv 里是内核自己的参数：那里一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if min(args.epochs, args.batch_size) < 1 or args.learning_rate <= 0:
    parser.error("--epochs and --batch-size must be at least 1, --learning-rate above 0")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从 "dense" 重新编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

CLASS_NAMES = ["T 恤/上衣", "裤子", "套头衫", "连衣裙", "外套",
               "凉鞋", "衬衫", "运动鞋", "包", "短靴"]


# 数据：图像为 [0, 1] 区间的 float32 并带通道轴，标签为 int32。
class FashionMNISTLoader:
    def __init__(self, validation_size=6000):
        (train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
        # [N, 28, 28] uint8 -> [N, 28, 28, 1] float32
        images = np.expand_dims(train_x.astype(np.float32) / 255.0, axis=-1)
        labels = train_y.astype(np.int32)
        # 训练图像的最后 6000 张留作验证集。
        self.train_images, self.valid_images = images[:-validation_size], images[-validation_size:]
        self.train_labels, self.valid_labels = labels[:-validation_size], labels[-validation_size:]
        self.test_images = np.expand_dims(test_x.astype(np.float32) / 255.0, axis=-1)
        self.test_labels = test_y.astype(np.int32)

    def batches(self, batch_size):
        # 一轮：每张训练图像用一次，每轮重新打乱顺序。
        order = np.random.permutation(len(self.train_images))
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            yield self.train_images[index], self.train_labels[index]


data = FashionMNISTLoader()
print("train:     ", data.train_images.shape, data.train_labels.shape)
print("validation:", data.valid_images.shape, data.valid_labels.shape)
print("test:      ", data.test_images.shape, data.test_labels.shape)
print("pixel range:", data.train_images.min(), "to", data.train_images.max())

# 16 张训练图像及其标签。
# 图中的中文标签需要 CJK 字体：装有 Noto Sans CJK 时，用它补上 DejaVu Sans 缺的字形。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, axes = plt.subplots(2, 8, figsize=(10, 3))
for ax, image, label in zip(axes.flat, data.train_images, data.train_labels):
    ax.imshow(image[:, :, 0], cmap="gray_r")
    ax.set_title(CLASS_NAMES[label], fontsize=8)
    ax.axis("off")
plt.tight_layout()
plt.show()


# 模型：把图像展平，一个 100 单元的隐藏层，输出 10 个类别的得分（logits）。
class MLP(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units=100, activation="relu")
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, images):      # [batch, 28, 28, 1]
        x = self.flatten(images)  # [batch, 784]
        x = self.dense1(x)        # [batch, 100]
        return self.dense2(x)     # [batch, 10]：logits，每个类别一个得分


# softmax 把任意 10 个得分变成概率。
scores = tf.constant([[2.0, 1.0, 0.1, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0]])
probabilities = tf.nn.softmax(scores)
print(probabilities.numpy().round(3), f"sum = {float(tf.reduce_sum(probabilities)):.4f}")


# 一组图像上的准确率：评估指标对象用 update_state() 逐批累积。
def accuracy(model, images, labels, batch_size=1000):
    metric = tf.keras.metrics.SparseCategoricalAccuracy()
    for start in range(0, len(images), batch_size):
        logits = model(images[start:start + batch_size])
        metric.update_state(labels[start:start + batch_size], logits)
    return float(metric.result())


# 训练：梯度带训练循环，训练步骤用 tf.function 编译。
def train(model, data, epochs, batch_size, learning_rate):
    # 学习率在全部训练步里沿余弦曲线从初始值降到 0。
    steps = epochs * -(-len(data.train_images) // batch_size)  # 每轮的批数，向上取整
    schedule = tf.keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    optimizer = tf.keras.optimizers.Adam(learning_rate=schedule)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = tf.keras.losses.sparse_categorical_crossentropy(
                labels, logits, from_logits=True)
            loss = tf.reduce_mean(loss)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for epoch in range(epochs):
        epoch_losses = [float(train_step(images, labels))
                        for images, labels in data.batches(batch_size)]
        losses.extend(epoch_losses)
        valid_accuracy = accuracy(model, data.valid_images, data.valid_labels)
        print(f"epoch {epoch + 1}: train loss {np.mean(epoch_losses):.4f}, "
              f"validation accuracy {valid_accuracy:.4f}")
    return losses


mlp = MLP()
mlp_losses = train(mlp, data, args.epochs, args.batch_size, args.learning_rate)

# 每个批次的损失，以及 100 个批次的滑动平均。
smooth = np.convolve(mlp_losses, np.ones(100) / 100, mode="valid")
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(mlp_losses, alpha=0.3, label="单个批次的损失")
ax.plot(np.arange(99, len(mlp_losses)), smooth, label="100 个批次的平均")
for epoch in range(1, args.epochs):  # 每一轮开始处画一条点线
    ax.axvline(epoch * len(mlp_losses) / args.epochs, color="gray", linestyle=":", linewidth=0.8)
ax.set_xlabel("批次")
ax.set_ylabel("交叉熵")
ax.legend()
plt.show()

# 预测：softmax 把 logits 变成概率；损失函数直接使用 logits。
images, labels = data.test_images[:8], data.test_labels[:8]
logits = mlp(images)
print("probabilities of image 0:", " ".join(f"{p:.3f}" for p in tf.nn.softmax(logits)[0]))
print("predicted:", tf.argmax(logits, axis=1).numpy(), "labels:", labels)
sparse = tf.keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
one_hot = tf.keras.losses.categorical_crossentropy(
    tf.one_hot(labels, depth=10), logits, from_logits=True)
print("sparse: ", " ".join(f"{value:.4f}" for value in sparse.numpy()))
print("one-hot:", " ".join(f"{value:.4f}" for value in one_hot.numpy()))

# 在没有参与训练的 10000 张测试图像上评估。
print(f"MLP test accuracy: {accuracy(mlp, data.test_images, data.test_labels):.4f} "
      f"after {args.epochs} epochs")

# 全连接层的变量：每层一个 kernel [inputs, units] 和一个 bias [units]。
for variable in mlp.variables:
    print(f"{variable.path:24s} {str(variable.shape):12s} {int(np.prod(variable.shape)):7d}")
print("parameters:", mlp.count_params())
