# A custom training loop with two optimizers, everything fit() does for it written out, timed
# next to fit(), then saved, resumed and logged.
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
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 2:
    parser.error("--epochs must be at least 2: the resumed run restores an epoch's checkpoint")
if not 100 <= args.train_images <= 58000:
    parser.error("--train-images must be between 100 and 58000 (the next 2000 validate)")

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
n = args.train_images
x = train_x[:n + 2000].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[:n + 2000].astype(np.int32)
BATCH_SIZE = 100
train_set = (tf.data.Dataset.from_tensor_slices((x[:n], y[:n]))
             .shuffle(n, seed=42).batch(BATCH_SIZE))  # reshuffled at every pass
valid_set = tf.data.Dataset.from_tensor_slices((x[n:], y[n:])).batch(1000)
steps_per_epoch = int(train_set.cardinality())
print("batches per epoch:", steps_per_epoch)


# A wide and deep model: a linear model of the pixels (wide) plus an MLP (deep); their logits add.
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

# Two optimizers, one per part; one loss; four metrics, reset at each epoch.
deep_optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
wide_optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
CLIP_NORM = 5.0  # a Python number: the step's graph holds the value it had when traced
train_loss = tf.keras.metrics.Mean(name="loss")
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")
valid_crossentropy = tf.keras.metrics.Mean(name="val_crossentropy")  # without the penalty
valid_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="val_accuracy")
all_metrics = [train_loss, train_accuracy, valid_crossentropy, valid_accuracy]


@tf.function
def train_step(images, labels):
    with tf.GradientTape() as tape:
        logits = model(images, training=True)  # dropout on
        loss = loss_fn(labels, logits) + tf.add_n(model.losses)  # + the L2 penalty
    deep_variables, wide_variables = deep.trainable_variables, wide.trainable_variables
    gradients = tape.gradient(loss, deep_variables + wide_variables)
    gradients, _ = tf.clip_by_global_norm(gradients, CLIP_NORM)  # one norm over both parts
    deep_optimizer.apply_gradients(zip(gradients[:len(deep_variables)], deep_variables))
    wide_optimizer.apply_gradients(zip(gradients[len(deep_variables):], wide_variables))
    train_loss.update_state(loss)
    train_accuracy.update_state(labels, logits)


@tf.function
def valid_step(images, labels):
    logits = model(images, training=False)  # dropout off
    valid_crossentropy.update_state(loss_fn(labels, logits))
    valid_accuracy.update_state(labels, logits)


def train_one_epoch(bar=None):
    for step, (images, labels) in enumerate(train_set, start=1):
        train_step(images, labels)
        if bar is not None:  # reading the metrics costs time: only when a bar is shown
            bar.update(step, values=[("loss", train_loss.result()),
                                     ("accuracy", train_accuracy.result())])


for epoch in range(1, args.epochs + 1):
    for metric in all_metrics:
        metric.reset_state()
    bar = None
    if args.progress:  # on screen only: a progress bar prints timings and carriage returns
        bar = tf.keras.utils.Progbar(steps_per_epoch, stateful_metrics=["loss", "accuracy"])
    train_one_epoch(bar)
    for images, labels in valid_set:
        valid_step(images, labels)
    print(f"epoch {epoch}/{args.epochs}: " +
          ", ".join(f"{m.name} {float(m.result()):.4f}" for m in all_metrics))

# The constrained kernel: the norm of each unit's incoming weights stays at most 1.25.
column_norms = tf.norm(deep.get_layer("hidden2").kernel, axis=0)
print(f"hidden2: largest column norm {float(tf.reduce_max(column_norms)):.4f}")

# A Keras optimizer applies each variable's constraint at the end of apply_gradients.
probe = tf.keras.layers.Dense(2, kernel_constraint=tf.keras.constraints.MaxNorm(1.0))
probe.build((None, 3))
huge_step = [(-10.0 * tf.ones_like(probe.kernel), probe.kernel)]
tf.keras.optimizers.SGD(learning_rate=1.0).apply_gradients(huge_step)
print("after one huge step, column norms:", tf.norm(probe.kernel, axis=0).numpy().round(4))
# So applying the constraints again by hand after each step changes nothing.
before = [variable.numpy() for variable in model.trainable_variables]
constrained = [v for v in model.trainable_variables if v.constraint is not None]
print("constrained:", [v.path for v in constrained])
for kernel in constrained:
    kernel.assign(kernel.constraint(kernel))
print("constraints applied again by hand change nothing:",
      all(np.allclose(old, new, atol=1e-6) for old, new in zip(before, model.trainable_variables)))

# fit() on the same architecture, initial weights and data, with one optimizer for all.
tf.keras.utils.set_random_seed(42)
fit_model, _, _ = build_wide_and_deep()
fit_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3, global_clipnorm=CLIP_NORM),
                  loss=loss_fn,
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
                  jit_compile=False)  # as the loop's step: no XLA on either side, on any device
history = fit_model.fit(train_set, epochs=args.epochs, validation_data=valid_set, verbose=0,
                        shuffle=False)  # the dataset shuffles itself
print(f"validation accuracy: custom loop {float(valid_accuracy.result()):.4f}, "
      f"fit {history.history['val_accuracy'][-1]:.4f}")


# The book's one way to time code: wall-clock and processor time after forcing the result.
def timed(contenders, repeat=3):
    # Each contender returns a tensor. One untimed warm-up call each, then `repeat` rounds that
    # alternate them; the best (wall, processor) seconds of each.
    for run in contenders.values():
        np.asarray(run())  # warm-up: tracing and compiling happen here
    best = dict.fromkeys(contenders, (float("inf"), float("inf")))
    for _ in range(repeat):
        for name, run in contenders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            np.asarray(run())  # reading the result waits until the device has computed it
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def timing_setting():
    from tensorflow.python.framework.config import is_op_determinism_enabled  # no public getter
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


# A resumable run: everything a restarted program needs in order to continue exactly goes into
# one tf.train.Checkpoint, which a CheckpointManager saves; tf.summary logs what the loop measures.
TOTAL_STEPS = args.epochs * steps_per_epoch
SAVE_EVERY, LOG_EVERY = steps_per_epoch, max(1, steps_per_epoch // 2)
work_dir = tempfile.mkdtemp()  # checkpoints and logs, deleted at the end of the page


class ResumableRun:
    def __init__(self, name):  # name: the folders of this run's checkpoints and logs
        tf.keras.utils.set_random_seed(42)  # every program builds the same initial state
        self.model, self.wide, self.deep = build_wide_and_deep()
        self.deep_optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
        self.wide_optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
        self.deep_optimizer.build(self.deep.trainable_variables)  # slot variables now, so that
        self.wide_optimizer.build(self.wide.trainable_variables)  # a restore can fill them
        self.step = tf.Variable(0, dtype=tf.int64)  # the step counter
        batches = tf.data.Dataset.from_tensor_slices((x[:n], y[:n])).shuffle(n, seed=42)
        self.batches = iter(batches.batch(BATCH_SIZE).repeat())  # position and shuffling state
        self.loss = tf.keras.metrics.Mean()
        self.checkpoint = tf.train.Checkpoint(
            model=self.model, deep_optimizer=self.deep_optimizer,
            wide_optimizer=self.wide_optimizer, step=self.step, batches=self.batches,
            dropout_seed=self.deep.layers[1].seed_generator.state)  # dropout's random state
        self.manager = tf.train.CheckpointManager(
            self.checkpoint, os.path.join(work_dir, name, "checkpoints"), max_to_keep=2)
        self.writer = tf.summary.create_file_writer(os.path.join(work_dir, name, "logs"))
        self.train_step = tf.function(self._train_step)

    def _train_step(self, images, labels):  # the page's step, on this run's objects
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

    def train(self, crash_after=None):  # until TOTAL_STEPS, or a simulated crash
        while int(self.step) < TOTAL_STEPS:
            self.train_step(*next(self.batches))
            step = int(self.step)
            if step == crash_after:
                raise RuntimeError(f"simulated crash after step {step}")
            if step % LOG_EVERY == 0:  # the mean training loss since the last log
                with self.writer.as_default(step=step):
                    tf.summary.scalar("loss", self.loss.result())
                self.loss.reset_state()
            if step % SAVE_EVERY == 0:  # validate, log, save
                accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
                for images, labels in valid_set:
                    accuracy.update_state(labels, self.model(images, training=False))
                with self.writer.as_default(step=step):
                    tf.summary.scalar("val_accuracy", accuracy.result())
                self.manager.save(checkpoint_number=step)

    def state(self):  # every value the checkpoint holds, except the data iterator
        variables = (self.model.variables + self.deep_optimizer.variables
                     + self.wide_optimizer.variables + [self.step])
        return [np.asarray(v) for v in variables]


# Program 1 trains without interruption.
reference = ResumableRun("reference")
reference.train()
reference.writer.close()
# Program 2 crashes; program 3 builds everything anew, restores the latest checkpoint, goes on.
crashed = ResumableRun("resumed")
try:
    crashed.train(crash_after=TOTAL_STEPS - steps_per_epoch // 3)
except RuntimeError as error:
    print(f"{error}; checkpoints kept:",
          [os.path.basename(path) for path in crashed.manager.checkpoints])
crashed.writer.close()  # what the end of a process does: unwritten events are written

resumed = ResumableRun("resumed")
status = resumed.checkpoint.restore(resumed.manager.latest_checkpoint)
status.assert_consumed()  # every saved value found its variable, and every variable a value
print(f"restored {os.path.basename(resumed.manager.latest_checkpoint)}: step {int(resumed.step)}")
saved = [name for name, shape in tf.train.list_variables(resumed.manager.latest_checkpoint)]
seeds = [name for name in saved if "seed" in name]
print(f"{len(saved)} values saved; the ones with 'seed' in their path: {seeds}")
resumed.train()
resumed.writer.close()
same = [np.array_equal(a, b) for a, b in zip(reference.state(), resumed.state())]
print(f"same weights, optimizer slots, dropout seed and step as the uninterrupted run: "
      f"{all(same)} ({len(same)} arrays)")


# tf.summary wrote event files: TFRecord files whose records are Event protocol buffers.
def read_log(name):  # [(step, tag, value)] of a run's scalars, in the order they were written
    folder = os.path.join(work_dir, name, "logs")
    events = [tf.compat.v1.Event.FromString(record.numpy()) for file in os.listdir(folder)
              for record in tf.data.TFRecordDataset(os.path.join(folder, file))]
    events.sort(key=lambda event: event.wall_time)  # one file per program: merge them by time
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
