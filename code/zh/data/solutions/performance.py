# “流水线的性能”一节练习的参考答案。
import os
import time

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # 干净的 Keras 状态
tf.keras.utils.set_random_seed(42)
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()

# 练习 1：随机翻转放在 cache() 之前还是之后，第二轮看到的是什么？
originals = train_x[:200, :, :, None]
images = tf.data.Dataset.from_tensor_slices(originals)


def random_flip(image):  # 有状态的随机运算，由全局种子决定
    return tf.image.random_flip_left_right(image)


def seeded_flip(image, seed):  # 无状态的随机运算：翻不翻由种子决定
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


# 练习 2：每次调用 decode_raw 处理多少条记录？
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


images_file = tf.keras.utils.get_file(
    "train-images-idx3-ubyte.gz",
    origin="https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-images-idx3-ubyte.gz",
    cache_subdir=os.path.join("datasets", "fashion-mnist"))
N_RECORDS = 2000
records = tf.data.FixedLengthRecordDataset(images_file, record_bytes=784, header_bytes=16,
                                           compression_type="GZIP").take(N_RECORDS)
in_memory = tf.data.Dataset.from_tensor_slices(records.batch(N_RECORDS).get_single_element())


def decode(records):  # 正文中的 parse，只解码图像：一条记录或一批记录
    pixels = tf.io.decode_raw(records, tf.uint8)
    shape = tf.concat([tf.shape(records), [28, 28, 1]], axis=0)
    return tf.cast(tf.reshape(pixels, shape), tf.float32) / 255.0


def decode_all(size):  # 参赛函数：每次调用解码 `size` 条，最后得到一个张量
    dataset = in_memory.batch(size).map(decode).unbatch().batch(N_RECORDS)
    return dataset.get_single_element


best = timed({size: decode_all(size) for size in [1, 10, 100, 1000]})
print("timed on:", timing_setting())
for size, (wall, cpu) in best.items():
    print(f"{size:4d} records per call: {N_RECORDS // size:4d} calls, wall {wall:.3f} s, "
          f"processor {cpu:.3f} s, {best[1][0] / wall:5.1f}x as fast as one per call")
print("100 per call takes at most a third of the processor time of one per call:",
      best[100][1] <= best[1][1] / 3)
