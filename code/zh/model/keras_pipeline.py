# Keras 训练流程（Keras Pipeline）：Sequential 与 Functional 模型，compile、fit、evaluate。
import argparse
import sys

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Train the MLP with compile() and fit().")
parser.add_argument("--epochs", type=int, default=5)
# 在 notebook 中，sys.argv 里是内核自己的参数：那里一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x, test_x = train_x.astype(np.float32) / 255.0, test_x.astype(np.float32) / 255.0

# Sequential：层的简单堆叠，每层的输出送入下一层。
sequential = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(100, activation="relu"),
    tf.keras.layers.Dense(10),
], name="mlp_sequential")
sequential.summary()

# Functional：在符号张量上调用各层，再指定输入和输出。
inputs = tf.keras.Input(shape=(28, 28), name="image")
x = tf.keras.layers.Flatten()(inputs)
x = tf.keras.layers.Dense(100, activation="relu")(x)
outputs = tf.keras.layers.Dense(10, name="logits")(x)
functional = tf.keras.Model(inputs=inputs, outputs=outputs, name="mlp_functional")
print(functional.name, "parameters:", functional.count_params())

# compile() 选定优化器、损失函数和评估指标（都用关键字参数）。
functional.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
)

# fit() 执行训练循环；留出 10% 的训练图像用于验证。
# verbose=0：不显示进度条；History 为每个量记下每一轮的值。
history = functional.fit(train_x, train_y, epochs=args.epochs, batch_size=50,
                         validation_split=0.1, verbose=0)
print("recorded:", list(history.history))
for epoch, values in enumerate(zip(*history.history.values()), 1):
    print(f"epoch {epoch}: " + ", ".join(
        f"{name} {value:.4f}" for name, value in zip(history.history, values)))

# 训练历史：验证结果不再改善时，再多训练几轮也无济于事。
# 图中的中文标签需要 CJK 字体：装有 Noto Sans CJK 时，用它补上 DejaVu Sans 缺的字形。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3))
epochs = np.arange(1, args.epochs + 1)
ax_loss.plot(epochs, history.history["loss"], "o-", label="训练集")
ax_loss.plot(epochs, history.history["val_loss"], "s--", label="验证集")
ax_loss.set_xlabel("轮")
ax_loss.set_ylabel("损失")
ax_loss.set_ylim(bottom=0)  # 从 0 开始，免得放大微小的变化
ax_loss.legend()
ax_acc.plot(epochs, history.history["accuracy"], "o-", label="训练集")
ax_acc.plot(epochs, history.history["val_accuracy"], "s--", label="验证集")
ax_acc.set_xlabel("轮")
ax_acc.set_ylabel("准确率")
ax_acc.set_ylim(top=1)  # 上限为 1，即满分
ax_acc.legend()
plt.tight_layout()
plt.show()

# 在测试集上 evaluate()，返回损失和评估指标。
test_loss, test_accuracy = functional.evaluate(test_x, test_y, batch_size=1000, verbose=0)
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")
probabilities = tf.nn.softmax(functional.predict(test_x[:5], verbose=0)).numpy()
print("first five predictions:", probabilities.argmax(axis=1), "labels:", test_y[:5])
print("their probabilities:", " ".join(f"{p:.3f}" for p in probabilities.max(axis=1)))

# 按位置给 compile() 传参：评估指标成了 loss_weights，fit() 随即失败。
wrong = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(10)])
wrong.compile(tf.keras.optimizers.Adam(), tf.keras.losses.SparseCategoricalCrossentropy(
    from_logits=True), [tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
try:
    wrong.fit(train_x[:100], train_y[:100], verbose=0)
except TypeError as error:
    print("TypeError:", str(error).split(". ")[0])
