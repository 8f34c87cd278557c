# tf.function: tracing, concrete functions, AutoGraph, the rules of graph code, XLA and speed.
import argparse
import os
import re
import sys
import time

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="TF functions and graphs.")
parser.add_argument("--size", type=int, default=2000, help="rows and columns of the XLA test input")
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.size < 100:
    parser.error("--size must be at least 100")

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# One Python function, run eagerly and as a TF function.
def leaky_relu(x, slope):
    print("  the Python body runs; eagerly:", tf.executing_eagerly())
    return tf.where(x > 0.0, x, slope * x)


graph_leaky_relu = tf.function(leaky_relu)  # what @tf.function above the def would do
values = tf.constant([-2.0, 0.5, 3.0])
print("eager call:", leaky_relu(values, 0.1).numpy())
print("first TF function call:", graph_leaky_relu(values, 0.1).numpy())
print("second TF function call:", graph_leaky_relu(values, 0.1).numpy())
print(type(graph_leaky_relu).__name__)

# Tracing: the Python body runs only when a new graph is needed.
traces = []


@tf.function
def traced_leaky_relu(x, slope):
    traces.append(f"x: shape {x.shape}, {x.dtype.name} | slope: {slope!r}")  # a Python side effect
    return tf.where(x > 0.0, x, slope * x)


for x, slope in [(tf.constant(-2.0), 0.1), (tf.constant(-3.0), 0.1), (tf.constant([-1.0, 1.0]), 0.1),
                 (tf.constant(-2.0), 0.2), (tf.constant(-2.0), 0.3)]:
    result = traced_leaky_relu(x, slope)
    print(f"x={x.numpy()}, slope={slope}: {result.numpy().round(2)} | traces so far: {len(traces)}")
print("\n".join(traces))
print("tracing count:", traced_leaky_relu.experimental_get_tracing_count())


# One graph for every length: an input signature, or let TensorFlow relax the shape.
@tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
def total(v):
    return tf.reduce_sum(v)


@tf.function(reduce_retracing=True)
def total_relaxed(v):
    return tf.reduce_sum(v)


for length in [2, 3, 4]:
    total(tf.ones([length]))
    total_relaxed(tf.ones([length]))
print("traces with input_signature:", total.experimental_get_tracing_count(),
      "| with reduce_retracing:", total_relaxed.experimental_get_tracing_count())
print(total_relaxed.get_concrete_function(tf.ones([5])).structured_input_signature)
try:
    total(tf.ones([2], dtype=tf.int32))
except TypeError as error:
    print("TypeError:", str(error).split("`")[1])

# A concrete function is one traced graph; its operations are the graph's nodes.
concrete = graph_leaky_relu.get_concrete_function(tf.TensorSpec([None], tf.float32), 0.2)
print(concrete)
print([op.name for op in concrete.graph.get_operations()])
print([op.type for op in concrete.graph.get_operations()])
print(concrete(tf.constant([-1.0, 2.0])))


# AutoGraph converts while/if on tensors into graph control flow.
def collatz_steps(n):
    steps = tf.constant(0)
    while n > 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


generated = tf.autograph.to_code(collatz_steps)
for line in generated.splitlines():
    if re.search(r"def (loop_test|loop_body|if_body|else_body)|ag__\.(while|if)_stmt", line):
        print(line[8:])  # the generated function's body starts 8 spaces in
graph_collatz = tf.function(collatz_steps)
print("steps from 27 to 1:", int(graph_collatz(tf.constant(27))))
graph = graph_collatz.get_concrete_function(tf.TensorSpec([], tf.int32)).graph
print("graph:", [op.type for op in graph.get_operations()])
library = graph.as_graph_def().library.function  # the graphs of the loop's condition and body
inner = {node.op for function in library for node in function.node_def}
print("inside the loop:", sorted(op for op in inner if "If" in op or "While" in op))


# A loop over a Python range is unrolled while tracing; over a tensor it becomes one While.
@tf.function
def geometric_sum(x, n):
    total, term = tf.zeros_like(x), tf.ones_like(x)
    for _ in range(n):
        total += term
        term *= x
    return total


x_spec = tf.TensorSpec([], tf.float32)
for n in [2, 8, 32]:
    python_ops = len(geometric_sum.get_concrete_function(x_spec, n).graph.get_operations())
    print(f"range({n}): {python_ops} operations")
tensor_graph = geometric_sum.get_concrete_function(x_spec, tf.TensorSpec([], tf.int32)).graph
tensor_ops = [op.type for op in tensor_graph.get_operations()]
print(f"range(n), n a tensor: {len(tensor_ops)} operations for any n, among them",
      [op for op in tensor_ops if "While" in op])
print("1 + 2 + ... + 2^7:", float(geometric_sum(tf.constant(2.0), tf.constant(8))),
      "(tensor n) and", float(geometric_sum(tf.constant(2.0), 8)), "(Python n)")


# Side effects: print runs while tracing, tf.print runs at every call.
@tf.function
def noisy(x):
    print("print: tracing with", x)
    tf.print("tf.print: running with", x, output_stream=sys.stdout)
    return x + 1


for value in [1.0, 2.0, 3.0]:
    noisy(tf.constant(value))


# Randomness: a coin tossed by NumPy falls once, while tracing; tf.random tosses at every call.
@tf.function
def maybe_flip(image):  # a horizontal flip of an image, half of the time
    numpy_flips = np.random.uniform() < 0.5
    tf_flips = tf.random.uniform([]) < 0.5
    return (tf.reverse(image, axis=[1]) if numpy_flips else image,
            tf.where(tf_flips, tf.reverse(image, axis=[1]), image))


ramp = tf.constant([[1.0, 2.0, 3.0]])  # a 1 x 3 "image": flipped, it reads 3 2 1
for _ in range(4):
    numpy_image, tf_image = maybe_flip(ramp)
    print("NumPy coin:", numpy_image.numpy()[0], "| tf.random coin:", tf_image.numpy()[0])


# Variables: created on the first call only, and updated with assign, never with =.
@tf.function
def fresh_variable(x):
    v = tf.Variable(1.0)  # a new variable at every call: not allowed
    return v + x


try:
    fresh_variable(tf.constant(1.0))
except ValueError as error:
    message = re.search(r"tf\.function only supports.*?first call\.", str(error))
    print("ValueError:", message.group())


class Counter:
    def __init__(self):
        self.count = tf.Variable(0)  # created once, outside the graph

    @tf.function
    def bump(self):
        self.count.assign_add(1)  # changes the variable in place

    @tf.function
    def bump_wrong(self):
        self.count = self.count + 1  # rebinds the Python attribute to a graph tensor


right, wrong = Counter(), Counter()
for _ in range(3):
    right.bump()
    wrong.bump_wrong()
print("with assign_add:", int(right.count), "| with =:", type(wrong.count).__name__)

# tf.py_function: arbitrary Python inside a graph, run at every call (eagerly, slowly).
seen = []


def remember(x):
    seen.append(float(x))
    return np.float32(len(seen))


@tf.function
def with_python(x):
    return tf.py_function(remember, [x], Tout=tf.float32)


for value in [1.0, 2.0, 3.0]:
    with_python(tf.constant(value))
print("the Python function saw:", seen)


# XLA: jit_compile=True fuses the element-wise operations into one kernel.
def gelu(x):  # the tanh approximation of GELU: eight element-wise operations
    return 0.5 * x * (1.0 + tf.tanh(0.7978846 * (x + 0.044715 * x ** 3)))


plain_gelu = tf.function(gelu)
xla_gelu = tf.function(gelu, jit_compile=True)
inputs = tf.random.normal([args.size, args.size])
print("same result:", np.allclose(plain_gelu(inputs), xla_gelu(inputs), atol=1e-5))
plain_graph = plain_gelu.get_concrete_function(inputs).graph
print("plain graph:", [op.type for op in plain_graph.get_operations() if op.type != "Const"])
hlo = xla_gelu.experimental_get_compiler_ir(inputs)(stage="optimized_hlo")  # XLA's program
entry = hlo[hlo.index("ENTRY"):]  # its main computation
print("XLA program:", len(re.findall(r" fusion\(", entry)), "fused kernel, compiled for",
      re.findall(r"f32\[[\d,]+\]", entry.splitlines()[0]))


# XLA refuses an operation it cannot compile, and names it.
@tf.function(jit_compile=True)
def xla_with_python(x):
    return tf.py_function(np.cos, [x], Tout=tf.float32)


try:
    xla_with_python(tf.constant(1.0))
except tf.errors.InvalidArgumentError as error:
    print("InvalidArgumentError: unsupported operation",
          re.search(r"XLA_\w+: (\w+)", str(error)).group(1))


# The book's one way to time code, as on the loop page: wall-clock and processor time after forcing.
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


print("timed on:", timing_setting())
other_shape = tf.random.normal([args.size, args.size + 1])
start = time.perf_counter()
np.asarray(xla_gelu(other_shape))  # a new shape: tracing and compiling, then running
first_call = time.perf_counter() - start
best = timed({"plain": lambda: plain_gelu(inputs), "xla": lambda: xla_gelu(inputs)}, repeat=5)
print(f"XLA, first call for a new shape / a later call: {first_call / best['xla'][0]:.0f}x")
xla_wall, xla_cpu = best["xla"][0] / best["plain"][0], best["xla"][1] / best["plain"][1]
print(f"XLA / plain graph: wall {xla_wall:.2f}x, processor {xla_cpu:.2f}x")
print("XLA takes under 70% of the plain graph's wall time:", xla_wall < 0.7)

# Debugging: run every tf.function as plain Python, with print and .numpy() working inside.
tf.config.run_functions_eagerly(True)
try:
    for value in [1.0, 2.0]:
        noisy(tf.constant(value))
finally:
    tf.config.run_functions_eagerly(False)  # the switch is global: off again, even after an error


# Many small operations: the graph runs them without going back to Python each time.
def newton_sqrt(a, steps=50):
    x = a
    for _ in range(steps):
        x = 0.5 * (x + a / x)
    return x


graph_sqrt = tf.function(newton_sqrt)
two = tf.constant(2.0)
print(f"eager {float(newton_sqrt(two)):.6f} | graph {float(graph_sqrt(two)):.6f}")
best = timed({"eager": lambda: [newton_sqrt(two) for _ in range(20)][-1],
              "graph": lambda: [graph_sqrt(two) for _ in range(20)][-1]}, repeat=5)
eager_wall, eager_cpu = best["eager"][0] / best["graph"][0], best["eager"][1] / best["graph"][1]
print(f"eager / graph: wall {eager_wall:.1f}x, processor {eager_cpu:.1f}x")
print("graph over 3x faster than eager in wall time:", eager_wall > 3)
