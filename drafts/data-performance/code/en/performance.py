# Pipeline performance: where an epoch's time goes, and what vectorized and parallel map,
# prefetch, interleave, cache, AUTOTUNE and tf.data.Options change, each one timed.
import glob
import os
import tempfile
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib import font_manager
from tensorflow.tsl.profiler.protobuf import xplane_pb2  # the profiler's trace format

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
# fit cannot know in advance how many batches a flat_map gives: it warns at each epoch's end.
warnings.filterwarnings("ignore", message="Your input ran out of data")
# No op determinism on this page: it would make tf.data run in order and some of it serially.

# Fashion-MNIST as CSV shards: a header line, then one image per line (label, 784 pixels).
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
N_IMAGES, N_SHARDS, BATCH_SIZE = 1000, 10, 100
work_dir = tempfile.TemporaryDirectory()  # shards, cache files, traces: removed at the end
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

COLUMNS = [tf.constant(0, tf.int32)] * 785  # the label, then 784 pixels: all integers


def parse(lines):  # one line, or a batch of lines: decode_csv works element by element
    fields = tf.io.decode_csv(lines, record_defaults=COLUMNS)
    pixels = tf.cast(tf.stack(fields[1:], axis=-1), tf.float32) / 255.0
    images = tf.reshape(pixels, tf.concat([tf.shape(lines), [28, 28, 1]], axis=0))
    return images, fields[0]


def read_local(path):  # one shard's lines, without its header
    return tf.data.TextLineDataset(path).skip(1)


shards = tf.data.Dataset.from_tensor_slices(shard_files)
as_written = tf.data.Options()
as_written.experimental_optimization.apply_default_optimizations = False  # no rewrites
naive = shards.flat_map(read_local).map(parse).batch(BATCH_SIZE).with_options(as_written)
images, labels = next(iter(naive))
print("a batch:", images.shape, images.dtype, labels.shape, labels.dtype,
      "| batches per epoch:", sum(1 for _ in naive))


def make_model():  # the small CNN that every pipeline of this page feeds
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


def epoch_on(dataset):  # a contender for timed(): one epoch of the same model on `dataset`
    return lambda: model.fit(dataset, epochs=1, verbose=0, shuffle=False).history["loss"][-1]


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


def compare(contenders, repeat=3):  # times one epoch of each; ratios to the first contender
    best = timed({name: epoch_on(dataset) for name, dataset in contenders.items()}, repeat)
    base_wall, base_cpu = next(iter(best.values()))
    for name, (wall, cpu) in best.items():
        print(f"{name:13s} wall {wall:.2f} s, processor {cpu:.2f} s | speed-up: "
              f"wall {base_wall / wall:.1f}x, processor {base_cpu / cpu:.1f}x")
    return {name: base_wall / wall for name, (wall, cpu) in best.items()}


print("timed on:", timing_setting())

# Vectorized map: batch the lines first, then parse 100 lines with one call of parse.
vectorized = shards.flat_map(read_local).batch(BATCH_SIZE).map(parse).with_options(as_written)
same = all(np.array_equal(a, b) for batch_a, batch_b in zip(naive, vectorized)
           for a, b in zip(batch_a, batch_b))
print("the same batches as the naive pipeline:", same)
speed_up = compare({"naive": naive, "vectorized": vectorized})
print("vectorized at least 1.5x faster:", speed_up["vectorized"] >= 1.5)

# Parallel map: parse several batches at once, on as many threads as AUTOTUNE finds useful.
parallel = (shards.flat_map(read_local).batch(BATCH_SIZE)
            .map(parse, num_parallel_calls=tf.data.AUTOTUNE).with_options(as_written))
speed_up = compare({"vectorized": vectorized, "parallel": parallel})

# Prefetch: prepare the next batches while the model trains on this one.
prefetched = parallel.prefetch(tf.data.AUTOTUNE)
speed_up = compare({"parallel": parallel, "prefetched": prefetched})

# Remote storage, modelled: each shard is one request that waits LATENCY seconds first.
LATENCY = 0.08


def wait_for_storage(path):  # plain Python, run by tf.py_function: it blocks its thread
    time.sleep(LATENCY)
    return path


def read_remote(path):  # one request per shard: wait, then read its lines
    request = tf.data.Dataset.from_tensors(path).map(
        lambda path: tf.py_function(wait_for_storage, [path], tf.string))
    return request.flat_map(read_local)


def optimized_from(lines):  # vectorized and parallel parsing, after any source of lines
    return lines.batch(BATCH_SIZE).map(parse, num_parallel_calls=tf.data.AUTOTUNE)


def interleaved_lines():  # every shard requested at once; their lines taken in turns
    return shards.interleave(read_remote, cycle_length=N_SHARDS,
                             num_parallel_calls=tf.data.AUTOTUNE)


one_by_one = optimized_from(shards.flat_map(read_remote)).prefetch(tf.data.AUTOTUNE)
interleaved = optimized_from(interleaved_lines()).prefetch(tf.data.AUTOTUNE)
waiting_threads = tf.data.Options()
waiting_threads.threading.private_threadpool_size = 16  # more threads than cores: they wait
interleaved_16 = interleaved.with_options(waiting_threads)
speed_up = compare({"one by one": one_by_one, "interleaved": interleaved,
                    "16 threads": interleaved_16}, repeat=2)
print("interleaved on 16 threads at least 1.5x faster than one by one:",
      speed_up["16 threads"] >= 1.5)

# Cache: keep the parsed batches, in memory or in a file, from the first epoch on.
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

# AUTOTUNE is a constant that asks tf.data to choose a value while the pipeline runs.
print("tf.data.AUTOTUNE =", tf.data.AUTOTUNE)
defaults = tf.data.Options()
print("unset options are None:", defaults.autotune.enabled, defaults.autotune.cpu_budget,
      defaults.deterministic, defaults.experimental_optimization.apply_default_optimizations)

# tf.data's own rewrites: the naive pipeline with the default options.
rewritten = shards.flat_map(read_local).map(parse).batch(BATCH_SIZE)
speed_up = compare({"as written": naive, "rewritten": rewritten}, repeat=2)

# Options for the parallel pipeline: one thread, or the order of the batches set free.
one_thread = tf.data.Options()
one_thread.threading.private_threadpool_size = 1
unordered = tf.data.Options()
unordered.deterministic = False  # a slow element may be overtaken by the next ones
speed_up = compare({"parallel": parallel, "one thread": parallel.with_options(one_thread),
                    "unordered": parallel.with_options(unordered)})

# All of it: the naive pipeline on remote storage against the optimized one.
naive_remote = (shards.flat_map(read_remote).map(parse).batch(BATCH_SIZE)
                .with_options(as_written))


def optimized():  # a new dataset object: its cache is empty
    return (optimized_from(interleaved_lines()).cache()
            .prefetch(tf.data.AUTOTUNE).with_options(waiting_threads))


new_pipelines = [optimized() for _ in range(4)]  # built beforehand: each traces its functions


def first_epoch():  # the first epoch of a new optimized pipeline does all the work
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


# Where the time goes: one epoch under the profiler, its events read from the trace file.
def profile_epoch(dataset, name):  # {row: [(start, duration)]} in seconds from the first step
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
            if event_name == "multi_step_on_iterator":  # fit's step function, called per batch
                rows["step"].append(span)
            elif event_name == "IteratorGetNextOp::DoCompute":  # the step asks for a batch
                rows["wait"].append(span)
            elif line.name.startswith("tf_data") and event_name.startswith(
                    ("Iterator::", "InstantiatedCapturedFunction", "FunctionRun")):
                rows["input"].append(span)  # tf.data at work on one of its threads
    origin = min(start for start, duration in rows["step"])
    return {row: sorted((start - origin, duration) for start, duration in spans)
            for row, spans in rows.items()}


traces = {"naive": profile_epoch(naive_remote, "naive"),
          "optimized, first epoch": profile_epoch(optimized(), "first"),
          "optimized, later epochs": profile_epoch(in_memory, "later")}
waiting = {}  # the share of the epoch that the steps spent waiting for data
for name, timeline in traces.items():
    end = max(start + duration for start, duration in timeline["step"])
    waiting[name] = sum(duration for start, duration in timeline["wait"]) / end
    print(f"{name:23s} {len(timeline['step'])} steps in {end:.2f} s; "
          f"waiting for data {waiting[name]:.0%} of it")
print("naive waits over half the time, the optimized epochs less than naive:",
      waiting["naive"] > 0.5 and max(waiting.values()) == waiting["naive"])
for timeline in traces.values():  # the training itself: each step after its wait for the batch
    timeline["train"] = []
    for start, duration in timeline["step"]:
        begin = max([s + d for s, d in timeline["wait"] if start <= s <= start + duration],
                    default=start)
        timeline["train"].append((begin, start + duration - begin))

# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
titles = {"naive": "naive pipeline", "optimized, first epoch": "optimized, first epoch",
          "optimized, later epochs": "optimized, later epochs (cached)"}
row_labels = {"train": "step: training", "wait": "step: waiting for data",
              "input": "tf.data at work"}
colors = {"train": "tab:blue", "wait": "tab:red", "input": "tab:green"}
fig, axes = plt.subplots(len(traces), 1, figsize=(9, 4.5), sharex=True)
for ax, (name, timeline) in zip(axes, traces.items()):
    for y, row in enumerate(["input", "wait", "train"]):
        ax.broken_barh(timeline[row], (y - 0.4, 0.8), color=colors[row])
    ax.set_yticks([0, 1, 2], [row_labels["input"], row_labels["wait"], row_labels["train"]])
    ax.set_title(titles[name], fontsize=10)
axes[-1].set_xlabel("time since the first step (s)")
plt.tight_layout()
plt.show()
work_dir.cleanup()
