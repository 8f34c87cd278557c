# 用 tf.GradientTape 做自动微分。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)


# 一个二元函数，它的偏导数可以手算：
# df/dx = 2xy，df/dy = x^2 + 3y^2。
def f(x, y):
    return x ** 2 * y + y ** 3


x = tf.Variable(2.0, dtype=tf.float32)
y = tf.Variable(1.0, dtype=tf.float32)
with tf.GradientTape() as tape:
    z = f(x, y)
dz_dx, dz_dy = tape.gradient(z, [x, y])
print("f =", z.numpy(), "| df/dx =", dz_dx.numpy(), "| df/dy =", dz_dy.numpy())


# 用 float64 的 NumPy 中心差分来核对 tape 求出的梯度。
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

# 普通的 tape 调用一次 gradient() 就会释放，persistent=True 的除外。
with tf.GradientTape(persistent=True) as tape:
    z = f(x, y)
    w = tf.sin(z)
print(tape.gradient(z, x).numpy(), tape.gradient(w, x).numpy().round(4))
del tape

# tape 默认只记录变量，对常量求梯度得到 None。
a = tf.constant(2.0, dtype=tf.float32)
b = tf.constant(1.0, dtype=tf.float32)
with tf.GradientTape() as tape:
    z = f(a, b)
print(tape.gradient(z, [a, b]))

# tape.watch() 让 tape 像记录变量一样记录常量。
with tf.GradientTape() as tape:
    tape.watch([a, b])
    z = f(a, b)
print(tf.stack(tape.gradient(z, [a, b])).numpy())

# tf.stop_gradient()：前向时原样输出，反向时不传梯度。
with tf.GradientTape() as tape:
    z = x ** 2 * tf.stop_gradient(y) + y ** 3
print(tf.stack(tape.gradient(z, [x, y])).numpy())

# 嵌套两层 tape 可以求二阶导数：d2f/dx2 = 2y。
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        z = f(x, y)
    dz_dx = inner.gradient(z, x)
print("d2f/dx2 =", outer.gradient(dz_dx, x).numpy())

# 直接按定义写 softplus(t) = log(1 + e^t) 会溢出：float32 下 e^100 是 inf。
points = tf.Variable([-100.0, 0.0, 100.0], dtype=tf.float32)


def softplus_naive(t):
    return tf.math.log(1.0 + tf.exp(t))


with tf.GradientTape() as tape:
    value = softplus_naive(points)
print("naive  value:", value.numpy(), "grad:", tape.gradient(value, points).numpy())


# 改写成 max(t, 0) + log(1 + e^-|t|)，函数值就稳定了……
def softplus_stable(t):
    return tf.maximum(t, 0.0) + tf.math.log1p(tf.exp(-tf.abs(t)))


with tf.GradientTape() as tape:
    value = softplus_stable(points)
print("stable value:", value.numpy(), "grad:", tape.gradient(value, points).numpy())


# ……可它在 0 处的梯度不对：应当是 sigmoid(0) = 0.5。
# 用 tf.custom_gradient 自己给出精确的导数。
@tf.custom_gradient
def softplus(t):
    def backward(upstream):
        return upstream * tf.sigmoid(t)

    return softplus_stable(t), backward


with tf.GradientTape() as tape:
    value = softplus(points)
print("custom value:", value.numpy(), "grad:", tape.gradient(value, points).numpy())
