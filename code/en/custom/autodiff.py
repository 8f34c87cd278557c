# Autodiff in depth: several targets, Jacobians, a Hessian, pausing the tape, unstable gradients.
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Several targets: a list of targets (or a vector target) gives the gradient of their sum.
x = tf.Variable([1.0, 2.0, 3.0], dtype=tf.float32)
with tf.GradientTape(persistent=True) as tape:
    squares = tf.reduce_sum(x ** 2)  # gradient 2x
    cubes = tf.reduce_sum(x ** 3) / 3.0  # gradient x^2
    elementwise = x ** 2  # a vector target
print("list of targets:", tape.gradient([squares, cubes], x).numpy())
print("squares alone:  ", tape.gradient(squares, x).numpy())
print("cubes alone:    ", tape.gradient(cubes, x).numpy())
print("vector target:  ", tape.gradient(elementwise, x).numpy())
del tape  # a persistent tape holds its record (and the tensors it needs) until deleted

# tape.jacobian: every output differentiated with respect to every input.
# Polar to Cartesian coordinates: (r, theta) -> (r cos theta, r sin theta).
polar = tf.Variable([2.0, np.pi / 6], dtype=tf.float32)
with tf.GradientTape() as tape:
    r, theta = polar[0], polar[1]
    cartesian = tf.stack([r * tf.cos(theta), r * tf.sin(theta)])
jacobian = tape.jacobian(cartesian, polar).numpy()
print(jacobian.round(4))
cos, sin = np.cos(np.pi / 6), np.sin(np.pi / 6)
by_hand = np.array([[cos, -2.0 * sin], [sin, 2.0 * cos]])
print("equals the Jacobian by hand:", np.allclose(jacobian, by_hand, atol=1e-6))
print(f"determinant: {np.linalg.det(jacobian):.4f}")

# batch_jacobian: one Jacobian per example, for outputs[i] that depend on inputs[i] only.
layer = tf.keras.layers.Dense(3, activation="tanh")
inputs = tf.random.normal([4, 2])  # 4 examples of 2 features: a constant, so watch it
with tf.GradientTape(persistent=True) as tape:
    tape.watch(inputs)
    outputs = layer(inputs)
full = tape.jacobian(outputs, inputs)
per_example = tape.batch_jacobian(outputs, inputs)
del tape
print("jacobian:", full.shape, "| batch_jacobian:", per_example.shape)
diagonal_blocks = tf.stack([full[i, :, i, :] for i in range(4)])
print("batch_jacobian = diagonal blocks:", np.allclose(per_example, diagonal_blocks, atol=1e-6))
off_diagonal = full * (1.0 - tf.eye(4)[:, None, :, None])  # zero out the blocks i == j
print("other blocks all zero:", float(tf.reduce_max(tf.abs(off_diagonal))) == 0.0)
by_hand = (1.0 - outputs[:, :, None] ** 2) * tf.transpose(layer.kernel)[None, :, :]
print("equals (1 - tanh^2) W^T:", np.allclose(per_example, by_hand, atol=1e-6))

# A Hessian with nested tapes: the outer tape records the inner tape's gradient computation.
# For log-sum-exp the gradient is p = softmax(z) and the Hessian is diag(p) - p p^T.
z = tf.Variable([1.0, 2.0, 0.5], dtype=tf.float32)
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        lse = tf.reduce_logsumexp(z)
    gradient = inner.gradient(lse, z)
hessian = outer.jacobian(gradient, z).numpy()
p = tf.nn.softmax(z).numpy()
print("gradient = softmax(z):", np.allclose(gradient, p, atol=1e-6))
print(hessian.round(4))
print("equals diag(p) - p p^T:", np.allclose(hessian, np.diag(p) - np.outer(p, p), atol=1e-6))
print("rows sum to 0:", np.allclose(hessian.sum(axis=1), 0.0, atol=1e-6))

# Pausing the tape, or stopping one tensor: both make a value a constant for the gradient.
w = tf.Variable(3.0, dtype=tf.float32)
with tf.GradientTape(persistent=True) as tape:
    square = w ** 2
    with tape.stop_recording():
        cube_unrecorded = w ** 3  # computed, not recorded
    cube_stopped = tf.stop_gradient(w ** 3)  # recorded, but no gradient flows through it
    loss_a = square + cube_unrecorded
    loss_b = square + cube_stopped
print("values:", float(loss_a), float(loss_b), "| gradients:",
      float(tape.gradient(loss_a, w)), float(tape.gradient(loss_b, w)))
print("gradient of each cube:", tape.gradient(cube_unrecorded, w), tape.gradient(cube_stopped, w))
del tape

# A tape that records only what it is told to watch, variables included.
u = tf.Variable(1.0, dtype=tf.float32)
v = tf.Variable(2.0, dtype=tf.float32)
with tf.GradientTape(watch_accessed_variables=False) as tape:
    tape.watch(u)
    product = u * v
print("watched:", [float(var) for var in tape.watched_variables()], "| gradients:",
      [None if g is None else float(g) for g in tape.gradient(product, [u, v])])

# An unstable gradient: a Euclidean distance, sqrt(sum of squares), at distance 0.
differences = tf.Variable([[3.0, 4.0], [0.0, 0.0]], dtype=tf.float32)


def distance_gradient(distance_fn):
    with tf.GradientTape() as tape:
        distances = distance_fn(differences)
    return distances.numpy(), tape.gradient(distances, differences).numpy()


def naive(d):
    return tf.sqrt(tf.reduce_sum(d ** 2, axis=-1))


def plus_epsilon(d):
    return tf.sqrt(tf.reduce_sum(d ** 2, axis=-1) + 1e-12)


def double_where(d):
    squared = tf.reduce_sum(d ** 2, axis=-1)
    safe = tf.where(squared > 0.0, squared, 1.0)  # no 0 ever reaches tf.sqrt
    return tf.where(squared > 0.0, tf.sqrt(safe), 0.0)


def show(name, distances, gradient):
    values = ", ".join(f"{value:.6g}" for value in distances)
    rounded = gradient.astype(np.float64).round(4).tolist()
    print(f"{name:12s} distances [{values}] gradient {rounded}")


for name, distance_fn in [("naive", naive), ("plus 1e-12", plus_epsilon),
                          ("double where", double_where)]:
    show(name, *distance_gradient(distance_fn))

# tf.where differentiates both branches: the branch not taken still sends its gradient back.
t = tf.Variable([0.0, 4.0], dtype=tf.float32)
with tf.GradientTape(persistent=True) as tape:
    log_one_where = tf.where(t > 0.0, tf.math.log(t), 0.0)
    log_double_where = tf.where(t > 0.0, tf.math.log(tf.where(t > 0.0, t, 1.0)), 0.0)
    sqrt_one_where = tf.where(t > 0.0, tf.sqrt(t), 0.0)
print("log, one where:", tape.gradient(log_one_where, t).numpy(),
      "| log, double where:", tape.gradient(log_double_where, t).numpy(),
      "| sqrt, one where:", tape.gradient(sqrt_one_where, t).numpy())
del tape


# tf.custom_gradient for a backward pass of our own: rounding that lets the gradient through.
@tf.custom_gradient
def round_straight_through(x):
    def backward(upstream):
        return upstream  # as if the rounding were the identity
    return tf.round(x), backward


levels = tf.Variable([0.3, 1.6, 2.5], dtype=tf.float32)
with tf.GradientTape(persistent=True) as tape:
    plain = tf.reduce_sum(2.0 * tf.round(levels))
    straight = tf.reduce_sum(2.0 * round_straight_through(levels))
print("forward:", tf.round(levels).numpy(), round_straight_through(levels).numpy())
print("gradient through tf.round:", tape.gradient(plain, levels),
      "| straight through:", tape.gradient(straight, levels).numpy())
del tape
