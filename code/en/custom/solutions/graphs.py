# Solutions to the exercises of "TF functions and graphs".
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# Exercise 1: a learning rate passed as a Python float retraces at every new value.
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
    rate = 0.1 * 0.5 ** step  # 0.1, 0.05, 0.025, 0.0125
    step_float_rate(gradient, rate)
    step_tensor_rate(gradient, tf.constant(rate, dtype=tf.float32))
    step_fixed_signature(gradient, rate)  # the signature converts the float to a tensor
print("traces: Python float", step_float_rate.experimental_get_tracing_count(),
      "| tensor", step_tensor_rate.experimental_get_tracing_count(),
      "| input_signature", step_fixed_signature.experimental_get_tracing_count())
print(f"w after 12 steps: {float(w):.4f}")


# Exercise 2: a while loop on a tensor becomes a While operation; on a Python float it runs
# while tracing.
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


# Exercise 3: a variable created on the first call only, then updated with assign_add.
class Accumulator(tf.Module):
    def __init__(self):
        super().__init__()
        self.total = None

    @tf.function
    def __call__(self, x):
        if self.total is None:  # a Python test: true while tracing the first time only
            self.total = tf.Variable(tf.zeros_like(x))
        self.total.assign_add(x)
        return self.total.read_value()


accumulate = Accumulator()
print("totals:", [float(accumulate(tf.constant(value))) for value in [1.0, 2.0, 3.0]])
