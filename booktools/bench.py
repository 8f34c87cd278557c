"""`make bench`: what the book costs to run, and whether its training loops keep the
book's promise of being as fast as `fit`. A benchmark, not a test: it prints, never fails.

1. Each executed notebook's wall time, run in a scratch copy (nothing is written), in a
   kernel forked from a server that has imported TensorFlow, as `make test` runs them.
2. Seconds per epoch of a loop written the book's way (a ``tf.function`` step over a
   ``tf.data`` pipeline) next to Keras ``fit`` on the same model, optimizer (Adam), data
   pipeline (one ``tf.data`` dataset for both) and batch size, timed by the book's one
   method: ``timed`` from ``code/en/custom/loop.py``, executed from that file's own source
   so that the bench and the page cannot drift apart. After one untimed epoch each
   (tracing, warm-up), loop and fit epochs alternate and the fastest of three is reported,
   in wall-clock seconds after reading the last loss (forcing the result) and in processor
   seconds; a whole ``fit(epochs=1)`` call is timed, its per-call set-up included, as on
   the page.
"""
from __future__ import annotations

import ast
import json
import os
import time
from pathlib import Path

from .fileio import write_if_changed
from .layout import EXECUTED, Layout

BATCH = 128
TIMED_EPOCHS = 3  # the fastest of these is reported: this machine's neighbours add noise


def notebook_times(layout: Layout) -> list[tuple[str, float]]:
    """Each executed notebook's wall time, in kernels forked from a server that has imported
    TensorFlow (the engine `make test` uses), one notebook at a time."""
    from . import notebooks, warm_kernel

    out = []
    with warm_kernel.serving() as kernel:
        for path in sorted((layout.notebooks / EXECUTED).rglob("*.ipynb")):
            nb = notebooks.read(path)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            began = time.monotonic()
            notebooks.execute(nb, path.parent, kernel)
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


TIMING_SOURCE = Path("code/en/custom/loop.py")  # where `timed` and `timing_setting` are shown
TIMING_FUNCTIONS = ("timed", "timing_setting")


def timing_functions(root: Path, tf) -> dict:
    """`timed` and `timing_setting` exactly as the loop page shows them, taken from its script."""
    import numpy as np

    tree = ast.parse((root / TIMING_SOURCE).read_text("utf-8"))
    found = [node for node in tree.body
             if isinstance(node, ast.FunctionDef) and node.name in TIMING_FUNCTIONS]
    namespace = {"np": np, "tf": tf, "time": time, "os": os}
    exec(compile(ast.Module(body=found, type_ignores=[]), str(TIMING_SOURCE), "exec"), namespace)
    return {name: namespace[name] for name in TIMING_FUNCTIONS}


def loop_vs_fit(root: Path) -> tuple[str, list[tuple[str, tuple[float, float], tuple[float, float]]]]:
    import tensorflow as tf

    timing = timing_functions(root, tf)
    (x, y), _ = tf.keras.datasets.fashion_mnist.load_data()
    x = (x[..., None] / 255.0).astype("float32")
    y = y.astype("int32")
    data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10_000, seed=42).batch(BATCH).prefetch(
        tf.data.AUTOTUNE)  # one pipeline for both contenders
    out = []
    for name, make in _models(tf).items():
        best = timing["timed"]({"loop": _loop(tf, make(), data), "fit": _fit(tf, make(), data)},
                               repeat=TIMED_EPOCHS)
        out.append((name, best["loop"], best["fit"]))
    return timing["timing_setting"](), out


def _loop(tf, model, data):
    """One epoch of the book's loop per call; returns the mean loss (a tensor)."""
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

    def epoch():
        for images, labels in data:
            step(images, labels)
        return mean_loss.result()
    return epoch


def _fit(tf, model, data):
    """One epoch of fit per call (its per-call set-up included); returns the epoch's loss."""
    model.compile(optimizer="adam", jit_compile=False,  # no XLA, as in the loop, on any device
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))

    def epoch():
        return model.fit(data, epochs=1, verbose=0, shuffle=False).history["loss"][-1]
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
              f"Fashion-MNIST, 60,000 images, batch {BATCH}, seconds per epoch, wall (processor) "
              f"(fastest of {TIMED_EPOCHS}, loop and fit alternated, after one untimed epoch)"]
    setting, rows = loop_vs_fit(layout.root)
    lines += [f"timed on: {setting}",
              "model   tf.function loop              fit        loop/fit"]
    for name, loop, fit in rows:
        lines.append(f"{name:7s} {loop[0]:8.2f} ({loop[1]:6.2f}) {fit[0]:8.2f} ({fit[1]:6.2f}) "
                     f"{loop[0] / fit[0]:6.2f} ({loop[1] / fit[1]:4.2f})")
    return "\n".join(lines)
