# 回调：提前停止、检查点、降低学习率、自己写的回调、TensorBoard，
# 以及中断后接着训练。
import argparse
import os
import shutil
import sys
import tempfile

import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

parser = argparse.ArgumentParser(description="Train an MLP with Keras callbacks.")
parser.add_argument("--train-images", type=int, default=5000)
parser.add_argument("--epochs", type=int, default=20)  # 只是上限：EarlyStopping 会提前结束训练
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 55000:
    parser.error("--train-images must be between 1 and 55000: the last 5000 images validate")
tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 训练集很小，较宽的 MLP 几轮之内就会过拟合；验证集取训练图像的最后 5000 张，
# 模型从不在这些图像上训练。
(images, labels), _ = tf.keras.datasets.fashion_mnist.load_data()
images, labels = images.astype(np.float32) / 255.0, labels.astype(np.int32)
train_x, train_y = images[:args.train_images], labels[:args.train_images]
val_x, val_y = images[-5000:], labels[-5000:]


def compiled_mlp():  # 每次运行都用新的权重和新的优化器
    tf.keras.utils.set_random_seed(42)  # 每次训练的初始权重和批次都相同
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


# EarlyStopping：val_loss 连续 `patience` 轮的改善都不超过 min_delta 时停止训练，
# 然后换回最好那一轮的权重。
stop = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, min_delta=0.0,
                                        restore_best_weights=True)
# ModelCheckpoint：val_loss 每创新低一次，就把整个模型保存成一个 .keras 文件。
checkpoint_dir = tempfile.mkdtemp()  # 新建一个临时文件夹
checkpoint = tf.keras.callbacks.ModelCheckpoint(
    os.path.join(checkpoint_dir, "mlp-{epoch:02d}-{val_loss:.4f}.keras"),
    monitor="val_loss", save_best_only=True)

model = compiled_mlp()
history = model.fit(train_x, train_y, epochs=args.epochs, batch_size=50,
                    validation_data=(val_x, val_y), validation_batch_size=1000,
                    callbacks=[stop, checkpoint], verbose=0)
val_loss = history.history["val_loss"]
print("validation loss:", " ".join(f"{v:.4f}" for v in val_loss))
print(f"stopped after {len(val_loss)} of {args.epochs} epochs; "
      f"best epoch {stop.best_epoch + 1}, val_loss {stop.best:.4f}")
restored_loss, _ = model.evaluate(val_x, val_y, batch_size=1000, verbose=0)
print(f"the model now: val_loss {restored_loss:.4f} (the last epoch ended at {val_loss[-1]:.4f})")

# 每创一次新低就多一个文件；最新的一个就是最好的模型，连优化器的状态也在里面。
files = sorted(os.listdir(checkpoint_dir))
print("saved:", files)
best_model = tf.keras.models.load_model(os.path.join(checkpoint_dir, files[-1]))
best_loss, _ = best_model.evaluate(val_x, val_y, batch_size=1000, verbose=0)
same = all(np.array_equal(a, b) for a, b in zip(best_model.get_weights(), model.get_weights()))
print(f"loaded {files[-1]}: val_loss {best_loss:.4f}; same weights as the restored model: {same}")
shutil.rmtree(checkpoint_dir)  # mkdtemp() 建的文件夹不会自动删除


# 自己写的回调：从优化器读出每一轮训练所用的学习率，
# 再从 logs 读出这一轮结束时的验证损失，一并记下来。
class LearningRateRecorder(tf.keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.rates, self.val_losses = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.rates.append(float(self.model.optimizer.learning_rate.numpy()))

    def on_epoch_end(self, epoch, logs=None):
        self.val_losses.append(logs["val_loss"])


# val_loss 有一轮没有改善，ReduceLROnPlateau 就把学习率除以 5（factor=0.2）；
# TensorBoard 写下的日志留到本页最后一节再读。
model = compiled_mlp()
reduce_lr = tf.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=1,
                                                 min_lr=1e-5)
recorder = LearningRateRecorder()
log_dir = tempfile.mkdtemp()
tensorboard = tf.keras.callbacks.TensorBoard(log_dir=log_dir)
history = model.fit(train_x, train_y, epochs=6, batch_size=50,
                    validation_data=(val_x, val_y), validation_batch_size=1000,
                    callbacks=[reduce_lr, recorder, tensorboard], verbose=0)
print("recorded by fit:", list(history.history))
for epoch, rate in enumerate(recorder.rates, 1):
    print(f"epoch {epoch}: learning rate {rate:.1e}, " + ", ".join(
        f"{name} {history.history[name][epoch - 1]:.4f}"
        for name in ("loss", "accuracy", "val_loss", "val_accuracy")))
print("same rates in the history:", np.allclose(recorder.rates, history.history["learning_rate"]))
print(f"best val_loss {min(recorder.val_losses):.4f}; the optimizer ends at "
      f"{float(model.optimizer.learning_rate.numpy()):.1e}")

# 图中的中文标签需要 CJK 字体：装有 Noto Sans CJK 时，用它补上 DejaVu Sans 缺的字形。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, (ax_rate, ax_loss) = plt.subplots(1, 2, figsize=(9, 3))
epochs = np.arange(1, len(recorder.rates) + 1)
ax_rate.step(epochs, recorder.rates, where="mid")
ax_rate.set_yscale("log")
ax_rate.set_xlabel("轮")
ax_rate.set_ylabel("学习率")
ax_loss.plot(epochs, recorder.val_losses, "s--", color="tab:orange")
ax_loss.set_xlabel("轮")
ax_loss.set_ylabel("验证损失")
plt.tight_layout()
plt.show()

# TensorBoard 把事件文件写进两个子文件夹，每个对应一组曲线：train/ 和 validation/。
print("log folders:", sorted(os.listdir(log_dir)))


# 辅助函数，与 Keras 无关：用 TensorBoard 自己的读取器取回一组运行记录中的标量。
def read_scalars(folder):  # 一个文件夹中记录的标量：{标签: (步数, 数值)}
    events = EventAccumulator(folder, size_guidance={"tensors": 0})  # 0：保留全部数值
    events.Reload()  # 读入文件夹中的事件文件
    scalars = {}
    for tag in events.Tags()["tensors"]:
        if events.SummaryMetadata(tag).plugin_data.plugin_name == "scalars":
            logged = events.Tensors(tag)
            scalars[tag] = ([event.step for event in logged],
                            [float(tf.make_ndarray(event.tensor_proto)) for event in logged])
    return scalars


logs = {run: read_scalars(os.path.join(log_dir, run)) for run in ["train", "validation"]}
for run, scalars in logs.items():
    print(f"{run}: {sorted(scalars)}")
val_logged = logs["validation"]["epoch_loss"][1]
rate_logged = logs["train"]["epoch_learning_rate"][1]
print(f"validation epoch_loss logged for {len(val_logged)} epochs; "
      f"same as the history: {np.allclose(val_logged, history.history['val_loss'])}")
print("TensorBoard's learning rate for each epoch is the rate of the next epoch:",
      np.allclose(rate_logged[:-1], history.history["learning_rate"][1:]))

# TensorBoard 的 Scalars 页面画的就是这些曲线（轮数从 0 算起）。
fig, axes = plt.subplots(1, 3, figsize=(11, 3))
for ax, tag in zip(axes, ["epoch_loss", "epoch_accuracy", "epoch_learning_rate"]):
    for run, style in [("train", "o-"), ("validation", "s--")]:
        if tag in logs[run]:
            ax.plot(*logs[run][tag], style, label=run)
    ax.set_title(tag)
    ax.set_xlabel("步（轮）")
    ax.legend()
axes[2].set_yscale("log")
plt.tight_layout()
plt.show()
shutil.rmtree(log_dir)  # 日志已经读过：删除临时文件夹


# 中断后接着训练：用自己写的回调模拟在一轮中途崩溃。
class Crash(tf.keras.callbacks.Callback):
    def __init__(self, epoch, batch):  # 两者都从 1 算起，和读者的数法一样
        super().__init__()
        self.epoch, self.batch = epoch, batch

    def on_epoch_begin(self, epoch, logs=None):
        self.current_epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        if (self.current_epoch, batch + 1) == (self.epoch, self.batch):
            raise RuntimeError(f"simulated crash in epoch {self.epoch}, after batch {self.batch}")


def halve_from_epoch_3(epoch, learning_rate):  # epoch 从 0 算起；返回这一轮的学习率
    return 1e-3 if epoch < 2 else 1e-3 * 0.5 ** (epoch - 1)


work_dir = tempfile.mkdtemp()
backup_dir = os.path.join(work_dir, "backup")  # BackupAndRestore 要独占一个文件夹
csv_path = os.path.join(work_dir, "epochs.csv")


def resumable_callbacks():  # 每个程序传给 fit 的回调：第一个程序和重启后的程序都一样
    return [tf.keras.callbacks.BackupAndRestore(backup_dir),
            tf.keras.callbacks.LearningRateScheduler(halve_from_epoch_3),
            tf.keras.callbacks.CSVLogger(csv_path, append=True)]


fit_args = dict(x=train_x, y=train_y, epochs=6, batch_size=50,
                validation_data=(val_x, val_y), validation_batch_size=1000, verbose=0)
reference = compiled_mlp()
reference_history = reference.fit(
    **fit_args, callbacks=[tf.keras.callbacks.LearningRateScheduler(halve_from_epoch_3)])

model = compiled_mlp()
try:
    model.fit(**fit_args, callbacks=resumable_callbacks() + [Crash(epoch=4, batch=30)])
except RuntimeError as error:
    print(error)
print("backup folder:", sorted(os.listdir(backup_dir)))
with open(os.path.join(backup_dir, "training_metadata.json")) as file:
    print("training_metadata.json:", file.read())

# 重启后的程序重新建立并编译模型，用同样的参数调用 fit。
model = compiled_mlp()
history = model.fit(**fit_args, callbacks=resumable_callbacks())
print("epochs trained by the second fit:", [epoch + 1 for epoch in history.epoch])
print("backup folder after the run:", os.path.exists(backup_dir))
same = all(np.array_equal(a, b) for a, b in zip(model.get_weights(), reference.get_weights()))
print("same final weights as the uninterrupted run:", same)

# CSVLogger（append=True）把两个程序写的行留在同一个文件里。
with open(csv_path) as file:
    rows = file.read().splitlines()
for row in rows:
    print(row)
csv_loss = [float(row.split(",")[rows[0].split(",").index("loss")]) for row in rows[1:]]
print("loss, uninterrupted:", " ".join(f"{v:.4f}" for v in reference_history.history["loss"]))
print("loss, from the CSV: ", " ".join(f"{v:.4f}" for v in csv_loss))
print("equal:", csv_loss == reference_history.history["loss"])
shutil.rmtree(work_dir)
