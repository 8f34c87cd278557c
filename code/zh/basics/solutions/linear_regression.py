# 《实例：线性回归》一节练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)

# 练习 1：抛物线 y = a X^2 + b X + c，训练方法与直线相同。
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

# 练习 2：用更大的学习率对直线做梯度下降。
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
