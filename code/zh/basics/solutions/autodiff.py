# 《自动微分》一节练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)

# 练习 1：g(u, v) = (u^2 v, u + sin v) 在 (2, 1) 处的雅可比矩阵。
w = tf.Variable([2.0, 1.0])


def g(w):
    u, v = w[0], w[1]
    return tf.stack([u**2 * v, u + tf.sin(v)])


with tf.GradientTape(persistent=True) as tape:
    out = g(w)
jacobian = tape.jacobian(out, w)
by_hand = np.array([[2 * 2.0 * 1.0, 2.0**2], [1.0, np.cos(1.0)]])
print("tape.jacobian:\n", jacobian.numpy())
print("agrees with the hand-derived matrix:", np.allclose(jacobian.numpy(), by_hand))


def g_numpy(point):  # 同一个函数，用 float64 的 NumPy 计算
    u, v = point
    return np.array([u**2 * v, u + np.sin(v)])


eps, point = 1e-6, np.array([2.0, 1.0])
columns = [(g_numpy(point + eps * e) - g_numpy(point - eps * e)) / (2 * eps) for e in np.eye(2)]
print("finite differences agree:", np.allclose(np.stack(columns, axis=1), by_hand, atol=1e-6))
print("tape.gradient:", tape.gradient(out, w).numpy(), "= column sums:", by_hand.sum(axis=0))
del tape


# 练习 2：在零向量处梯度为 0（而不是 nan）的范数。
@tf.custom_gradient
def safe_norm(v):
    norm = tf.norm(v)

    def grad(upstream):
        return upstream * tf.math.divide_no_nan(v, norm)

    return norm, grad


for vector in ([3.0, 4.0], [0.0, 0.0]):
    v = tf.Variable(vector)
    with tf.GradientTape(persistent=True) as tape:
        plain, safe = tf.norm(v), safe_norm(v)
    print(vector, "tf.norm:", tape.gradient(plain, v).numpy(),
          "| safe_norm:", tape.gradient(safe, v).numpy())
    del tape
