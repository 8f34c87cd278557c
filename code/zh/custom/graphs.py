# tf.function：追踪、具体函数、AutoGraph、计算图代码的规则、XLA 与速度。
import argparse
import os
import re
import sys
import time

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="TF functions and graphs.")
parser.add_argument("--size", type=int, default=2000, help="rows and columns of the XLA test input")
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.size < 100:
    parser.error("--size must be at least 100")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# 同一个 Python 函数，分别即时执行和作为 TF 函数执行。
def leaky_relu(x, slope):
    print("  the Python body runs; eagerly:", tf.executing_eagerly())
    return tf.where(x > 0.0, x, slope * x)


graph_leaky_relu = tf.function(leaky_relu)  # 与在 def 上方写 @tf.function 等价
values = tf.constant([-2.0, 0.5, 3.0])
print("eager call:", leaky_relu(values, 0.1).numpy())
print("first TF function call:", graph_leaky_relu(values, 0.1).numpy())
print("second TF function call:", graph_leaky_relu(values, 0.1).numpy())
print(type(graph_leaky_relu).__name__)

# 追踪：只有需要新的计算图时，Python 函数体才会执行。
traces = []


@tf.function
def traced_leaky_relu(x, slope):
    traces.append(f"x: shape {x.shape}, {x.dtype.name} | slope: {slope!r}")  # 一个 Python 副作用
    return tf.where(x > 0.0, x, slope * x)


for x, slope in [(tf.constant(-2.0), 0.1), (tf.constant(-3.0), 0.1), (tf.constant([-1.0, 1.0]), 0.1),
                 (tf.constant(-2.0), 0.2), (tf.constant(-2.0), 0.3)]:
    result = traced_leaky_relu(x, slope)
    print(f"x={x.numpy()}, slope={slope}: {result.numpy().round(2)} | traces so far: {len(traces)}")
print("\n".join(traces))
print("tracing count:", traced_leaky_relu.experimental_get_tracing_count())


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
concrete = graph_leaky_relu.get_concrete_function(tf.TensorSpec([None], tf.float32), 0.2)
print(concrete)
print([op.name for op in concrete.graph.get_operations()])
print([op.type for op in concrete.graph.get_operations()])
print(concrete(tf.constant([-1.0, 2.0])))


# AutoGraph 把以张量为条件的 while/if 转换成计算图中的控制流。
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


# 随机数：NumPy 的硬币只在追踪时抛一次；tf.random 每次调用都重新抛。
@tf.function
def maybe_flip(image):  # 以一半的概率把图像左右翻转
    numpy_flips = np.random.uniform() < 0.5
    tf_flips = tf.random.uniform([]) < 0.5
    return (tf.reverse(image, axis=[1]) if numpy_flips else image,
            tf.where(tf_flips, tf.reverse(image, axis=[1]), image))


ramp = tf.constant([[1.0, 2.0, 3.0]])  # 一张 1 x 3 的“图像”：翻转后读作 3 2 1
for _ in range(4):
    numpy_image, tf_image = maybe_flip(ramp)
    print("NumPy coin:", numpy_image.numpy()[0], "| tf.random coin:", tf_image.numpy()[0])


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


# XLA 拒绝它无法编译的运算，并指出是哪一个。
@tf.function(jit_compile=True)
def xla_with_python(x):
    return tf.py_function(np.cos, [x], Tout=tf.float32)


try:
    xla_with_python(tf.constant(1.0))
except tf.errors.InvalidArgumentError as error:
    print("InvalidArgumentError: unsupported operation",
          re.search(r"XLA_\w+: (\w+)", str(error)).group(1))


# 本书唯一的计时方法，与训练循环一节相同：取得结果之后的挂钟时间和处理器时间。
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


print("timed on:", timing_setting())
other_shape = tf.random.normal([args.size, args.size + 1])
start = time.perf_counter()
np.asarray(xla_gelu(other_shape))  # 新的形状：先追踪、编译，再执行
first_call = time.perf_counter() - start
best = timed({"plain": lambda: plain_gelu(inputs), "xla": lambda: xla_gelu(inputs)}, repeat=5)
print(f"XLA, first call for a new shape / a later call: {first_call / best['xla'][0]:.0f}x")
xla_wall, xla_cpu = best["xla"][0] / best["plain"][0], best["xla"][1] / best["plain"][1]
print(f"XLA / plain graph: wall {xla_wall:.2f}x, processor {xla_cpu:.2f}x")
print("XLA takes under 70% of the plain graph's wall time:", xla_wall < 0.7)

# 调试：让每个 tf.function 都作为普通 Python 执行，其中的 print 和 .numpy() 都能用。
tf.config.run_functions_eagerly(True)
try:
    for value in [1.0, 2.0]:
        noisy(tf.constant(value))
finally:
    tf.config.run_functions_eagerly(False)  # 这是全局开关：即使出错也要关掉


# 大量小运算：计算图执行它们时不必每次都回到 Python。
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
