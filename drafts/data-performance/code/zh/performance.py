# 流水线的性能：一轮训练的时间花在哪里；向量化与并行的 map、prefetch、interleave、cache、
# AUTOTUNE 和 tf.data.Options 各自改变了什么，逐一计时。
import glob
import os
import tempfile
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib import font_manager
from tensorflow.tsl.profiler.protobuf import xplane_pb2  # 性能分析器记录的格式

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
# fit 无法预先知道 flat_map 给出多少个批次，每轮结束时都会警告一次：这里无害，不显示。
warnings.filterwarnings("ignore", message="Your input ran out of data")
# 本页不开运算确定性：它会让 tf.data 按顺序产出，其中一部分还会改为串行执行。

# 把 Fashion-MNIST 存成几个 CSV 分片：第一行是表头，之后每行一张图像（标签和 784 个像素）。
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
N_IMAGES, N_SHARDS, BATCH_SIZE = 1000, 10, 100
work_dir = tempfile.TemporaryDirectory()  # 分片、缓存文件、性能记录：最后统统删除
rows = np.concatenate([train_y[:N_IMAGES, None], train_x[:N_IMAGES].reshape(-1, 784)], axis=1)
header = "label," + ",".join(f"pixel{i}" for i in range(1, 785)) + "\n"
shard_files = []
for shard in range(N_SHARDS):
    path = os.path.join(work_dir.name, f"fashion-{shard:02d}.csv")
    with open(path, "w") as file:
        file.write(header)
        file.writelines(",".join(map(str, row)) + "\n" for row in rows[shard::N_SHARDS])
    shard_files.append(path)
print(f"{len(shard_files)} shards, {N_IMAGES} images, "
      f"{sum(os.path.getsize(path) for path in shard_files)} bytes")

COLUMNS = [tf.constant(0, tf.int32)] * 785  # 先是标签，再是 784 个像素，都是整数


def parse(lines):  # 一行或一批行都可以：decode_csv 逐个元素解析
    fields = tf.io.decode_csv(lines, record_defaults=COLUMNS)
    pixels = tf.cast(tf.stack(fields[1:], axis=-1), tf.float32) / 255.0
    images = tf.reshape(pixels, tf.concat([tf.shape(lines), [28, 28, 1]], axis=0))
    return images, fields[0]


def read_local(path):  # 一个分片的各行，不含表头
    return tf.data.TextLineDataset(path).skip(1)


shards = tf.data.Dataset.from_tensor_slices(shard_files)
as_written = tf.data.Options()
as_written.experimental_optimization.apply_default_optimizations = False  # 不做任何改写
naive = shards.flat_map(read_local).map(parse).batch(BATCH_SIZE).with_options(as_written)
images, labels = next(iter(naive))
print("a batch:", images.shape, images.dtype, labels.shape, labels.dtype,
      "| batches per epoch:", sum(1 for _ in naive))


def make_model():  # 本页每条流水线喂的都是这个小 CNN
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28, 1)),
        tf.keras.layers.Conv2D(16, 3, activation="relu"),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10)])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


model = make_model()


def epoch_on(dataset):  # timed() 的参赛函数：同一个模型在 `dataset` 上训练一轮
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


def compare(contenders, repeat=3):  # 各训练一轮并计时；比值都相对第一个参赛者
    best = timed({name: epoch_on(dataset) for name, dataset in contenders.items()}, repeat)
    base_wall, base_cpu = next(iter(best.values()))
    for name, (wall, cpu) in best.items():
        print(f"{name:13s} wall {wall:.2f} s, processor {cpu:.2f} s | speed-up: "
              f"wall {base_wall / wall:.1f}x, processor {base_cpu / cpu:.1f}x")
    return {name: base_wall / wall for name, (wall, cpu) in best.items()}


print("timed on:", timing_setting())

# 向量化的 map：先把行分成批次，再调用一次 parse 解析 100 行。
vectorized = shards.flat_map(read_local).batch(BATCH_SIZE).map(parse).with_options(as_written)
same = all(np.array_equal(a, b) for batch_a, batch_b in zip(naive, vectorized)
           for a, b in zip(batch_a, batch_b))
print("the same batches as the naive pipeline:", same)
speed_up = compare({"naive": naive, "vectorized": vectorized})
print("vectorized at least 1.5x faster:", speed_up["vectorized"] >= 1.5)

# 并行的 map：同时解析几个批次，线程数由 AUTOTUNE 决定。
parallel = (shards.flat_map(read_local).batch(BATCH_SIZE)
            .map(parse, num_parallel_calls=tf.data.AUTOTUNE).with_options(as_written))
speed_up = compare({"vectorized": vectorized, "parallel": parallel})

# 预取：模型在当前批次上训练时，准备好后面的批次。
prefetched = parallel.prefetch(tf.data.AUTOTUNE)
speed_up = compare({"parallel": parallel, "prefetched": prefetched})

# 模拟远程存储：每个分片是一次请求，先要等 LATENCY 秒。
LATENCY = 0.08


def wait_for_storage(path):  # 普通的 Python，由 tf.py_function 调用：它会占住所在的线程
    time.sleep(LATENCY)
    return path


def read_remote(path):  # 每个分片一次请求：先等待，再读它的各行
    request = tf.data.Dataset.from_tensors(path).map(
        lambda path: tf.py_function(wait_for_storage, [path], tf.string))
    return request.flat_map(read_local)


def optimized_from(lines):  # 接在任何一种行的来源之后：向量化、并行地解析
    return lines.batch(BATCH_SIZE).map(parse, num_parallel_calls=tf.data.AUTOTUNE)


def interleaved_lines():  # 同时请求所有分片，轮流从中取行
    return shards.interleave(read_remote, cycle_length=N_SHARDS,
                             num_parallel_calls=tf.data.AUTOTUNE)


one_by_one = optimized_from(shards.flat_map(read_remote)).prefetch(tf.data.AUTOTUNE)
interleaved = optimized_from(interleaved_lines()).prefetch(tf.data.AUTOTUNE)
waiting_threads = tf.data.Options()
waiting_threads.threading.private_threadpool_size = 16  # 线程比核心多：它们多半在等待
interleaved_16 = interleaved.with_options(waiting_threads)
speed_up = compare({"one by one": one_by_one, "interleaved": interleaved,
                    "16 threads": interleaved_16}, repeat=2)
print("interleaved on 16 threads at least 1.5x faster than one by one:",
      speed_up["16 threads"] >= 1.5)

# 缓存：从第一轮起，把解析好的批次留在内存或文件里。
in_memory = (optimized_from(interleaved_lines()).cache()
             .prefetch(tf.data.AUTOTUNE).with_options(waiting_threads))
cache_path = os.path.join(work_dir.name, "parsed")
in_file = (optimized_from(interleaved_lines()).cache(cache_path)
           .prefetch(tf.data.AUTOTUNE).with_options(waiting_threads))
speed_up = compare({"no cache": interleaved_16, "memory cache": in_memory,
                    "file cache": in_file}, repeat=2)
print("cache files:", sorted(os.path.basename(path) for path in glob.glob(cache_path + "*")))
print("both caches at least 2x faster than none:",
      min(speed_up["memory cache"], speed_up["file cache"]) >= 2)

# AUTOTUNE 是一个常数，表示请 tf.data 在流水线运行时自己选定取值。
print("tf.data.AUTOTUNE =", tf.data.AUTOTUNE)
defaults = tf.data.Options()
print("unset options are None:", defaults.autotune.enabled, defaults.autotune.cpu_budget,
      defaults.deterministic, defaults.experimental_optimization.apply_default_optimizations)

# tf.data 自己的改写：用默认选项运行朴素的流水线。
rewritten = shards.flat_map(read_local).map(parse).batch(BATCH_SIZE)
speed_up = compare({"as written": naive, "rewritten": rewritten}, repeat=2)

# 给并行的流水线加选项：只用一个线程，或者不再要求批次的顺序。
one_thread = tf.data.Options()
one_thread.threading.private_threadpool_size = 1
unordered = tf.data.Options()
unordered.deterministic = False  # 慢的元素可以被后面的元素超过
speed_up = compare({"parallel": parallel, "one thread": parallel.with_options(one_thread),
                    "unordered": parallel.with_options(unordered)})

# 全部用上：远程存储上朴素的流水线对比优化后的流水线。
naive_remote = (shards.flat_map(read_remote).map(parse).batch(BATCH_SIZE)
                .with_options(as_written))


def optimized():  # 新的数据集对象：缓存是空的
    return (optimized_from(interleaved_lines()).cache()
            .prefetch(tf.data.AUTOTUNE).with_options(waiting_threads))


new_pipelines = [optimized() for _ in range(4)]  # 事先建好：每条都要追踪其中的函数


def first_epoch():  # 新建的优化流水线在第一轮要做全部的工作
    return model.fit(new_pipelines.pop(), epochs=1, verbose=0, shuffle=False).history["loss"][-1]


best = timed({"naive": epoch_on(naive_remote), "first epoch": first_epoch,
              "later epochs": epoch_on(in_memory)})
for name, (wall, cpu) in best.items():
    print(f"{name:12s} wall {wall:.2f} s, processor {cpu:.2f} s")
overall = {name: best["naive"][0] / wall for name, (wall, cpu) in best.items()}
print(f"speed-up over naive: first epoch {overall['first epoch']:.1f}x, "
      f"later epochs {overall['later epochs']:.1f}x")
print("first epoch at least 1.5x faster, later epochs at least 5x:",
      overall["first epoch"] >= 1.5 and overall["later epochs"] >= 5)


# 时间花在哪里：在性能分析器下训练一轮，从记录文件中读出各个事件。
def profile_epoch(dataset, name):  # {行: [(开始, 时长)]}，单位为秒，从第一步算起
    folder = os.path.join(work_dir.name, "profile", name)
    tf.profiler.experimental.start(folder)
    model.fit(dataset, epochs=1, verbose=0, shuffle=False)
    tf.profiler.experimental.stop()
    (trace,) = glob.glob(os.path.join(folder, "**", "*.xplane.pb"), recursive=True)
    with open(trace, "rb") as file:
        space = xplane_pb2.XSpace.FromString(file.read())
    (host,) = [plane for plane in space.planes if plane.name == "/host:CPU"]
    rows = {"step": [], "wait": [], "input": []}
    for line in host.lines:
        for event in line.events:
            event_name = host.event_metadata[event.metadata_id].name
            span = (line.timestamp_ns * 1e-9 + event.offset_ps * 1e-12,
                    event.duration_ps * 1e-12)
            if event_name == "multi_step_on_iterator":  # fit 的训练步骤函数，每个批次调用一次
                rows["step"].append(span)
            elif event_name == "IteratorGetNextOp::DoCompute":  # 训练步骤向流水线要一个批次
                rows["wait"].append(span)
            elif line.name.startswith("tf_data") and event_name.startswith(
                    ("Iterator::", "InstantiatedCapturedFunction", "FunctionRun")):
                rows["input"].append(span)  # tf.data 在它的某个线程上工作
    origin = min(start for start, duration in rows["step"])
    return {row: sorted((start - origin, duration) for start, duration in spans)
            for row, spans in rows.items()}


traces = {"naive": profile_epoch(naive_remote, "naive"),
          "optimized, first epoch": profile_epoch(optimized(), "first"),
          "optimized, later epochs": profile_epoch(in_memory, "later")}
waiting = {}  # 一轮之中，训练步骤等待数据的时间所占的比例
for name, timeline in traces.items():
    end = max(start + duration for start, duration in timeline["step"])
    waiting[name] = sum(duration for start, duration in timeline["wait"]) / end
    print(f"{name:23s} {len(timeline['step'])} steps in {end:.2f} s; "
          f"waiting for data {waiting[name]:.0%} of it")
print("naive waits over half the time, the optimized epochs less than naive:",
      waiting["naive"] > 0.5 and max(waiting.values()) == waiting["naive"])
for timeline in traces.values():  # 真正的训练：每个训练步骤等到批次之后的部分
    timeline["train"] = []
    for start, duration in timeline["step"]:
        begin = max([s + d for s, d in timeline["wait"] if start <= s <= start + duration],
                    default=start)
        timeline["train"].append((begin, start + duration - begin))

# 图中的中文标签需要 CJK 字体：装有 Noto Sans CJK 时，用它补上 DejaVu Sans 缺的字形。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
titles = {"naive": "朴素的流水线", "optimized, first epoch": "优化后，第一轮",
          "optimized, later epochs": "优化后，以后各轮（已缓存）"}
row_labels = {"train": "训练步骤：训练", "wait": "训练步骤：等待数据",
              "input": "tf.data 在工作"}
colors = {"train": "tab:blue", "wait": "tab:red", "input": "tab:green"}
fig, axes = plt.subplots(len(traces), 1, figsize=(9, 4.5), sharex=True)
for ax, (name, timeline) in zip(axes, traces.items()):
    for y, row in enumerate(["input", "wait", "train"]):
        ax.broken_barh(timeline[row], (y - 0.4, 0.8), color=colors[row])
    ax.set_yticks([0, 1, 2], [row_labels["input"], row_labels["wait"], row_labels["train"]])
    ax.set_title(titles[name], fontsize=10)
axes[-1].set_xlabel("从第一步开始的时间（秒）")
plt.tight_layout()
plt.show()
work_dir.cleanup()
