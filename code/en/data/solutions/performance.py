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


# Exercise 2: how many records per call of decode_raw?
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


images_file = tf.keras.utils.get_file(
    "train-images-idx3-ubyte.gz",
    origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-images-idx3-ubyte.gz",
    cache_subdir=os.path.join("datasets", "fashion-mnist"))
N_RECORDS = 2000
records = tf.data.FixedLengthRecordDataset(images_file, record_bytes=784, header_bytes=16,
                                           compression_type="GZIP").take(N_RECORDS)
in_memory = tf.data.Dataset.from_tensor_slices(records.batch(N_RECORDS).get_single_element())


def decode(records):  # the page's parse, images only: one record or a batch of records
    pixels = tf.io.decode_raw(records, tf.uint8)
    shape = tf.concat([tf.shape(records), [28, 28, 1]], axis=0)
    return tf.cast(tf.reshape(pixels, shape), tf.float32) / 255.0


def decode_all(size):  # a contender: decode every record, `size` per call; one tensor out
    dataset = in_memory.batch(size).map(decode).unbatch().batch(N_RECORDS)
    return dataset.get_single_element


best = timed({size: decode_all(size) for size in [1, 10, 100, 1000]})
print("timed on:", timing_setting())
for size, (wall, cpu) in best.items():
    print(f"{size:4d} records per call: {N_RECORDS // size:4d} calls, wall {wall:.3f} s, "
          f"processor {cpu:.3f} s, {best[1][0] / wall:5.1f}x as fast as one per call")
print("100 per call takes at most a third of the processor time of one per call:",
      best[100][1] <= best[1][1] / 3)
