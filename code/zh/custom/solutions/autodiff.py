# 《深入自动微分》一节练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 练习 1：用两层梯度带求黑塞矩阵与向量的乘积，不构造黑塞矩阵本身。
z = tf.Variable([1.0, 2.0, 0.5], dtype=tf.float32)
v = tf.constant([1.0, -1.0, 2.0], dtype=tf.float32)
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        lse = tf.reduce_logsumexp(z)
    gradient = inner.gradient(lse, z)
    gradient_dot_v = tf.reduce_sum(gradient * v)  # 一个标量：一次反向传播就够了
hessian_times_v = outer.gradient(gradient_dot_v, z).numpy()
p = tf.nn.softmax(z).numpy()
hessian = np.diag(p) - np.outer(p, p)
print("H v:", hessian_times_v.round(4), "| equals the Hessian times v:",
      np.allclose(hessian_times_v, hessian @ v.numpy(), atol=1e-6))

# 练习 2：照字面写的 log-sum-exp 会上溢，先减去最大值就不会。
big = tf.Variable([1000.0, 999.0, 998.0], dtype=tf.float32)


def lse_naive(t):
    return tf.math.log(tf.reduce_sum(tf.exp(t)))


def lse_shifted(t):
    m = tf.stop_gradient(tf.reduce_max(t))  # 一个常数平移：函数值与它无关
    return m + tf.math.log(tf.reduce_sum(tf.exp(t - m)))


for name, lse_fn in [("naive", lse_naive), ("shifted", lse_shifted),
                     ("tf.reduce_logsumexp", tf.reduce_logsumexp)]:
    with tf.GradientTape() as tape:
        value = lse_fn(big)
    gradient = tape.gradient(value, big).numpy().round(4)
    print(f"{name:20s} value {float(value):.4f} gradient {gradient}")
print("softmax:", tf.nn.softmax(big).numpy().round(4))

# 练习 3：线性模型的逐样本梯度，即逐样本损失的雅可比矩阵。
# tape.jacobian 每次调用都新建一个 tf.function；同一个 notebook 中调用到第 5 次时，
# TensorFlow 会警告重复追踪，在这里无关紧要。
features = tf.random.normal([5, 3])
targets = tf.random.normal([5])
weights = tf.Variable(tf.zeros([3]), dtype=tf.float32)
with tf.GradientTape(persistent=True) as tape:
    errors = tf.linalg.matvec(features, weights) - targets
    per_example_losses = errors ** 2  # 5 个损失，每个样本一个
    mean_loss = tf.reduce_mean(per_example_losses)
level = tf.get_logger().level
tf.get_logger().setLevel("ERROR")
try:
    per_example_gradients = tape.jacobian(per_example_losses, weights)  # 形状为 (5, 3)
finally:
    tf.get_logger().setLevel(level)  # 恢复原来的级别，出错时也一样
mean_gradient = tape.gradient(mean_loss, weights)
del tape
print("per-example gradients:", per_example_gradients.shape)
print("their mean = gradient of the mean loss:",
      np.allclose(tf.reduce_mean(per_example_gradients, axis=0), mean_gradient, atol=1e-6))
print("per-example gradient norms:", tf.norm(per_example_gradients, axis=1).numpy().round(4))
