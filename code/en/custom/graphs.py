# tf.function: tracing, concrete functions, AutoGraph, the rules of graph code, XLA and speed.
import argparse
import re
import sys
import time

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="TF functions and graphs.")
parser.add_argument("--size", type=int, default=2000, help="rows and columns of the XLA test input")
args, _ = parser.parse_known_args()  # known only: a notebook kernel adds its own arguments

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# A Python function, and the TF function made from it.
def scaled_cube(x, scale):
    return scale * x ** 3


tf_scaled_cube = tf.function(scaled_cube)  # the same as decorating it with @tf.function
print(scaled_cube(2.0, 1.0), "|", tf_scaled_cube(2.0, 1.0))
print(type(tf_scaled_cube).__name__, "| wraps scaled_cube:",
      tf_scaled_cube.python_function is scaled_cube)

# Tracing: the Python body runs only when a new graph is needed.
traces = []


@tf.function
def traced_cube(x, scale):
    traces.append(f"x: shape {x.shape}, {x.dtype.name} | scale: {scale!r}")  # a Python side effect
    return scale * x ** 3


for x, scale in [(tf.constant(2.0), 1.0), (tf.constant(3.0), 1.0), (tf.constant([1.0, 2.0]), 1.0),
                 (tf.constant(2.0), 2.0), (tf.constant(2.0), 3.0)]:
    result = traced_cube(x, scale)
    print(f"x={x.numpy()}, scale={scale}: {result.numpy()} | traces so far: {len(traces)}")
print("\n".join(traces))
print("tracing count:", traced_cube.experimental_get_tracing_count())


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
concrete = tf_scaled_cube.get_concrete_function(tf.TensorSpec([None], tf.float32), 2.0)
print(concrete)
print([op.name for op in concrete.graph.get_operations()])
print([op.type for op in concrete.graph.get_operations()])
print(concrete(tf.constant([1.0, 2.0])))


# AutoGraph rewrites while/if on tensors into graph control flow.
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


# Randomness: NumPy draws once, while tracing; tf.random draws at every call.
@tf.function
def draw(x):
    return x + np.random.uniform(), x + tf.random.uniform([])


for _ in range(3):
    numpy_draw, tf_draw = draw(tf.constant(0.0))
    print(f"np.random: {float(numpy_draw):.4f} | tf.random: {float(tf_draw):.4f}")


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


# The best processor time of each contender: warmed up, interleaved, over several rounds.
def best_times(contenders, rounds=5):
    for run in contenders.values():
        run()  # warm-up: tracing and compiling happen here
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, run in contenders.items():
            start = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - start)
    return best


best = best_times({"plain": lambda: [plain_gelu(inputs) for _ in range(2)],
                   "xla": lambda: [xla_gelu(inputs) for _ in range(2)]})
print("XLA takes under 70% of the plain graph's time:", best["xla"] < 0.7 * best["plain"])

# Debugging: run every tf.function as plain Python, with print and .numpy() working inside.
tf.config.run_functions_eagerly(True)
for value in [1.0, 2.0]:
    noisy(tf.constant(value))
tf.config.run_functions_eagerly(False)


# Many small operations: the graph runs them without going back to Python each time.
def newton_sqrt(a, steps=50):
    x = a
    for _ in range(steps):
        x = 0.5 * (x + a / x)
    return x


graph_sqrt = tf.function(newton_sqrt)
two = tf.constant(2.0)
print(f"eager {float(newton_sqrt(two)):.6f} | graph {float(graph_sqrt(two)):.6f}")
best = best_times({"eager": lambda: [newton_sqrt(two) for _ in range(20)],
                   "graph": lambda: [graph_sqrt(two) for _ in range(20)]})
print("graph over 3x faster than eager:", best["eager"] > 3 * best["graph"])
