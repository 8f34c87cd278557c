"""`make bench`: what the book costs to run, and whether its training loops keep the
book's promise of being as fast as `fit`. A benchmark, not a test: it prints, never fails.

1. Each executed notebook's wall time, run in a scratch copy (nothing is written).
2. Seconds per epoch of a loop written the book's way (a ``tf.function`` step over a
   ``tf.data`` pipeline) next to Keras ``fit`` on the same model, data and batch size.
   After one untimed epoch each (tracing, warm-up), loop and fit epochs alternate and the
   fastest of three is reported: other tenants of a shared machine slow single epochs.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from .fileio import write_if_changed
from .layout import EXECUTED, Layout

BATCH = 128
TIMED_EPOCHS = 3  # the fastest of these is reported: this machine's neighbours add noise


def notebook_times(layout: Layout) -> list[tuple[str, float]]:
    from . import notebooks

    out = []
    for path in sorted((layout.notebooks / EXECUTED).rglob("*.ipynb")):
        nb = notebooks.read(path)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        began = time.monotonic()
        notebooks.execute(nb, path.parent)
        out.append((layout.rel(path).as_posix(), time.monotonic() - began))
    return out


def _models(tf):
    def mlp():
        return tf.keras.Sequential([tf.keras.Input((28, 28, 1)), tf.keras.layers.Flatten(),
                                    tf.keras.layers.Dense(256, activation="relu"),
                                    tf.keras.layers.Dense(10)])

    def cnn():
        conv = tf.keras.layers.Conv2D
        return tf.keras.Sequential([
            tf.keras.Input((28, 28, 1)), conv(32, 3, activation="relu"), tf.keras.layers.MaxPool2D(),
            conv(64, 3, activation="relu"), tf.keras.layers.MaxPool2D(), tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(128, activation="relu"), tf.keras.layers.Dense(10)])
    return {"MLP": mlp, "CNN": cnn}


def loop_vs_fit() -> list[tuple[str, float, float]]:
    import tensorflow as tf

    (x, y), _ = tf.keras.datasets.fashion_mnist.load_data()
    x = (x[..., None] / 255.0).astype("float32")
    y = y.astype("int32")
    out = []
    for name, make in _models(tf).items():
        loop, fit = _loop(tf, make(), x, y), _fit(tf, make(), x, y)
        loop(), fit()  # the first epochs trace and warm up: not timed
        times = [(loop(), fit()) for _ in range(TIMED_EPOCHS)]  # alternated: equal noise
        out.append((name, min(t[0] for t in times), min(t[1] for t in times)))
    return out


def _loop(tf, model, x, y):
    """One epoch of the book's loop per call; returns its seconds."""
    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10_000).batch(BATCH).prefetch(
        tf.data.AUTOTUNE)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam()
    mean_loss = tf.keras.metrics.Mean()

    @tf.function
    def step(images, labels):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(images, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        mean_loss.update_state(loss)

    def epoch() -> float:
        began = time.monotonic()
        for images, labels in data:
            step(images, labels)
        float(mean_loss.result())
        return time.monotonic() - began
    return epoch


def _fit(tf, model, x, y):
    """One epoch of fit per call; returns its seconds (fit's own set-up left out)."""
    class Timer(tf.keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.began = time.monotonic()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds = time.monotonic() - self.began

    timer = Timer()
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    def epoch() -> float:
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, callbacks=[timer])
        return timer.seconds
    return epoch


SECONDS = "seconds.json"  # under notebooks/: each notebook's last measured time


def report(layout: Layout) -> str:
    lines = ["notebook (executed language)              seconds"]
    times = notebook_times(layout)
    for name, seconds in times:
        lines.append(f"{name:42s} {seconds:7.1f}")
    record = layout.notebooks / SECONDS
    write_if_changed(record, json.dumps({n: round(s, 1) for n, s in times}, indent=1) + "\n")
    lines += [f"{'total':42s} {sum(s for _, s in times):7.1f}",
              f"(recorded in {layout.rel(record)}: test-notebooks starts the longest first)", "",
              f"Fashion-MNIST, 60,000 images, batch {BATCH}, seconds per epoch "
              f"(fastest of {TIMED_EPOCHS}, loop and fit alternated, after one untimed epoch)",
              "model   tf.function loop      fit   loop/fit"]
    for name, loop, fit in loop_vs_fit():
        lines.append(f"{name:7s} {loop:16.2f} {fit:8.2f} {loop / fit:10.2f}")
    return "\n".join(lines)


def spread(layout: Layout, env: dict[str, str]) -> list[str]:
    """Re-execute the executed notebooks under ``env`` (another CPU setting) and say, cell by
    cell, how far their printed numbers moved from the stored ones: the measurement that
    the tolerances in code/compare-policies.toml are set from."""
    import os

    from . import notebooks
    from .listings import CELL_KEY
    from .policies import NUMBER

    os.environ.update(env)  # the kernels inherit it
    lines = []
    for path in sorted((layout.notebooks / EXECUTED).rglob("*.ipynb")):
        stored = notebooks.read(path)
        fresh = notebooks.read(path)
        notebooks.execute(fresh, path.parent)
        code = [(i, a, b) for i, (a, b) in enumerate(zip(stored.cells, fresh.cells), 1)
                if a.cell_type == "code"]
        for index, old, new in code:
            before, after = _printed(old), _printed(new)
            if before == after:
                continue
            policy = (old.metadata.get(CELL_KEY) or {}).get("compare") or "exact"
            where = f"{layout.rel(path)} cell {index} [{policy}]"
            if NUMBER.split(before) != NUMBER.split(after):
                lines.append(f"{where}: the text differs, not only its numbers")
                continue
            pairs = [(float(a), float(b)) for a, b in zip(NUMBER.findall(before), NUMBER.findall(after))
                     if a != b]
            worst_abs = max(abs(a - b) for a, b in pairs)
            worst_rel = max(abs(a - b) / abs(a) if a else float("inf") for a, b in pairs)
            lines.append(f"{where}: {len(pairs)} numbers moved, max |diff| {worst_abs:.4g}, "
                         f"max relative {worst_rel:.3%}")
    return lines or ["every printed output is the same"]


def _printed(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(out["text"])
        elif "text/plain" in out.get("data", {}):
            parts.append(out["data"]["text/plain"])
    return "".join(parts)
