# 《TF 函数与计算图》一节练习的参考答案。
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# 练习 1：以 Python 浮点数传入的学习率，每换一个值就重新追踪一次。
w = tf.Variable(1.0)


@tf.function
def step_float_rate(gradient, learning_rate):
    w.assign_sub(learning_rate * gradient)


@tf.function
def step_tensor_rate(gradient, learning_rate):
    w.assign_sub(learning_rate * gradient)


@tf.function(input_signature=[tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32)])
def step_fixed_signature(gradient, learning_rate):
    w.assign_sub(learning_rate * gradient)


gradient = tf.constant(1.0)
for step in range(4):
    rate = 0.1 * 0.5 ** step  # 0.1、0.05、0.025、0.0125
    step_float_rate(gradient, rate)
    step_tensor_rate(gradient, tf.constant(rate, dtype=tf.float32))
    step_fixed_signature(gradient, rate)  # 签名把浮点数转换成张量
print("traces: Python float", step_float_rate.experimental_get_tracing_count(),
      "| tensor", step_tensor_rate.experimental_get_tracing_count(),
      "| input_signature", step_fixed_signature.experimental_get_tracing_count())
print(f"w after 12 steps: {float(w):.4f}")


# 练习 2：以张量为条件的 while 循环变成 While 运算；以 Python 浮点数为条件时，
# 它在追踪时执行。
@tf.function
def halvings(x):
    count = tf.constant(0)
    while x >= 1.0:
        x = x / 2.0
        count += 1
    return count


print("halvings:", int(halvings(tf.constant(1000.0))), int(halvings(tf.constant(0.5))),
      int(halvings(1000.0)))
for argument in [tf.TensorSpec([], tf.float32), 1000.0]:
    graph = halvings.get_concrete_function(argument).graph
    print(f"{argument!r}:", [op.type for op in graph.get_operations()])


# 练习 3：只在第一次调用时创建变量，之后用 assign_add 更新。
class Accumulator(tf.Module):
    def __init__(self):
        super().__init__()
        self.total = None

    @tf.function
    def __call__(self, x):
        if self.total is None:  # Python 的判断：只在第一次追踪时为真
            self.total = tf.Variable(tf.zeros_like(x))
        self.total.assign_add(x)
        return self.total.read_value()


accumulate = Accumulator()
print("totals:", [float(accumulate(tf.constant(value))) for value in [1.0, 2.0, 3.0]])
