# tf.function：追踪、具体函数、AutoGraph、计算图代码的规则、XLA 与速度。
import argparse
import re
import sys
import time

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="TF functions and graphs.")
parser.add_argument("--size", type=int, default=2000, help="rows and columns of the XLA test input")
args, _ = parser.parse_known_args()  # 只解析认识的参数：notebook 内核会附加自己的命令行参数

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# 一个 Python 函数，以及由它得到的 TF 函数。
def scaled_cube(x, scale):
    return scale * x ** 3


tf_scaled_cube = tf.function(scaled_cube)  # 与用 @tf.function 装饰它等价
print(scaled_cube(2.0, 1.0), "|", tf_scaled_cube(2.0, 1.0))
print(type(tf_scaled_cube).__name__, "| wraps scaled_cube:",
      tf_scaled_cube.python_function is scaled_cube)

# 追踪：只有需要新的计算图时，Python 函数体才会执行。
traces = []


@tf.function
def traced_cube(x, scale):
    traces.append(f"x: shape {x.shape}, {x.dtype.name} | scale: {scale!r}")  # 一个 Python 副作用
    return scale * x ** 3


for x, scale in [(tf.constant(2.0), 1.0), (tf.constant(3.0), 1.0), (tf.constant([1.0, 2.0]), 1.0),
                 (tf.constant(2.0), 2.0), (tf.constant(2.0), 3.0)]:
    result = traced_cube(x, scale)
    print(f"x={x.numpy()}, scale={scale}: {result.numpy()} | traces so far: {len(traces)}")
print("\n".join(traces))
print("tracing count:", traced_cube.experimental_get_tracing_count())


# 一张计算图适用于任意长度：指定输入签名，或者让 TensorFlow 放宽形状。
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

# 具体函数就是追踪得到的一张计算图；它的运算就是图中的节点。
concrete = tf_scaled_cube.get_concrete_function(tf.TensorSpec([None], tf.float32), 2.0)
print(concrete)
print([op.name for op in concrete.graph.get_operations()])
print([op.type for op in concrete.graph.get_operations()])
print(concrete(tf.constant([1.0, 2.0])))


# AutoGraph 把以张量为条件的 while/if 改写成计算图中的控制流。
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
        print(line[8:])  # 生成的函数体从第 9 列开始
graph_collatz = tf.function(collatz_steps)
print("steps from 27 to 1:", int(graph_collatz(tf.constant(27))))
graph = graph_collatz.get_concrete_function(tf.TensorSpec([], tf.int32)).graph
print("graph:", [op.type for op in graph.get_operations()])
library = graph.as_graph_def().library.function  # 循环条件和循环体各自的计算图
inner = {node.op for function in library for node in function.node_def}
print("inside the loop:", sorted(op for op in inner if "If" in op or "While" in op))


# 遍历 Python range 的循环在追踪时被展开；遍历张量的循环则变成一个 While。
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


# 副作用：print 在追踪时执行，tf.print 每次调用都执行。
@tf.function
def noisy(x):
    print("print: tracing with", x)
    tf.print("tf.print: running with", x, output_stream=sys.stdout)
    return x + 1


for value in [1.0, 2.0, 3.0]:
    noisy(tf.constant(value))


# 随机数：NumPy 只在追踪时抽取一次，tf.random 每次调用都重新抽取。
@tf.function
def draw(x):
    return x + np.random.uniform(), x + tf.random.uniform([])


for _ in range(3):
    numpy_draw, tf_draw = draw(tf.constant(0.0))
    print(f"np.random: {float(numpy_draw):.4f} | tf.random: {float(tf_draw):.4f}")


# 变量：只在第一次调用时创建，用 assign 更新，绝不用 =。
@tf.function
def fresh_variable(x):
    v = tf.Variable(1.0)  # 每次调用都创建新变量：不允许
    return v + x


try:
    fresh_variable(tf.constant(1.0))
except ValueError as error:
    message = re.search(r"tf\.function only supports.*?first call\.", str(error))
    print("ValueError:", message.group())


class Counter:
    def __init__(self):
        self.count = tf.Variable(0)  # 在计算图之外创建一次

    @tf.function
    def bump(self):
        self.count.assign_add(1)  # 原地修改变量

    @tf.function
    def bump_wrong(self):
        self.count = self.count + 1  # 把 Python 属性重新绑定到一个计算图中的张量


right, wrong = Counter(), Counter()
for _ in range(3):
    right.bump()
    wrong.bump_wrong()
print("with assign_add:", int(right.count), "| with =:", type(wrong.count).__name__)

# tf.py_function：计算图中的任意 Python 代码，每次调用都（即时地、缓慢地）执行。
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


# XLA：jit_compile=True 把逐元素运算融合成一个内核。
def gelu(x):  # GELU 的 tanh 近似：八个逐元素运算
    return 0.5 * x * (1.0 + tf.tanh(0.7978846 * (x + 0.044715 * x ** 3)))


plain_gelu = tf.function(gelu)
xla_gelu = tf.function(gelu, jit_compile=True)
inputs = tf.random.normal([args.size, args.size])
print("same result:", np.allclose(plain_gelu(inputs), xla_gelu(inputs), atol=1e-5))
plain_graph = plain_gelu.get_concrete_function(inputs).graph
print("plain graph:", [op.type for op in plain_graph.get_operations() if op.type != "Const"])
hlo = xla_gelu.experimental_get_compiler_ir(inputs)(stage="optimized_hlo")  # XLA 生成的程序
entry = hlo[hlo.index("ENTRY"):]  # 它的主计算
print("XLA program:", len(re.findall(r" fusion\(", entry)), "fused kernel, compiled for",
      re.findall(r"f32\[[\d,]+\]", entry.splitlines()[0]))


# 每个参赛者的最佳处理器时间：先预热，再交替测量若干轮。
def best_times(contenders, rounds=5):
    for run in contenders.values():
        run()  # 预热：追踪和编译都发生在这里
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

# 调试：让每个 tf.function 都作为普通 Python 执行，其中的 print 和 .numpy() 都能用。
tf.config.run_functions_eagerly(True)
for value in [1.0, 2.0]:
    noisy(tf.constant(value))
tf.config.run_functions_eagerly(False)


# 大量小运算：计算图执行它们时不必每次都回到 Python。
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
