# 《Keras 训练流程》一节练习的参考答案。
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 只用十分之一的训练图像，让 MLP 在几轮之内就过拟合。
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x, test_x = train_x[:6000].astype(np.float32) / 255.0, test_x.astype(np.float32) / 255.0
train_y = train_y[:6000]


def compiled_mlp():  # 正文中的 MLP 和 compile() 的设置
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(100, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


# 练习 1 第一步：训练 20 轮，验证损失在哪一轮最低？
model = compiled_mlp()
history = model.fit(train_x, train_y, epochs=20, batch_size=50, validation_split=0.1,
                    verbose=0)
val_loss = np.array(history.history["val_loss"])
best = int(val_loss.argmin()) + 1
print("validation loss:", " ".join(f"{v:.3f}" for v in val_loss))
print(f"lowest at epoch {best}: {val_loss.min():.4f}; at epoch 20: {val_loss[-1]:.4f}")

fig, ax = plt.subplots(figsize=(6, 3))
epochs = np.arange(1, 21)
ax.plot(epochs, history.history["loss"], "o-", label="training")
ax.plot(epochs, val_loss, "s--", label="validation")
ax.axvline(best, color="gray", linestyle=":", label="lowest validation loss")
ax.set_xlabel("epoch")
ax.set_ylabel("loss")
ax.set_ylim(bottom=0)
ax.legend()
plt.tight_layout()
plt.show()

# 第二步：验证损失连续 `patience` 轮没有改善时，EarlyStopping 结束训练，
# 并恢复最好的那一轮的权重。
tf.keras.utils.set_random_seed(42)
model = compiled_mlp()
stop = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                        restore_best_weights=True)
history = model.fit(train_x, train_y, epochs=20, batch_size=50, validation_split=0.1,
                    callbacks=[stop], verbose=0)
print(f"stopped after {len(history.history['loss'])} epochs; best epoch {stop.best_epoch + 1}, "
      f"validation loss {stop.best:.4f}")
test_loss, test_accuracy = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")
