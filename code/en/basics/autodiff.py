# Automatic differentiation with tf.GradientTape.
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)


# A function of two variables whose derivatives we know by hand:
# df/dx = 2xy and df/dy = x^2 + 3y^2.
def f(x, y):
    return x ** 2 * y + y ** 3


x = tf.Variable(2.0, dtype=tf.float32)
y = tf.Variable(1.0, dtype=tf.float32)
with tf.GradientTape() as tape:
    z = f(x, y)
dz_dx, dz_dy = tape.gradient(z, [x, y])
print("f =", z.numpy(), "| df/dx =", dz_dx.numpy(), "| df/dy =", dz_dy.numpy())


# Check the tape against central finite differences, computed in float64 NumPy.
def numerical_gradient(func, point, eps=1e-6):
    point = np.asarray(point, dtype=np.float64)
    grad = np.zeros_like(point)
    for i in range(point.size):
        step = np.zeros_like(point)
        step[i] = eps
        grad[i] = (func(*(point + step)) - func(*(point - step))) / (2 * eps)
    return grad


approx = numerical_gradient(f, [2.0, 1.0])
exact = np.array([dz_dx.numpy(), dz_dy.numpy()])
print("finite differences:", approx.round(6), "| agree:", np.allclose(approx, exact, atol=1e-4))

# A tape is used up by one gradient() call, unless it is persistent.
with tf.GradientTape(persistent=True) as tape:
    z = f(x, y)
    w = tf.sin(z)
print(tape.gradient(z, x).numpy(), tape.gradient(w, x).numpy().round(4))
del tape

# Only variables are watched by default: gradients with respect to constants are None.
a = tf.constant(2.0, dtype=tf.float32)
b = tf.constant(1.0, dtype=tf.float32)
with tf.GradientTape() as tape:
    z = f(a, b)
print(tape.gradient(z, [a, b]))

# tape.watch() makes the tape record a constant as if it were a variable.
with tf.GradientTape() as tape:
    tape.watch([a, b])
    z = f(a, b)
print(tf.stack(tape.gradient(z, [a, b])).numpy())

# tf.stop_gradient(): same value forwards, no gradient backwards.
with tf.GradientTape() as tape:
    z = x ** 2 * tf.stop_gradient(y) + y ** 3
print(tf.stack(tape.gradient(z, [x, y])).numpy())

# Nested tapes give higher derivatives: d2f/dx2 = 2y.
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        z = f(x, y)
    dz_dx = inner.gradient(z, x)
print("d2f/dx2 =", outer.gradient(dz_dx, x).numpy())

# softplus(t) = log(1 + e^t) written naively overflows: e^100 is inf in float32.
points = tf.Variable([-100.0, 0.0, 100.0], dtype=tf.float32)


def softplus_naive(t):
    return tf.math.log(1.0 + tf.exp(t))


with tf.GradientTape() as tape:
    value = softplus_naive(points)
print("naive  value:", value.numpy(), "grad:", tape.gradient(value, points).numpy())


# Rewritten with max(t, 0) + log(1 + e^-|t|), the value is stable ...
def softplus_stable(t):
    return tf.maximum(t, 0.0) + tf.math.log1p(tf.exp(-tf.abs(t)))


with tf.GradientTape() as tape:
    value = softplus_stable(points)
print("stable value:", value.numpy(), "grad:", tape.gradient(value, points).numpy())


# ... but its gradient at 0 is wrong: it should be sigmoid(0) = 0.5.
# tf.custom_gradient lets us supply the exact derivative ourselves.
@tf.custom_gradient
def softplus(t):
    def backward(upstream):
        return upstream * tf.sigmoid(t)

    return softplus_stable(t), backward


with tf.GradientTape() as tape:
    value = softplus(points)
print("custom value:", value.numpy(), "grad:", tape.gradient(value, points).numpy())
