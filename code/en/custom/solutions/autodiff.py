# Solutions to the exercises of "Autodiff in depth".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Exercise 1: a Hessian-vector product from two tapes, without building the Hessian.
z = tf.Variable([1.0, 2.0, 0.5], dtype=tf.float32)
v = tf.constant([1.0, -1.0, 2.0], dtype=tf.float32)
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        lse = tf.reduce_logsumexp(z)
    gradient = inner.gradient(lse, z)
    gradient_dot_v = tf.reduce_sum(gradient * v)  # a scalar: one backward pass suffices
hessian_times_v = outer.gradient(gradient_dot_v, z).numpy()
p = tf.nn.softmax(z).numpy()
hessian = np.diag(p) - np.outer(p, p)
print("H v:", hessian_times_v.round(4), "| equals the Hessian times v:",
      np.allclose(hessian_times_v, hessian @ v.numpy(), atol=1e-6))

# Exercise 2: log-sum-exp written naively overflows; shifting by the maximum does not.
big = tf.Variable([1000.0, 999.0, 998.0], dtype=tf.float32)


def lse_naive(t):
    return tf.math.log(tf.reduce_sum(tf.exp(t)))


def lse_shifted(t):
    m = tf.stop_gradient(tf.reduce_max(t))  # a constant shift: the value does not depend on it
    return m + tf.math.log(tf.reduce_sum(tf.exp(t - m)))


for name, lse_fn in [("naive", lse_naive), ("shifted", lse_shifted),
                     ("tf.reduce_logsumexp", tf.reduce_logsumexp)]:
    with tf.GradientTape() as tape:
        value = lse_fn(big)
    gradient = tape.gradient(value, big).numpy().round(4)
    print(f"{name:20s} value {float(value):.4f} gradient {gradient}")
print("softmax:", tf.nn.softmax(big).numpy().round(4))

# Exercise 3: per-example gradients of a linear model, as the Jacobian of the per-example losses.
# tape.jacobian makes a new tf.function at each call; after 5 calls in one notebook TensorFlow
# warns about retracing, which is harmless here.
features = tf.random.normal([5, 3])
targets = tf.random.normal([5])
weights = tf.Variable(tf.zeros([3]), dtype=tf.float32)
with tf.GradientTape(persistent=True) as tape:
    errors = tf.linalg.matvec(features, weights) - targets
    per_example_losses = errors ** 2  # 5 losses, one per example
    mean_loss = tf.reduce_mean(per_example_losses)
level = tf.get_logger().level
tf.get_logger().setLevel("ERROR")
try:
    per_example_gradients = tape.jacobian(per_example_losses, weights)  # shape (5, 3)
finally:
    tf.get_logger().setLevel(level)  # the level as before, even after an error
mean_gradient = tape.gradient(mean_loss, weights)
del tape
print("per-example gradients:", per_example_gradients.shape)
print("their mean = gradient of the mean loss:",
      np.allclose(tf.reduce_mean(per_example_gradients, axis=0), mean_gradient, atol=1e-6))
print("per-example gradient norms:", tf.norm(per_example_gradients, axis=1).numpy().round(4))
