# Pipeline performance: profile an epoch of fit, read in the trace what the training step
# waits for, fix that, and profile again.
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
from tensorflow.tsl.profiler.protobuf import xplane_pb2  # the profiler's trace format

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
# Records read from files have no known count: fit says so at the end of every epoch.
warnings.filterwarnings("ignore", message="Your input ran out of data")
# No op determinism on this page: it would run parts of tf.data serially (see the page).

# Fashion-MNIST as Keras downloads it: gzip files in the IDX format.
ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fashion_file(name):  # the path of Keras's copy, downloaded first if it is missing
    return tf.keras.utils.get_file(name, origin=ORIGIN + name,
                                   cache_subdir=os.path.join("datasets", "fashion-mnist"))


images_file = fashion_file("train-images-idx3-ubyte.gz")
labels_file = fashion_file("train-labels-idx1-ubyte.gz")
with gzip.open(images_file) as file:  # big-endian int32: magic number, count, rows, columns
    print("images header:", struct.unpack(">4i", file.read(16)), "then 784 bytes per image")
with gzip.open(labels_file) as file:  # magic number, count
    print("labels header:", struct.unpack(">2i", file.read(8)), "then 1 byte per label")

N_IMAGES, BATCH_SIZE = 2000, 100


def read_idx(images_path, labels_path):  # (784 bytes, 1 byte) per image, from the gzip files
    images = tf.data.FixedLengthRecordDataset(images_path, record_bytes=784, header_bytes=16,
                                              compression_type="GZIP")
    labels = tf.data.FixedLengthRecordDataset(labels_path, record_bytes=1, header_bytes=8,
                                              compression_type="GZIP")
    return tf.data.Dataset.zip(images, labels)


def parse(image, label):  # one record or a batch of records: decode_raw works on either
    pixels = tf.io.decode_raw(image, tf.uint8)  # shape [..., 784]
    shape = tf.concat([tf.shape(image), [28, 28, 1]], axis=0)
    image = tf.cast(tf.reshape(pixels, shape), tf.float32) / 255.0
    return image, tf.cast(tf.io.decode_raw(label, tf.uint8)[..., 0], tf.int32)


records = read_idx(images_file, labels_file).take(N_IMAGES)
as_written = tf.data.Options()
as_written.experimental_optimization.apply_default_optimizations = False  # no rewrites
naive = records.map(parse).batch(BATCH_SIZE).with_options(as_written)
images, labels = next(iter(naive))
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()  # Keras reads the same files
print("a batch:", images.shape, images.dtype.name, labels.shape, labels.dtype.name,
      "| batches:", sum(1 for _ in naive), "| the same as load_data:",
      np.array_equal(np.rint(images[..., 0] * 255), train_x[:BATCH_SIZE])
      and np.array_equal(labels, train_y[:BATCH_SIZE]))

model = tf.keras.Sequential([  # a small classifier: its training step is short
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10)])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))


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


def compare(contenders, repeat=3):  # times one epoch of each; speed-ups over the first one
    best = timed({name: epoch_on(dataset) for name, dataset in contenders.items()}, repeat)
    base_wall, base_cpu = next(iter(best.values()))
    for name, (wall, cpu) in best.items():
        print(f"{name:12s} wall {wall:.2f} s, processor {cpu:.2f} s | speed-up: "
              f"wall {base_wall / wall:.1f}x, processor {base_cpu / cpu:.1f}x")
    return {name: (base_wall / wall, base_cpu / cpu) for name, (wall, cpu) in best.items()}


print("timed on:", timing_setting())
work_dir = tempfile.TemporaryDirectory()  # traces, shards, cache files: removed at the end


# One epoch of fit under the profiler; its trace file read back, event by event.
def profile_epoch(dataset, name):  # {kind: [(start, duration)]}, seconds from the first step
    model.fit(dataset, epochs=1, verbose=0, shuffle=False)  # once-only costs happen here
    gc.collect()  # free the iterators of earlier epochs now, not while recording
    folder = os.path.join(work_dir.name, "profile", name)
    tf.profiler.experimental.start(folder)
    try:
        model.fit(dataset, epochs=1, verbose=0, shuffle=False)
    finally:  # a profiler left running would go on recording
        tf.profiler.experimental.stop()
    (path,) = glob.glob(os.path.join(folder, "**", "*.xplane.pb"), recursive=True)
    with open(path, "rb") as file:
        space = xplane_pb2.XSpace.FromString(file.read())
    (host,) = [plane for plane in space.planes if plane.name == "/host:CPU"]
    trace = {"step": [], "wait": [], "call": [], "op": [], "read": []}
    for line in host.lines:  # one line per thread
        for event in line.events:
            meta = host.event_metadata[event.metadata_id]
            if meta.name == "multi_step_on_iterator":  # fit's step function, once per batch
                kind = "step"
            elif meta.name == "IteratorGetNextOp::DoCompute":  # the step asks for its batch
                kind = "wait"
            elif meta.name.startswith("InstantiatedCapturedFunction::Run"):
                kind = "call"  # tf.data calls one of the pipeline's functions
            elif line.name.startswith("tf_data") and meta.name.endswith(":" + meta.display_name):
                kind = "op"  # an operation ("Cast:Cast") run on one of tf.data's threads
            elif meta.display_name == "Iterator::FixedLengthRecordV2":  # a record read
                kind = "read"
            else:
                continue
            start = line.timestamp_ns * 1e-9 + event.offset_ps * 1e-12
            trace[kind].append((start, event.duration_ps * 1e-12))
    origin = min(start for start, _ in trace["step"])
    return {kind: sorted((start - origin, length) for start, length in spans)
            for kind, spans in trace.items()}


# Per recorded epoch: its events, the share of it spent waiting, the seconds per kind of event.
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

# Vectorized map: batch the records first, then parse 100 of them with one call.
vectorized = records.batch(BATCH_SIZE).map(parse).with_options(as_written)
same = all(np.array_equal(a, b) for batch_a, batch_b in zip(naive, vectorized)
           for a, b in zip(batch_a, batch_b))
print("the same batches as the naive pipeline:", same)
speed_up = compare({"naive": naive, "vectorized": vectorized})
print("vectorized at least 1.3x faster in processor time:", speed_up["vectorized"][1] >= 1.3)
where_time_goes(vectorized, "vectorized")

# Prefetch: prepare the next batches while the model trains; parse on several threads.
prefetched = vectorized.prefetch(tf.data.AUTOTUNE)
parallel = (records.batch(BATCH_SIZE).map(parse, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE).with_options(as_written))
speed_up = compare({"vectorized": vectorized, "prefetched": prefetched, "parallel": parallel},
                   repeat=2)
where_time_goes(parallel, "parallel")
print("waiting: naive > vectorized > parallel:",
      waiting["naive"] > waiting["vectorized"] > waiting["parallel"])

# Shards: the same images split into IDX files of their own, as a large dataset would be.
N_SHARDS = 10
shard_files = []
for shard, rows in enumerate(np.split(np.arange(N_IMAGES), N_SHARDS)):
    paths = [os.path.join(work_dir.name, f"{kind}-{shard}.gz") for kind in ("images", "labels")]
    with gzip.open(paths[0], "wb") as file:
        file.write(struct.pack(">4i", 2051, len(rows), 28, 28) + train_x[rows].tobytes())
    with gzip.open(paths[1], "wb") as file:
        file.write(struct.pack(">2i", 2049, len(rows)) + train_y[rows].tobytes())
    shard_files.append(paths)
shards = tf.data.Dataset.from_tensor_slices(shard_files)  # elements: [images path, labels path]
print(f"{len(shard_files)} shards of {N_IMAGES // N_SHARDS} images:",
      [os.path.basename(path) for path in shard_files[0]], "...")

# Remote storage, modelled: each shard is one request that waits LATENCY seconds first.
LATENCY = 0.1


def request(paths):  # plain Python, run by tf.py_function: it blocks the thread that runs it
    time.sleep(LATENCY)
    return paths


def read_remote(paths):  # one request per shard, then the shard's records
    answer = tf.data.Dataset.from_tensors(paths).map(
        lambda paths: tf.py_function(request, [paths], tf.string))
    return answer.flat_map(lambda paths: read_idx(paths[0], paths[1]))


def parsed(records):  # the local fixes, after any source of records
    return (records.batch(BATCH_SIZE).map(parse, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE))


one_by_one = parsed(shards.flat_map(read_remote))
where_time_goes(one_by_one, "one by one")


# Interleave: request every shard at once and take their records in turns.
def interleaved_records():
    return shards.interleave(read_remote, cycle_length=N_SHARDS,
                             num_parallel_calls=tf.data.AUTOTUNE)


interleaved = parsed(interleaved_records())
waiting_threads = tf.data.Options()
waiting_threads.threading.private_threadpool_size = 16  # threads that wait need no core
interleaved_16 = interleaved.with_options(waiting_threads)
speed_up = compare({"one by one": one_by_one, "interleaved": interleaved,
                    "16 threads": interleaved_16}, repeat=2)
print("16 threads at least 1.5x faster than one by one:", speed_up["16 threads"][0] >= 1.5)
where_time_goes(interleaved_16, "interleaved")


# Cache: keep the parsed batches, in memory or in files, from the first epoch on.
def cached(filename=""):  # the interleaved pipeline, a cache after the parsing
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

# AUTOTUNE is a constant that asks tf.data to choose a value while the pipeline runs.
print("tf.data.AUTOTUNE =", tf.data.AUTOTUNE)
defaults = tf.data.Options()
print("unset options are None:", defaults.autotune.enabled, defaults.autotune.cpu_budget,
      defaults.deterministic, defaults.experimental_optimization.apply_default_optimizations)

# tf.data's own rewrites: the naive pipeline with the default options.
rewritten = records.map(parse).batch(BATCH_SIZE)
speed_up = compare({"as written": naive, "rewritten": rewritten}, repeat=2)

# The figure: batches delivered against time, one curve per profiled epoch.
# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
names = {"naive": "naive", "vectorized": "vectorized", "parallel": "+ prefetch, parallel",
         "one by one": "shards one by one", "interleaved": "shards interleaved",
         "cached": "cached"}
fig, ax = plt.subplots(figsize=(8, 4.2))
for name, trace in traces.items():
    arrivals = [start + length for start, length in trace["wait"]][:-1]  # the last: no data
    ax.step([0, *arrivals], range(len(arrivals) + 1), where="post",
            label=names[name])
ax.set_xlabel("time since the first step (s)")
ax.set_ylabel("batches delivered")
ax.set_yticks(range(0, N_IMAGES // BATCH_SIZE + 1, 5))
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
work_dir.cleanup()
