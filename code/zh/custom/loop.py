# 带两个优化器的自定义训练循环：fit() 替它做的事逐一写出来，并与 fit() 比较用时，
# 最后保存检查点、中断后接着训练，并记录日志。
import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="A custom training loop, compared with fit().")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--train-images", type=int, default=10000)
parser.add_argument("--progress", action="store_true", help="show a progress bar in each epoch")
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 2:
    parser.error("--epochs must be at least 2: the resumed run restores an epoch's checkpoint")
if not 100 <= args.train_images <= 58000:
    parser.error("--train-images must be between 100 and 58000 (the next 2000 validate)")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
n = args.train_images
x = train_x[:n + 2000].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[:n + 2000].astype(np.int32)
BATCH_SIZE = 100
train_set = (tf.data.Dataset.from_tensor_slices((x[:n], y[:n]))
             .shuffle(n, seed=42).batch(BATCH_SIZE))  # 每遍历一次都重新打乱
valid_set = tf.data.Dataset.from_tensor_slices((x[n:], y[n:])).batch(1000)
steps_per_epoch = int(train_set.cardinality())
print("batches per epoch:", steps_per_epoch)


# 宽深模型：像素的线性模型（宽）加上一个 MLP（深），两者的 logits 相加。
def build_wide_and_deep():
    inputs = tf.keras.Input(shape=(784,))
    wide = tf.keras.layers.Dense(10, name="wide")
    deep = tf.keras.Sequential([
        tf.keras.layers.Dense(256, activation="relu", name="hidden1",
                              kernel_regularizer=tf.keras.regularizers.L2(1e-4)),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(128, activation="relu", name="hidden2",
                              kernel_constraint=tf.keras.constraints.MaxNorm(1.25)),
        tf.keras.layers.Dense(10, name="deep_logits")], name="deep")
    logits = tf.keras.layers.Add(name="logits")([wide(inputs), deep(inputs)])
    return tf.keras.Model(inputs, logits, name="wide_and_deep"), wide, deep


model, wide, deep = build_wide_and_deep()
print("wide: name", [v.name for v in wide.trainable_variables],
      "| path", [v.path for v in wide.trainable_variables])
print("deep:", len(deep.trainable_variables), "variables; penalties in model.losses:",
      len(model.losses))

# 两个优化器，各管一部分；一个损失函数；四个评估指标，每轮开始时清零。
deep_optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
wide_optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
CLIP_NORM = 5.0  # Python 数值：训练步的计算图里存的是追踪时的值
train_loss = tf.keras.metrics.Mean(name="loss")
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")
valid_crossentropy = tf.keras.metrics.Mean(name="val_crossentropy")  # 不含惩罚项
valid_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="val_accuracy")
all_metrics = [train_loss, train_accuracy, valid_crossentropy, valid_accuracy]


@tf.function
def train_step(images, labels):
    with tf.GradientTape() as tape:
        logits = model(images, training=True)  # 启用 dropout
        loss = loss_fn(labels, logits) + tf.add_n(model.losses)  # 加上 L2 惩罚
    deep_variables, wide_variables = deep.trainable_variables, wide.trainable_variables
    gradients = tape.gradient(loss, deep_variables + wide_variables)
    gradients, _ = tf.clip_by_global_norm(gradients, CLIP_NORM)  # 两部分合起来算一个范数
    deep_optimizer.apply_gradients(zip(gradients[:len(deep_variables)], deep_variables))
    wide_optimizer.apply_gradients(zip(gradients[len(deep_variables):], wide_variables))
    train_loss.update_state(loss)
    train_accuracy.update_state(labels, logits)


@tf.function
def valid_step(images, labels):
    logits = model(images, training=False)  # 关闭 dropout
    valid_crossentropy.update_state(loss_fn(labels, logits))
    valid_accuracy.update_state(labels, logits)


def train_one_epoch(bar=None):
    for step, (images, labels) in enumerate(train_set, start=1):
        train_step(images, labels)
        if bar is not None:  # 读取评估指标要花时间：只在显示进度条时才读
            bar.update(step, values=[("loss", train_loss.result()),
                                     ("accuracy", train_accuracy.result())])


for epoch in range(1, args.epochs + 1):
    for metric in all_metrics:
        metric.reset_state()
    bar = None
    if args.progress:  # 只在屏幕上显示：进度条会打印耗时和回车符
        bar = tf.keras.utils.Progbar(steps_per_epoch, stateful_metrics=["loss", "accuracy"])
    train_one_epoch(bar)
    for images, labels in valid_set:
        valid_step(images, labels)
    print(f"epoch {epoch}/{args.epochs}: " +
          ", ".join(f"{m.name} {float(m.result()):.4f}" for m in all_metrics))

# 受约束的权重矩阵：每个单元输入权重的范数始终不超过 1.25。
column_norms = tf.norm(deep.get_layer("hidden2").kernel, axis=0)
print(f"hidden2: largest column norm {float(tf.reduce_max(column_norms)):.4f}")

# Keras 优化器在 apply_gradients 的最后施加每个变量的约束。
probe = tf.keras.layers.Dense(2, kernel_constraint=tf.keras.constraints.MaxNorm(1.0))
probe.build((None, 3))
huge_step = [(-10.0 * tf.ones_like(probe.kernel), probe.kernel)]
tf.keras.optimizers.SGD(learning_rate=1.0).apply_gradients(huge_step)
print("after one huge step, column norms:", tf.norm(probe.kernel, axis=0).numpy().round(4))
# 所以每步之后再手动施加一遍约束，不会改变任何东西。
before = [variable.numpy() for variable in model.trainable_variables]
constrained = [v for v in model.trainable_variables if v.constraint is not None]
print("constrained:", [v.path for v in constrained])
for kernel in constrained:
    kernel.assign(kernel.constraint(kernel))
print("constraints applied again by hand change nothing:",
      all(np.allclose(old, new, atol=1e-6) for old, new in zip(before, model.trainable_variables)))

# 用 fit() 训练同样的结构、同样的初始权重和数据，只用一个优化器。
tf.keras.utils.set_random_seed(42)
fit_model, _, _ = build_wide_and_deep()
fit_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3, global_clipnorm=CLIP_NORM),
                  loss=loss_fn,
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
                  jit_compile=False)  # 与循环的训练步一样：无论在什么设备上，两边都不用 XLA
history = fit_model.fit(train_set, epochs=args.epochs, validation_data=valid_set, verbose=0,
                        shuffle=False)  # 数据集自己会打乱
print(f"validation accuracy: custom loop {float(valid_accuracy.result()):.4f}, "
      f"fit {history.history['val_accuracy'][-1]:.4f}")


# 本书唯一的计时方法：取得结果之后的挂钟时间和处理器时间。
def timed(contenders, repeat=3):
    # 每个参赛函数返回一个张量。先各调用一次预热（不计时），再交替运行 `repeat` 轮，
    # 取各自最好的（挂钟，处理器）秒数。
    for run in contenders.values():
        np.asarray(run())  # 预热：追踪和编译都发生在这里
    best = dict.fromkeys(contenders, (float("inf"), float("inf")))
    for _ in range(repeat):
        for name, run in contenders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            np.asarray(run())  # 读取结果，就要等设备把它算完
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def timing_setting():
    from tensorflow.python.framework.config import is_op_determinism_enabled  # 没有公开的查询函数
    device = "GPU" if tf.config.list_logical_devices("GPU") else "CPU"
    threads = tf.config.threading.get_intra_op_parallelism_threads() or "default"
    return (f"{device}, intra-op threads {threads} ({os.cpu_count()} cores), "
            f"op determinism {'on' if is_op_determinism_enabled() else 'off'}")


def loop_epoch():
    train_one_epoch()
    return train_loss.result()


def fit_epoch():
    return fit_model.fit(train_set, epochs=1, verbose=0, shuffle=False).history["loss"][-1]


best = timed({"loop": loop_epoch, "fit": fit_epoch}, repeat=5)
print("timed on:", timing_setting())
for name, (wall, cpu) in best.items():
    print(f"{name:4s} one epoch: wall {wall:.2f} s, processor {cpu:.2f} s")
wall_ratio, cpu_ratio = best["loop"][0] / best["fit"][0], best["loop"][1] / best["fit"][1]
print(f"custom loop / fit: wall {wall_ratio:.2f}x, processor {cpu_ratio:.2f}x")
print("custom loop within 30% of fit in wall time:", wall_ratio < 1.3)


# 可以接着训练的一次运行：重启后的程序要想分毫不差地继续下去，所需的一切都放进
# 同一个 tf.train.Checkpoint，由 CheckpointManager 保存；tf.summary 记下循环测得的数值。
TOTAL_STEPS = args.epochs * steps_per_epoch
SAVE_EVERY, LOG_EVERY = steps_per_epoch, max(1, steps_per_epoch // 2)
work_dir = tempfile.mkdtemp()  # 检查点和日志都放在这里，本页最后删除


class ResumableRun:
    def __init__(self, name):  # name：这次运行的检查点和日志所在的文件夹
        tf.keras.utils.set_random_seed(42)  # 每个程序都建立同样的初始状态
        self.model, self.wide, self.deep = build_wide_and_deep()
        self.deep_optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
        self.wide_optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
        self.deep_optimizer.build(self.deep.trainable_variables)  # 现在就创建槽变量，
        self.wide_optimizer.build(self.wide.trainable_variables)  # 恢复时才有地方可填
        self.step = tf.Variable(0, dtype=tf.int64)  # 步数计数器
        batches = tf.data.Dataset.from_tensor_slices((x[:n], y[:n])).shuffle(n, seed=42)
        self.batches = iter(batches.batch(BATCH_SIZE).repeat())  # 数据的位置和打乱顺序的随机数状态
        self.loss = tf.keras.metrics.Mean()
        self.checkpoint = tf.train.Checkpoint(
            model=self.model, deep_optimizer=self.deep_optimizer,
            wide_optimizer=self.wide_optimizer, step=self.step, batches=self.batches,
            dropout_seed=self.deep.layers[1].seed_generator.state)  # dropout 的随机数状态
        self.manager = tf.train.CheckpointManager(
            self.checkpoint, os.path.join(work_dir, name, "checkpoints"), max_to_keep=2)
        self.writer = tf.summary.create_file_writer(os.path.join(work_dir, name, "logs"))
        self.train_step = tf.function(self._train_step)

    def _train_step(self, images, labels):  # 正文中的训练步骤，作用在这次运行的对象上
        with tf.GradientTape() as tape:
            logits = self.model(images, training=True)
            loss = loss_fn(labels, logits) + tf.add_n(self.model.losses)
        deep_variables = self.deep.trainable_variables
        wide_variables = self.wide.trainable_variables
        gradients = tape.gradient(loss, deep_variables + wide_variables)
        gradients, _ = tf.clip_by_global_norm(gradients, CLIP_NORM)
        self.deep_optimizer.apply_gradients(zip(gradients[:len(deep_variables)], deep_variables))
        self.wide_optimizer.apply_gradients(zip(gradients[len(deep_variables):], wide_variables))
        self.loss.update_state(loss)
        self.step.assign_add(1)

    def train(self, crash_after=None):  # 一直训练到 TOTAL_STEPS，或者模拟的崩溃
        while int(self.step) < TOTAL_STEPS:
            self.train_step(*next(self.batches))
            step = int(self.step)
            if step == crash_after:
                raise RuntimeError(f"simulated crash after step {step}")
            if step % LOG_EVERY == 0:  # 上次记录以来的平均训练损失
                with self.writer.as_default(step=step):
                    tf.summary.scalar("loss", self.loss.result())
                self.loss.reset_state()
            if step % SAVE_EVERY == 0:  # 验证、记录、保存
                accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
                for images, labels in valid_set:
                    accuracy.update_state(labels, self.model(images, training=False))
                with self.writer.as_default(step=step):
                    tf.summary.scalar("val_accuracy", accuracy.result())
                self.manager.save(checkpoint_number=step)

    def state(self):  # 检查点中的每个值，数据迭代器除外
        variables = (self.model.variables + self.deep_optimizer.variables
                     + self.wide_optimizer.variables + [self.step])
        return [np.asarray(v) for v in variables]


# 程序 1 不中断地训练到底。
reference = ResumableRun("reference")
reference.train()
reference.writer.close()
# 程序 2 中途崩溃；程序 3 重新建立一切，恢复最新的检查点，接着训练。
crashed = ResumableRun("resumed")
try:
    crashed.train(crash_after=TOTAL_STEPS - steps_per_epoch // 3)
except RuntimeError as error:
    print(f"{error}; checkpoints kept:",
          [os.path.basename(path) for path in crashed.manager.checkpoints])
crashed.writer.close()  # 进程结束时也会这样做：把还没写出的事件写进文件

resumed = ResumableRun("resumed")
status = resumed.checkpoint.restore(resumed.manager.latest_checkpoint)
status.assert_consumed()  # 每个保存的值都找到了变量，每个变量也都找到了值
print(f"restored {os.path.basename(resumed.manager.latest_checkpoint)}: step {int(resumed.step)}")
saved = [name for name, shape in tf.train.list_variables(resumed.manager.latest_checkpoint)]
seeds = [name for name in saved if "seed" in name]
print(f"{len(saved)} values saved; the ones with 'seed' in their path: {seeds}")
resumed.train()
resumed.writer.close()
same = [np.array_equal(a, b) for a, b in zip(reference.state(), resumed.state())]
print(f"same weights, optimizer slots, dropout seed and step as the uninterrupted run: "
      f"{all(same)} ({len(same)} arrays)")


# tf.summary 写出了事件文件：TFRecord 文件，每条记录是一个 Event 协议缓冲区。
def read_log(name):  # 一次运行记下的标量，[(步数, 标签, 值)]，按写入的先后排列
    folder = os.path.join(work_dir, name, "logs")
    events = [tf.compat.v1.Event.FromString(record.numpy()) for file in os.listdir(folder)
              for record in tf.data.TFRecordDataset(os.path.join(folder, file))]
    events.sort(key=lambda event: event.wall_time)  # 每个程序一个文件：按时间合并
    return [(event.step, value.tag, float(tf.make_ndarray(value.tensor)))
            for event in events for value in event.summary.value]


logs = {name: read_log(name) for name in ["reference", "resumed"]}
print("event files per run:", {name: len(os.listdir(os.path.join(work_dir, name, "logs")))
                               for name in logs})
for tag in ["loss", "val_accuracy"]:
    for name, records in logs.items():
        print(f"{tag:12} {name:9}", " ".join(f"{step}:{value:.4f}"
                                            for step, t, value in records if t == tag))
logged = dict(((step, tag), value) for step, tag, value in logs["reference"])
print("every value logged by the interrupted programs equals the uninterrupted one:",
      all(logged[step, tag] == value for step, tag, value in logs["resumed"]))
shutil.rmtree(work_dir)
