# 评估与预测：evaluate()、predict() 和 model(x)；预测的类别与混淆矩阵。
import argparse
import sys
import time

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Evaluate an MLP and use its predictions.")
parser.add_argument("--train-images", type=int, default=10000)
parser.add_argument("--epochs", type=int, default=3)
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 60000:
    parser.error("--train-images must be between 1 and 60000")
tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:args.train_images].astype(np.float32) / 255.0
train_y = train_y[:args.train_images].astype(np.int32)
test_x, test_y = test_x.astype(np.float32) / 255.0, test_y.astype(np.int32)

# 带 Dropout 的 MLP：它在训练和推理时的行为不同。
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dropout(0.3),
    tf.keras.layers.Dense(10),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
history = model.fit(train_x, train_y, epochs=args.epochs, batch_size=50, verbose=0)
print(f"last training epoch: loss {history.history['loss'][-1]:.4f}, "
      f"accuracy {history.history['accuracy'][-1]:.4f}")

# evaluate()：整个测试集上的损失和评估指标，以列表或字典的形式返回。
as_list = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
print("evaluate:", [round(value, 4) for value in as_list], model.metrics_names)
results = model.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True)
print("return_dict=True:", {name: round(value, 4) for name, value in results.items()})


# predict()：逐批计算（默认每批 32 张图像），把输出拼成一个 NumPy 数组。
class BatchCounter(tf.keras.callbacks.Callback):  # 数一数 predict() 跑了多少个批次
    def on_predict_begin(self, logs=None):
        self.batches = 0

    def on_predict_batch_end(self, batch, logs=None):
        self.batches += 1


counter = BatchCounter()
logits = model.predict(test_x, verbose=0, callbacks=[counter])
print("predict:", type(logits).__name__, logits.shape, logits.dtype, "| batches:", counter.batches)

# model(x)：一次调用算一个批次，返回张量；参数 `training` 决定 Dropout 是否起作用。
outputs = model(test_x[:100])
print("model(x):", type(outputs).__name__, outputs.shape, outputs.dtype)
print("predict() equals model(x, training=False):",
      np.allclose(logits[:100], model(test_x[:100], training=False).numpy(), atol=1e-5))
print("model(x) equals model(x, training=False):",
      np.array_equal(outputs.numpy(), model(test_x[:100], training=False).numpy()))
labels_on = [model(test_x, training=True).numpy().argmax(axis=1) for _ in range(2)]
print("two calls with training=True give the same labels:",
      np.array_equal(labels_on[0], labels_on[1]))
print(f"labels changed by dropout: {np.mean(labels_on[0] != logits.argmax(axis=1)):.4f}; "
      f"accuracy with training=True {np.mean(labels_on[0] == test_y):.4f}")


# 哪种更快？每种方式计时几次，取最快的一次；只打印比较的结果。
def fastest(function, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


small = test_x[:32]
call_small = fastest(lambda: model(small))
predict_small = fastest(lambda: model.predict(small, verbose=0))
predict_32 = fastest(lambda: model.predict(test_x, verbose=0), repeats=2)
predict_1000 = fastest(lambda: model.predict(test_x, batch_size=1000, verbose=0))
call_all = fastest(lambda: model(test_x))
print("one batch of 32 images: model(x) faster than predict():", call_small < predict_small)
print("10,000 images: predict() faster with batches of 1,000 than of 32:",
      predict_1000 < predict_32)
print("10,000 images: one model(x) call faster than predict() with batches of 32:",
      call_all < predict_32)

# 从 logits 得到类别和概率。
predicted = logits.argmax(axis=1)  # logit 最大的类别
probabilities = tf.nn.softmax(logits).numpy()  # softmax 不改变大小顺序：argmax 相同
print("same labels from logits and probabilities:",
      np.array_equal(predicted, probabilities.argmax(axis=1)))
print("probabilities sum to 1:", np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5))
print(f"accuracy of the labels {np.mean(predicted == test_y):.4f}; "
      f"evaluate() said {results['accuracy']:.4f}")

# 混淆矩阵：行是真实类别，列是预测类别。
confusion = tf.math.confusion_matrix(test_y, predicted, num_classes=10).numpy()
print("test images per class:", confusion.sum(axis=1).tolist())
print("correct per class:", np.diag(confusion).tolist())
mistakes = confusion - np.diag(np.diag(confusion))  # 把对角线清零
for index in np.argsort(mistakes, axis=None)[::-1][:3]:  # 最多的三种错误
    true, guess = divmod(int(index), 10)
    print(f"{CLASS_NAMES[true]} predicted as {CLASS_NAMES[guess]}: {mistakes[true, guess]}")
for true, guess in [("Sneaker", "Ankle boot"), ("Sneaker", "Sandal"), ("Shirt", "T-shirt/top")]:
    print(f"{true} predicted as {guess}: {mistakes[CLASS_NAMES.index(true), CLASS_NAMES.index(guess)]}")

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
