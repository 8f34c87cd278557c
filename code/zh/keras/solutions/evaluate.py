# 《评估与预测》一节练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 重复正文的数据、模型和训练，让这个脚本可以单独运行。
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x, train_y = train_x[:10000].astype(np.float32) / 255.0, train_y[:10000].astype(np.int32)
test_x, test_y = test_x.astype(np.float32) / 255.0, test_y.astype(np.int32)
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
model.fit(train_x, train_y, epochs=3, batch_size=50, verbose=0)

# 练习 1：用 predict() 返回的 logits 重新算出 evaluate() 的结果。
results = model.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True)
logits = model.predict(test_x, batch_size=1000, verbose=0)
log_probabilities = tf.nn.log_softmax(logits).numpy()
by_hand = -np.mean(log_probabilities[np.arange(len(test_y)), test_y])  # -log p(真实类别)
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
keras_loss = float(loss_object(test_y, logits))
print(f"loss: evaluate {results['loss']:.4f} | loss object {keras_loss:.4f} | by hand {by_hand:.4f}")
print(f"accuracy: evaluate {results['accuracy']:.4f} | "
      f"by hand {np.mean(logits.argmax(axis=1) == test_y):.4f}")
print("loss the same to 1e-5:", abs(results["loss"] - by_hand) < 1e-5)

# 练习 2：从混淆矩阵读出每个类别的精确率和召回率。
predicted = logits.argmax(axis=1)
confusion = tf.math.confusion_matrix(test_y, predicted, num_classes=10).numpy()
recall = np.diag(confusion) / confusion.sum(axis=1)  # 真实属于该类的样本中，找出了多少
precision = np.diag(confusion) / confusion.sum(axis=0)  # 预测为该类的样本中，有多少是对的
print(f"{'class':<12} precision recall")
for name, p, r in zip(CLASS_NAMES, precision, recall):
    print(f"{name:<12} {p:9.4f} {r:6.4f}")

# 用 Keras 的评估指标对一个类别再算一遍：top_k=1 表示只看得分最高的类别。
shirt = CLASS_NAMES.index("Shirt")
one_hot = tf.one_hot(test_y, 10)
keras_precision = tf.keras.metrics.Precision(class_id=shirt, top_k=1)
keras_recall = tf.keras.metrics.Recall(class_id=shirt, top_k=1)
keras_precision.update_state(one_hot, logits)
keras_recall.update_state(one_hot, logits)
print(f"Shirt with Keras: precision {float(keras_precision.result()):.4f}, "
      f"recall {float(keras_recall.result()):.4f}")

# 练习 3：有把握才回答。阈值在模型没有训练过的 5000 张训练图像上选定，
# 再在测试集上检验一次。
TARGET = 0.95  # 希望模型回答的图像达到的准确率
(images, labels), _ = tf.keras.datasets.fashion_mnist.load_data()
val_x, val_y = images[10000:15000].astype(np.float32) / 255.0, labels[10000:15000].astype(np.int32)


def confidence_and_hits(x, y):  # 每张图像的最大概率，以及标签是否答对
    probabilities = tf.nn.softmax(model.predict(x, batch_size=1000, verbose=0)).numpy()
    return probabilities.max(axis=1), probabilities.argmax(axis=1) == y


val_confidence, val_hits = confidence_and_hits(val_x, val_y)
order = np.argsort(-val_confidence)  # 最有把握的排在前面
running = np.cumsum(val_hits[order]) / np.arange(1, len(order) + 1)
threshold = val_confidence[order][np.nonzero(running >= TARGET)[0].max()]  # 回答尽可能多的图像
test_confidence, test_hits = confidence_and_hits(test_x, test_y)
print(f"target {TARGET:.0%}: answer when the top probability is at least {threshold:.4f}")
for name, confidence, hits in [("validation", val_confidence, val_hits),
                               ("test", test_confidence, test_hits)]:
    answered = confidence >= threshold
    print(f"{name:10s} answers {answered.mean():.4f} of the images, accuracy on them "
          f"{hits[answered].mean():.4f} (on all: {hits.mean():.4f})")
