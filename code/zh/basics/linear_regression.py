# 线性回归 y = a * X + b，用三种方法求解。
import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)

# 某虚构城市 2017—2023 年的平均房价（千元/平方米）。
years = np.array([2017, 2018, 2019, 2020, 2021, 2022, 2023], dtype=np.float32)
prices = np.array([8.6, 9.3, 9.8, 10.6, 11.1, 11.9, 12.4], dtype=np.float32)

# 把两者都缩放到 [0, 1]，同一个学习率就能同时适合 a 和 b。
X = (years - years.min()) / (years.max() - years.min())
y = (prices - prices.min()) / (prices.max() - prices.min())
print("X:", X.round(3))
print("y:", y.round(3))

# 1) NumPy：平方误差的梯度要我们自己推导、自己写。
a, b = 0.0, 0.0
learning_rate, steps = 0.05, 1000
for step in range(steps):
    error = a * X + b - y
    grad_a, grad_b = 2 * (error * X).mean(), 2 * error.mean()
    a, b = a - learning_rate * grad_a, b - learning_rate * grad_b
print(f"NumPy:      a = {a:.4f}, b = {b:.4f}")

# 2) TensorFlow：梯度由 tape 求出，再交给优化器更新变量。
X_t, y_t = tf.constant(X), tf.constant(y)
a_t = tf.Variable(0.0, dtype=tf.float32, name="a")
b_t = tf.Variable(0.0, dtype=tf.float32, name="b")
variables = [a_t, b_t]
optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
for step in range(steps):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(a_t * X_t + b_t - y_t))
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(grads, variables))
    if step % 200 == 0:
        print(f"step {step:4d}: loss = {loss.numpy():.6f}")
print(f"TensorFlow: a = {a_t.numpy():.4f}, b = {b_t.numpy():.4f}")

# 3) 最小二乘的解析解，用来对照。
a_best, b_best = np.polyfit(X, y, deg=1)
print(f"Exact:      a = {a_best:.4f}, b = {b_best:.4f}")

# 换算回原来的单位：预测 2024 年的房价。
scale = (prices.max() - prices.min()) / (years.max() - years.min())
x_2024 = (2024 - years.min()) / (years.max() - years.min())
price_2024 = (a_t.numpy() * x_2024 + b_t.numpy()) * (prices.max() - prices.min()) + prices.min()
print(f"slope: {a_t.numpy() * scale:.3f} thousand per year | 2024: {price_2024:.2f} thousand")

# 原始单位下的数据点与拟合出的直线。
line_years = np.array([2017, 2024], dtype=np.float32)
line_X = (line_years - years.min()) / (years.max() - years.min())
line_prices = (a_t.numpy() * line_X + b_t.numpy()) * (prices.max() - prices.min()) + prices.min()
# 图中的中文标签需要 CJK 字体：装有 Noto Sans CJK 时，用它补上 DejaVu Sans 缺的字形。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(years, prices, "o", label="数据")
ax.plot(line_years, line_prices, "-", label="拟合直线")
ax.plot([2024], [price_2024], "x", markersize=9, label="2024 年的预测")
ax.set_xlabel("年份")
ax.set_ylabel("房价（千元/平方米）")
ax.legend()
plt.tight_layout()
plt.show()
