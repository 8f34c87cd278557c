# 在 Fashion-MNIST 上做图像分类：先用多层感知机，再用 CNN。
import argparse

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Train an MLP and a CNN on Fashion-MNIST.")
parser.add_argument("--mlp-epochs", type=int, default=5)
parser.add_argument("--cnn-epochs", type=int, default=2)
parser.add_argument("--batch-size", type=int, default=50)
parser.add_argument("--learning-rate", type=float, default=1e-3)
args, _ = parser.parse_known_args()  # 只解析已知参数：notebook 内核会附加它自己的参数

tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


# 数据：图像为 [0, 1] 内的 float32，带通道轴；标签为 int32。
class FashionMNISTLoader:
    def __init__(self):
        (train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
        # [N, 28, 28] uint8 -> [N, 28, 28, 1] float32
        self.train_images = np.expand_dims(train_x.astype(np.float32) / 255.0, axis=-1)
        self.test_images = np.expand_dims(test_x.astype(np.float32) / 255.0, axis=-1)
        self.train_labels = train_y.astype(np.int32)
        self.test_labels = test_y.astype(np.int32)

    def batches(self, batch_size):
        # 一轮：每张训练图像各用一次，顺序重新随机打乱。
        order = np.random.permutation(len(self.train_images))
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            yield self.train_images[index], self.train_labels[index]


data = FashionMNISTLoader()
print("train:", data.train_images.shape, data.train_labels.shape)
print("test: ", data.test_images.shape, data.test_labels.shape)
print("pixel range:", data.train_images.min(), "to", data.train_images.max())

# 十六张训练图像及其标签。
fig, axes = plt.subplots(2, 8, figsize=(10, 3))
for ax, image, label in zip(axes.flat, data.train_images, data.train_labels):
    ax.imshow(image[:, :, 0], cmap="gray_r")
    ax.set_title(CLASS_NAMES[label], fontsize=8)
    ax.axis("off")
plt.tight_layout()
plt.show()


# 模型：把每张图像展平，经过一个 100 个单元的隐藏层，输出十个类别的得分。
class MLP(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units=100, activation="relu")
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, images):      # [batch, 28, 28, 1]
        x = self.flatten(images)  # [batch, 784]
        x = self.dense1(x)        # [batch, 100]
        x = self.dense2(x)        # [batch, 10]
        return tf.nn.softmax(x)   # 各类别概率，总和为 1


# softmax 把任意十个得分变成概率。
scores = tf.constant([[2.0, 1.0, 0.1, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0]])
probabilities = tf.nn.softmax(scores)
print(probabilities.numpy().round(3), f"sum = {float(tf.reduce_sum(probabilities)):.4f}")


# 训练：用 GradientTape 写的训练循环，每一步由 tf.function 编译。
def train(model, data, epochs, batch_size, learning_rate):
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            probabilities = model(images)
            loss = tf.keras.losses.sparse_categorical_crossentropy(labels, probabilities)
            loss = tf.reduce_mean(loss)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for epoch in range(epochs):
        for images, labels in data.batches(batch_size):
            losses.append(float(train_step(images, labels)))
        print(f"epoch {epoch + 1}: mean loss over its last 200 batches {np.mean(losses[-200:]):.4f}")
    return losses


mlp = MLP()
mlp_losses = train(mlp, data, args.mlp_epochs, args.batch_size, args.learning_rate)

# 每个批次的损失，以及它在 100 个批次上的滑动平均。
smooth = np.convolve(mlp_losses, np.ones(100) / 100, mode="valid")
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(mlp_losses, alpha=0.3, label="batch loss")
ax.plot(np.arange(99, len(mlp_losses)), smooth, label="mean of 100 batches")
ax.set_xlabel("batch")
ax.set_ylabel("cross-entropy")
ax.legend()
plt.show()

# 稀疏标签（类别编号）和 one-hot 标签算出的交叉熵相同。
images, labels = data.test_images[:8], data.test_labels[:8]
probabilities = mlp(images)
sparse = tf.keras.losses.sparse_categorical_crossentropy(labels, probabilities)
one_hot = tf.keras.losses.categorical_crossentropy(tf.one_hot(labels, depth=10), probabilities)
print("sparse: ", sparse.numpy().round(4))
print("one-hot:", one_hot.numpy().round(4))


# 评估：评估指标对象用 update_state() 在各批次上累积。
def evaluate(model, data, batch_size=1000):
    accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    for start in range(0, len(data.test_images), batch_size):
        images = data.test_images[start:start + batch_size]
        labels = data.test_labels[start:start + batch_size]
        accuracy.update_state(labels, model(images))
    return float(accuracy.result())


mlp_accuracy = evaluate(mlp, data)
print(f"MLP test accuracy: {mlp_accuracy:.4f}")

# 全连接层的变量：每层一个权重矩阵 kernel [inputs, units] 和一个偏置 [units]。
for variable in mlp.variables:
    print(f"{variable.path:24s} {str(variable.shape):12s} {int(np.prod(variable.shape)):7d}")
print("parameters:", mlp.count_params())


# 卷积神经网络：两级卷积 + 池化，再接两个全连接层。
class CNN(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = tf.keras.layers.Conv2D(
            filters=16, kernel_size=3, padding="same", activation="relu")
        self.pool1 = tf.keras.layers.MaxPool2D(pool_size=2)  # 步长默认等于 pool_size
        self.conv2 = tf.keras.layers.Conv2D(
            filters=32, kernel_size=3, padding="same", activation="relu")
        self.pool2 = tf.keras.layers.MaxPool2D(pool_size=2)
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units=128, activation="relu")
        self.dense2 = tf.keras.layers.Dense(units=10)

    def call(self, images):      # [batch, 28, 28, 1]
        x = self.conv1(images)    # [batch, 28, 28, 16]
        x = self.pool1(x)         # [batch, 14, 14, 16]
        x = self.conv2(x)         # [batch, 14, 14, 32]
        x = self.pool2(x)         # [batch, 7, 7, 32]
        x = self.flatten(x)       # [batch, 1568]
        x = self.dense1(x)        # [batch, 128]
        x = self.dense2(x)        # [batch, 10]
        return tf.nn.softmax(x)


cnn = CNN()
cnn_losses = train(cnn, data, args.cnn_epochs, args.batch_size, args.learning_rate)
cnn_accuracy = evaluate(cnn, data)
print(f"CNN test accuracy: {cnn_accuracy:.4f} after {args.cnn_epochs} epochs "
      f"({cnn.count_params()} parameters)")
print(f"MLP test accuracy: {mlp_accuracy:.4f} after {args.mlp_epochs} epochs "
      f"({mlp.count_params()} parameters)")
