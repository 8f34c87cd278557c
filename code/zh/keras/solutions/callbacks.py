# 《回调》一节练习的参考答案。
import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 练习 1：用正文打印的验证损失重放 EarlyStopping 的判断过程。
# 回调要有一个模型才能叫停训练（它设置 model.stop_training）；没训练过的模型就够了。
page_losses = [0.5285, 0.4821, 0.4782, 0.4827, 0.4807, 0.5063]
dummy = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Dense(1)])


def replay(losses, **settings):  # 返回（训练了几轮，最好的是第几轮），与 fit() 的结果一致
    stop = tf.keras.callbacks.EarlyStopping(monitor="val_loss", mode="min", **settings)
    stop.set_model(dummy)
    dummy.stop_training = False
    stop.on_train_begin()
    for epoch, loss in enumerate(losses):
        stop.on_epoch_end(epoch, {"val_loss": loss})
        if dummy.stop_training:
            break
    return epoch + 1, stop.best_epoch + 1


print("min_delta patience: stopped after, best epoch")
for min_delta in [0.0, 0.004, 0.05]:
    for patience in [1, 2, 3]:
        epochs, best = replay(page_losses, min_delta=min_delta, patience=patience)
        print(f"{min_delta:9} {patience:8}: {epochs}, {best}")


# 练习 2：验证准确率一达到目标就结束训练的回调。
class StopAtAccuracy(tf.keras.callbacks.Callback):
    def __init__(self, target):
        super().__init__()
        self.target = target

    def on_epoch_end(self, epoch, logs=None):
        if logs["val_accuracy"] >= self.target:
            print(f"epoch {epoch + 1}: val_accuracy {logs['val_accuracy']:.4f} "
                  f">= {self.target}, stopping")
            self.model.stop_training = True


(images, labels), _ = tf.keras.datasets.fashion_mnist.load_data()
images, labels = images.astype(np.float32) / 255.0, labels.astype(np.int32)
train_x, train_y, val_x, val_y = images[:5000], labels[:5000], images[-5000:], labels[-5000:]
# 与正文中提前停止那次训练相同的初始权重和批次。
tf.keras.utils.set_random_seed(42)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(512, activation="relu"),
    tf.keras.layers.Dense(10),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
history = model.fit(train_x, train_y, epochs=20, batch_size=50,
                    validation_data=(val_x, val_y), validation_batch_size=1000,
                    callbacks=[StopAtAccuracy(0.825)], verbose=0)
print("val_accuracy per epoch:", " ".join(f"{v:.4f}" for v in history.history["val_accuracy"]))


# 练习 3 和练习 4：第 4 轮中途崩溃，以及重启后的程序看到的情形。
def compiled_mlp():  # 正文中的模型，初始权重也与正文相同
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(512, activation="relu"),
        tf.keras.layers.Dense(10),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


class Crash(tf.keras.callbacks.Callback):  # 正文中模拟崩溃的回调
    def __init__(self, epoch, batch):
        super().__init__()
        self.epoch, self.batch = epoch, batch

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        if (self.current_epoch, batch + 1) == (self.epoch, self.batch):
            raise RuntimeError(f"simulated crash in epoch {self.epoch}, after batch {self.batch}")


def crash_and_resume(callbacks, crash):  # 一个程序崩溃，第二个程序接着训练
    try:
        compiled_mlp().fit(**fit_args, callbacks=callbacks() + [crash])
    except RuntimeError as error:
        print(error)
    with open(os.path.join(backup_dir, "training_metadata.json")) as file:
        print("training_metadata.json:", file.read())
    model = compiled_mlp()
    model.fit(**fit_args, callbacks=callbacks())
    return model


fit_args = dict(x=train_x, y=train_y, epochs=6, batch_size=50,
                validation_data=(val_x, val_y), validation_batch_size=1000, verbose=0)
work_dir = tempfile.mkdtemp()
backup_dir, csv_path = os.path.join(work_dir, "backup"), os.path.join(work_dir, "epochs.csv")

# 练习 3：不设 append=True 的 CSVLogger。
crash_and_resume(lambda: [tf.keras.callbacks.BackupAndRestore(backup_dir),
                          tf.keras.callbacks.CSVLogger(csv_path)], Crash(epoch=4, batch=30))
with open(csv_path) as file:
    print("epochs in the CSV:", [row.split(",")[0] for row in file.read().splitlines()])

# 练习 4：每 40 个批次备份一次（一轮有 100 个批次），在第 4 轮的第 70 个批次之后崩溃。
reference = compiled_mlp()
reference.fit(**fit_args)
model = crash_and_resume(lambda: [tf.keras.callbacks.BackupAndRestore(backup_dir, save_freq=40)],
                         Crash(epoch=4, batch=70))
print("optimizer steps: uninterrupted", int(reference.optimizer.iterations),
      "| crashed and resumed", int(model.optimizer.iterations))
same = all(np.array_equal(a, b) for a, b in zip(model.get_weights(), reference.get_weights()))
print("same final weights as the uninterrupted run:", same)
shutil.rmtree(work_dir)
