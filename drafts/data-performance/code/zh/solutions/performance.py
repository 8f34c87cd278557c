# “流水线的性能”一页练习的参考答案。
import os
import time

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # 清空 Keras 的状态
tf.keras.utils.set_random_seed(42)
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()

# 练习 1：随机翻转放在 cache() 之前还是之后，第二轮看到的是什么？
originals = train_x[:200, :, :, None]
images = tf.data.Dataset.from_tensor_slices(originals)


def random_flip(image):  # 有状态的随机运算，由全局种子决定
    return tf.image.random_flip_left_right(image)


def seeded_flip(image, seed):  # 无状态的随机运算：翻不翻由传入的种子决定
    return tf.image.stateless_random_flip_left_right(image, seed)


seeds = tf.data.Dataset.random(seed=7, rerandomize_each_iteration=True).batch(2)  # 形状为 [2] 的 int64
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


# 练习 2：向量化 map 的批大小，与解析 1000 行 CSV 所需的时间。
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


rows = np.concatenate([train_y[:1000, None], train_x[:1000].reshape(-1, 784)], axis=1)
csv_lines = tf.data.Dataset.from_tensor_slices([",".join(map(str, row)) for row in rows])
COLUMNS = [tf.constant(0, tf.int32)] * 785


def parse(lines):  # 正文中的 parse：一行或一批行都可以
    fields = tf.io.decode_csv(lines, record_defaults=COLUMNS)
    pixels = tf.cast(tf.stack(fields[1:], axis=-1), tf.float32) / 255.0
    images = tf.reshape(pixels, tf.concat([tf.shape(lines), [28, 28, 1]], axis=0))
    return images, fields[0]


def parse_all(batch_size):  # 参赛函数：以 batch_size 为批大小解析这 1000 行
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
