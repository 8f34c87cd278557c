# 《TensorFlow 基础》一章练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)

# 练习 1：数据类型。float32 的数组变成 float32 的张量，乘法可以执行。
digits = tf.constant([[3., 1., 4.], [1., 5., 9.]])
weights = np.array([0.5, 0.25, 0.25])
weights32 = tf.constant(weights.astype(np.float32))
print(weights32.dtype, (digits * weights32).numpy().tolist())

# digits 改为 float64：与 float64 数组相乘不用转换就能执行……
digits64 = tf.constant([[3., 1., 4.], [1., 5., 9.]], dtype=tf.float64)
print((digits64 * tf.constant(weights)).dtype)
# ……原来能执行的反而报错：float32 的操作数，以及把整数 count 转成 float32 的写法。
count = tf.constant(3)
for name, compute in [("digits64 * weights32", lambda: digits64 * weights32),
                      ("digits64 / tf.cast(count, tf.float32)", lambda: digits64 / tf.cast(count, tf.float32))]:
    try:
        compute()
        print(f"{name}: works")
    except (tf.errors.InvalidArgumentError, TypeError) as err:
        print(f"{name}: {type(err).__name__}")
print((digits64 / tf.cast(count, digits64.dtype)).dtype)  # 转换成 x.dtype

# 练习 2：g(u, v) = (u^2 v, u + sin v) 在 (2, 1) 处的雅可比矩阵。
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

# 练习 3：抛物线 y = a X^2 + b X + c，训练方法与直线相同。
years = np.array([2017, 2018, 2019, 2020, 2021, 2022, 2023], dtype=np.float32)
prices = np.array([8.6, 9.3, 9.8, 10.6, 11.1, 11.9, 12.4], dtype=np.float32)
X = (years - years.min()) / (years.max() - years.min())
y = (prices - prices.min()) / (prices.max() - prices.min())
X_t, y_t = tf.constant(X), tf.constant(y)
a, b, c = (tf.Variable(0.0, dtype=tf.float32) for _ in range(3))
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)


@tf.function  # 把一步训练编译成图（见后面的章节），3000 步转眼就完
def train_step():
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(a * X_t**2 + b * X_t + c - y_t))
    grads = tape.gradient(loss, [a, b, c])
    optimizer.apply_gradients(zip(grads, [a, b, c]))
    return loss


for step in range(3000):
    loss = train_step()
print(f"SGD:     a = {a.numpy():.4f}, b = {b.numpy():.4f}, c = {c.numpy():.4f}, "
      f"loss = {loss.numpy():.6f}")
exact = np.polyfit(X, y, deg=2)
print("polyfit: a = {:.4f}, b = {:.4f}, c = {:.4f}".format(*exact))
x_2024 = (2024 - years.min()) / (years.max() - years.min())
to_price = lambda scaled: scaled * (prices.max() - prices.min()) + prices.min()
line = np.polyfit(X, y, deg=1)
print(f"2024: parabola {to_price(np.polyval(exact, x_2024)):.2f}, "
      f"line {to_price(np.polyval(line, x_2024)):.2f} thousand")

# 练习 4：用更大的学习率对直线做梯度下降。
hessian = 2 * np.array([[np.mean(X**2), np.mean(X)], [np.mean(X), 1.0]])
smallest, largest = np.linalg.eigvalsh(hessian)  # 按从小到大的顺序
print(f"eigenvalues {smallest:.4f} and {largest:.4f}: converges for learning rates below "
      f"{2 / largest:.4f}, fastest at {2 / (largest + smallest):.4f}")
for learning_rate in [0.5, 0.7, 0.8, 1.0, 1.5]:
    a_, b_, losses = 0.0, 0.0, []
    with np.errstate(over="ignore", invalid="ignore"):  # 发散时 float32 会溢出
        for step in range(100):
            error = a_ * X + b_ - y
            losses.append(np.mean(error**2))
            grad_a, grad_b = 2 * (error * X).mean(), 2 * error.mean()
            a_, b_ = a_ - learning_rate * grad_a, b_ - learning_rate * grad_b
    shown = ", ".join(f"{losses[k]:.3g}" for k in (0, 10, 50, 99))
    print(f"lr {learning_rate}: loss at steps 0, 10, 50, 99: {shown} | a = {a_:.4g}, b = {b_:.4g}")


# 练习 5：在零向量处梯度为 0（而不是 nan）的范数。
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

# 练习 6：单词、单词的字符数，以及每句话的平均单词长度。
sentences = tf.constant(["I had a café au lait", "Tensors flow", "naïve résumé"])
words = tf.strings.split(sentences)
lengths = tf.strings.length(words, unit="UTF8_CHAR")
print(lengths)
print("shape:", lengths.shape, "| bytes of 'café':", tf.strings.length("café").numpy())
mean_length = tf.reduce_mean(tf.cast(lengths, tf.float32), axis=1)
print(mean_length)
