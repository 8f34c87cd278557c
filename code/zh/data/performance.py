# 流水线的性能：用性能分析器记录 fit 的一轮，从记录里读出训练步骤在等什么，
# 对症修改，再记录一轮。
import gc
import glob
import gzip
import os
import struct
import tempfile
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib import font_manager
from tensorflow.tsl.profiler.protobuf import xplane_pb2  # 性能分析器记录文件的格式

tf.keras.backend.clear_session()  # 干净的 Keras 状态：层名从头编号
tf.keras.utils.set_random_seed(42)
# 从文件读出的记录数目事先不知道：fit 每轮结束时都会为此发出警告。
warnings.filterwarnings("ignore", message="Your input ran out of data")
# 本页不开启运算确定性：它会让 tf.data 的一部分串行执行（原因见正文）。

# Keras 下载的 Fashion-MNIST：IDX 格式的 gzip 文件。
ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fashion_file(name):  # Keras 缓存中那份文件的路径；没有的话先下载
    return tf.keras.utils.get_file(name, origin=ORIGIN + name,
                                   cache_subdir=os.path.join("datasets", "fashion-mnist"))


images_file = fashion_file("train-images-idx3-ubyte.gz")
labels_file = fashion_file("train-labels-idx1-ubyte.gz")
with gzip.open(images_file) as file:  # 大端 int32：魔数、数目、行数、列数
    print("images header:", struct.unpack(">4i", file.read(16)), "then 784 bytes per image")
with gzip.open(labels_file) as file:  # 魔数、数目
    print("labels header:", struct.unpack(">2i", file.read(8)), "then 1 byte per label")

N_IMAGES, BATCH_SIZE = 2000, 100


def read_idx(images_path, labels_path):  # 每张图像 (784 字节, 1 字节)，直接读 gzip 文件
    images = tf.data.FixedLengthRecordDataset(images_path, record_bytes=784, header_bytes=16,
                                              compression_type="GZIP")
    labels = tf.data.FixedLengthRecordDataset(labels_path, record_bytes=1, header_bytes=8,
                                              compression_type="GZIP")
    return tf.data.Dataset.zip(images, labels)


def parse(image, label):  # 一条记录或一批记录：decode_raw 都能处理
    pixels = tf.io.decode_raw(image, tf.uint8)  # 形状 [..., 784]
    shape = tf.concat([tf.shape(image), [28, 28, 1]], axis=0)
    image = tf.cast(tf.reshape(pixels, shape), tf.float32) / 255.0
    return image, tf.cast(tf.io.decode_raw(label, tf.uint8)[..., 0], tf.int32)


records = read_idx(images_file, labels_file).take(N_IMAGES)
as_written = tf.data.Options()
as_written.experimental_optimization.apply_default_optimizations = False  # 不做改写
naive = records.map(parse).batch(BATCH_SIZE).with_options(as_written)
images, labels = next(iter(naive))
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()  # Keras 读的是同样的文件
print("a batch:", images.shape, images.dtype.name, labels.shape, labels.dtype.name,
      "| batches:", sum(1 for _ in naive), "| the same as load_data:",
      np.array_equal(np.rint(images[..., 0] * 255), train_x[:BATCH_SIZE])
      and np.array_equal(labels, train_y[:BATCH_SIZE]))

model = tf.keras.Sequential([  # 一个小分类器：训练一步用时很短
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10)])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))


def epoch_on(dataset):  # 给 timed() 的参赛函数：同一个模型在 `dataset` 上训练一轮
    return lambda: model.fit(dataset, epochs=1, verbose=0, shuffle=False).history["loss"][-1]


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


def compare(contenders, repeat=3):  # 每个各计时一轮；加速比都相对第一个
    best = timed({name: epoch_on(dataset) for name, dataset in contenders.items()}, repeat)
    base_wall, base_cpu = next(iter(best.values()))
    for name, (wall, cpu) in best.items():
        print(f"{name:12s} wall {wall:.2f} s, processor {cpu:.2f} s | speed-up: "
              f"wall {base_wall / wall:.1f}x, processor {base_cpu / cpu:.1f}x")
    return {name: (base_wall / wall, base_cpu / cpu) for name, (wall, cpu) in best.items()}


print("timed on:", timing_setting())
work_dir = tempfile.TemporaryDirectory()  # 记录、分片、缓存文件：最后一并删除


# 在性能分析器下训练一轮，再把记录文件逐个事件地读回来。
def profile_epoch(dataset, name):  # {种类: [(开始, 时长)]}，从第一步算起的秒数
    model.fit(dataset, epochs=1, verbose=0, shuffle=False)  # 只发生一次的开销在这里付掉
    gc.collect()  # 趁现在释放前几轮的迭代器，免得在记录时释放
    folder = os.path.join(work_dir.name, "profile", name)
    tf.profiler.experimental.start(folder)
    try:
        model.fit(dataset, epochs=1, verbose=0, shuffle=False)
    finally:  # 忘了停的性能分析器会一直记录下去
        tf.profiler.experimental.stop()
    (path,) = glob.glob(os.path.join(folder, "**", "*.xplane.pb"), recursive=True)
    with open(path, "rb") as file:
        space = xplane_pb2.XSpace.FromString(file.read())
    (host,) = [plane for plane in space.planes if plane.name == "/host:CPU"]
    trace = {"step": [], "wait": [], "call": [], "op": [], "read": []}
    for line in host.lines:  # 每个线程一条 line
        for event in line.events:
            meta = host.event_metadata[event.metadata_id]
            if meta.name == "multi_step_on_iterator":  # fit 的步骤函数，每批一次
                kind = "step"
            elif meta.name == "IteratorGetNextOp::DoCompute":  # 步骤向流水线要这一批
                kind = "wait"
            elif meta.name.startswith("InstantiatedCapturedFunction::Run"):
                kind = "call"  # tf.data 调用流水线中的一个函数
            elif line.name.startswith("tf_data") and meta.name.endswith(":" + meta.display_name):
                kind = "op"  # 在 tf.data 的线程上执行的运算（"Cast:Cast"）
            elif meta.display_name == "Iterator::FixedLengthRecordV2":  # 读出一条记录
                kind = "read"
            else:
                continue
            start = line.timestamp_ns * 1e-9 + event.offset_ps * 1e-12
            trace[kind].append((start, event.duration_ps * 1e-12))
    origin = min(start for start, _ in trace["step"])
    return {kind: sorted((start - origin, length) for start, length in spans)
            for kind, spans in trace.items()}


# 记录下的每一轮：它的事件，其中等待的时间占比，各种事件各用了多少秒。
traces, waiting, spent = {}, {}, {}


def where_time_goes(dataset, name):
    trace = traces[name] = profile_epoch(dataset, name)
    end = max(start + length for start, length in trace["step"])
    waiting[name] = sum(length for _, length in trace["wait"]) / end
    total = spent[name] = {kind: sum(length for _, length in spans)
                           for kind, spans in trace.items()}
    print(f"{name:11s} {len(trace['step'])} steps {end:.3f} s, waiting {waiting[name]:3.0%} | "
          f"calls {len(trace['call']):4d}: {total['call']:.2f} s, ops {total['op']:.2f} s | "
          f"reads {len(trace['read']):4d}: {total['read']:.2f} s")


where_time_goes(naive, "naive")
print("the calls took over twice as long as their operations:",
      spent["naive"]["call"] > 2 * spent["naive"]["op"])

# 向量化的 map：先把记录分批，再一次调用解析 100 条。
vectorized = records.batch(BATCH_SIZE).map(parse).with_options(as_written)
same = all(np.array_equal(a, b) for batch_a, batch_b in zip(naive, vectorized)
           for a, b in zip(batch_a, batch_b))
print("the same batches as the naive pipeline:", same)
speed_up = compare({"naive": naive, "vectorized": vectorized})
print("vectorized at least 1.3x faster in processor time:", speed_up["vectorized"][1] >= 1.3)
where_time_goes(vectorized, "vectorized")

# 预取：模型训练时就准备后面的批次；在几个线程上并行解析。
prefetched = vectorized.prefetch(tf.data.AUTOTUNE)
parallel = (records.batch(BATCH_SIZE).map(parse, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE).with_options(as_written))
speed_up = compare({"vectorized": vectorized, "prefetched": prefetched, "parallel": parallel},
                   repeat=2)
where_time_goes(parallel, "parallel")
print("waiting: naive > vectorized > parallel:",
      waiting["naive"] > waiting["vectorized"] > waiting["parallel"])

# 分片：把同样的图像拆成几个独立的 IDX 文件，大数据集就是这样存放的。
N_SHARDS = 10
shard_files = []
for shard, rows in enumerate(np.split(np.arange(N_IMAGES), N_SHARDS)):
    paths = [os.path.join(work_dir.name, f"{kind}-{shard}.gz") for kind in ("images", "labels")]
    with gzip.open(paths[0], "wb") as file:
        file.write(struct.pack(">4i", 2051, len(rows), 28, 28) + train_x[rows].tobytes())
    with gzip.open(paths[1], "wb") as file:
        file.write(struct.pack(">2i", 2049, len(rows)) + train_y[rows].tobytes())
    shard_files.append(paths)
shards = tf.data.Dataset.from_tensor_slices(shard_files)  # 元素：[图像文件路径, 标签文件路径]
print(f"{len(shard_files)} shards of {N_IMAGES // N_SHARDS} images:",
      [os.path.basename(path) for path in shard_files[0]], "...")

# 模拟远程存储：每个分片是一次请求，先等 LATENCY 秒。
LATENCY = 0.1


def request(paths):  # 普通的 Python 函数，由 tf.py_function 执行：运行它的线程被阻塞
    time.sleep(LATENCY)
    return paths


def read_remote(paths):  # 每个分片请求一次，再读出它的记录
    answer = tf.data.Dataset.from_tensors(paths).map(
        lambda paths: tf.py_function(request, [paths], tf.string))
    return answer.flat_map(lambda paths: read_idx(paths[0], paths[1]))


def parsed(records):  # 前面针对本地数据的改进，接在任何记录来源之后
    return (records.batch(BATCH_SIZE).map(parse, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE))


one_by_one = parsed(shards.flat_map(read_remote))
where_time_goes(one_by_one, "one by one")


# 交错读取：同时请求所有分片，轮流从中取记录。
def interleaved_records():
    return shards.interleave(read_remote, cycle_length=N_SHARDS,
                             num_parallel_calls=tf.data.AUTOTUNE)


interleaved = parsed(interleaved_records())
waiting_threads = tf.data.Options()
waiting_threads.threading.private_threadpool_size = 16  # 只是在等待的线程不占用核心
interleaved_16 = interleaved.with_options(waiting_threads)
speed_up = compare({"one by one": one_by_one, "interleaved": interleaved,
                    "16 threads": interleaved_16}, repeat=2)
print("16 threads at least 1.5x faster than one by one:", speed_up["16 threads"][0] >= 1.5)
where_time_goes(interleaved_16, "interleaved")


# 缓存：从第一轮起，把解析好的批次留在内存或文件里。
def cached(filename=""):  # 交错读取的流水线，缓存放在解析之后
    return (interleaved_records().batch(BATCH_SIZE)
            .map(parse, num_parallel_calls=tf.data.AUTOTUNE).cache(filename)
            .prefetch(tf.data.AUTOTUNE).with_options(waiting_threads))


in_memory, cache_path = cached(), os.path.join(work_dir.name, "parsed")
in_files = cached(cache_path)
speed_up = compare({"no cache": interleaved_16, "memory cache": in_memory,
                    "file cache": in_files}, repeat=2)
print("cache files:", sorted(os.path.basename(path) for path in glob.glob(cache_path + "*")))
print("both caches at least 1.5x faster than none:",
      min(speed_up["memory cache"][0], speed_up["file cache"][0]) >= 1.5)
where_time_goes(in_memory, "cached")
print("the cached epoch waits less than the uncached one:",
      waiting["cached"] < waiting["interleaved"])

# AUTOTUNE 是一个常数，让 tf.data 在流水线运行时自己选取数值。
print("tf.data.AUTOTUNE =", tf.data.AUTOTUNE)
defaults = tf.data.Options()
print("unset options are None:", defaults.autotune.enabled, defaults.autotune.cpu_budget,
      defaults.deterministic, defaults.experimental_optimization.apply_default_optimizations)

# tf.data 自己的改写：使用默认选项的朴素流水线。
rewritten = records.map(parse).batch(BATCH_SIZE)
speed_up = compare({"as written": naive, "rewritten": rewritten}, repeat=2)

# 作图：已送达的批次数随时间的变化，每个记录过的轮一条曲线。
# 中文标签（中文版）需要 CJK 字体：装了 Noto Sans CJK 就用它。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
names = {"naive": "朴素", "vectorized": "向量化", "parallel": "+ 预取、并行 map",
         "one by one": "分片逐个读取", "interleaved": "分片交错读取",
         "cached": "缓存"}
fig, ax = plt.subplots(figsize=(8, 4.2))
for name, trace in traces.items():
    arrivals = [start + length for start, length in trace["wait"]][:-1]  # 最后一次没有数据
    ax.step([0, *arrivals], range(len(arrivals) + 1), where="post",
            label=names[name])
ax.set_xlabel("从第一步开始的时间（秒）")
ax.set_ylabel("已送达的批次数")
ax.set_yticks(range(0, N_IMAGES // BATCH_SIZE + 1, 5))
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
work_dir.cleanup()
