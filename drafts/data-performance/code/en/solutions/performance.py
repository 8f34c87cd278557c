# Solutions to the exercises of "Pipeline performance".
import os
import time

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state
tf.keras.utils.set_random_seed(42)
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()

# Exercise 1: a random flip before or after cache(): what does the second epoch see?
originals = train_x[:200, :, :, None]
images = tf.data.Dataset.from_tensor_slices(originals)


def random_flip(image):  # a stateful random op, seeded by the global seed
    return tf.image.random_flip_left_right(image)


def seeded_flip(image, seed):  # a stateless random op: the seed decides the flip
    return tf.image.stateless_random_flip_left_right(image, seed)


seeds = tf.data.Dataset.random(seed=7, rerandomize_each_iteration=True).batch(2)  # [2] int64
pipelines = {
    "flip, then cache": images.map(random_flip).cache(),
    "cache, then flip": images.cache().map(random_flip),
    "seeded flip, then cache": tf.data.Dataset.zip(images, seeds).map(seeded_flip).cache(),
    "cache, then seeded flip": tf.data.Dataset.zip(images.cache(), seeds).map(seeded_flip),
}
for name, dataset in pipelines.items():
    epoch_1, epoch_2 = (np.stack(list(dataset.as_numpy_iterator())) for _ in range(2))
    changed = np.any(epoch_1 != originals, axis=(1, 2, 3)).sum()
    different = np.any(epoch_2 != epoch_1, axis=(1, 2, 3)).sum()
    print(f"{name:23s} epoch 1 changed {changed:3d} of 200 images; "
          f"epoch 2 differs from epoch 1 in {different:3d}")


# Exercise 2: the batch size of a vectorized map, and the time to parse 1,000 CSV lines.
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


rows = np.concatenate([train_y[:1000, None], train_x[:1000].reshape(-1, 784)], axis=1)
csv_lines = tf.data.Dataset.from_tensor_slices([",".join(map(str, row)) for row in rows])
COLUMNS = [tf.constant(0, tf.int32)] * 785


def parse(lines):  # the page's parse: one line or a batch of lines
    fields = tf.io.decode_csv(lines, record_defaults=COLUMNS)
    pixels = tf.cast(tf.stack(fields[1:], axis=-1), tf.float32) / 255.0
    images = tf.reshape(pixels, tf.concat([tf.shape(lines), [28, 28, 1]], axis=0))
    return images, fields[0]


def parse_all(batch_size):  # a contender: parse the 1,000 lines in batches of batch_size
    dataset = csv_lines.batch(batch_size).map(parse)

    def run():
        for images, labels in dataset:
            pass
        return labels
    return run


best = timed({size: parse_all(size) for size in [1, 10, 100, 1000]})
print("timed on:", timing_setting())
for size, (wall, cpu) in best.items():
    print(f"batches of {size:4d}: wall {wall:.3f} s, processor {cpu:.3f} s, "
          f"{best[1][0] / wall:5.1f}x as fast as one line at a time")
print("batches of 100 take at most a third of the processor time of single lines:",
      best[100][1] <= best[1][1] / 3)
