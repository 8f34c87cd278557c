# Linear regression y = a * X + b, fitted three ways.
import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)

# Average price per square metre (thousands) in a fictional city, 2017-2023.
years = np.array([2017, 2018, 2019, 2020, 2021, 2022, 2023], dtype=np.float32)
prices = np.array([8.6, 9.3, 9.8, 10.6, 11.1, 11.9, 12.4], dtype=np.float32)

# Scale both to [0, 1] so that one learning rate suits a and b.
X = (years - years.min()) / (years.max() - years.min())
y = (prices - prices.min()) / (prices.max() - prices.min())
print("X:", X.round(3))
print("y:", y.round(3))

# 1) NumPy: we derive and code the gradients of the squared error ourselves.
a, b = 0.0, 0.0
learning_rate, steps = 0.05, 1000
for step in range(steps):
    error = a * X + b - y
    grad_a, grad_b = 2 * (error * X).mean(), 2 * error.mean()
    a, b = a - learning_rate * grad_a, b - learning_rate * grad_b
print(f"NumPy:      a = {a:.4f}, b = {b:.4f}")

# 2) TensorFlow: the tape finds the gradients, the optimizer applies them.
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

# 3) The closed-form least-squares answer, to compare with.
a_best, b_best = np.polyfit(X, y, deg=1)
print(f"Exact:      a = {a_best:.4f}, b = {b_best:.4f}")

# Back in the original units: the predicted price for 2024.
scale = (prices.max() - prices.min()) / (years.max() - years.min())
x_2024 = (2024 - years.min()) / (years.max() - years.min())
price_2024 = (a_t.numpy() * x_2024 + b_t.numpy()) * (prices.max() - prices.min()) + prices.min()
print(f"slope: {a_t.numpy() * scale:.3f} thousand per year | 2024: {price_2024:.2f} thousand")

# The data and the fitted line, in the original units.
line_years = np.array([2017, 2024], dtype=np.float32)
line_X = (line_years - years.min()) / (years.max() - years.min())
line_prices = (a_t.numpy() * line_X + b_t.numpy()) * (prices.max() - prices.min()) + prices.min()
# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(years, prices, "o", label="data")
ax.plot(line_years, line_prices, "-", label="fitted line")
ax.plot([2024], [price_2024], "x", markersize=9, label="prediction for 2024")
ax.set_xlabel("year")
ax.set_ylabel("price (thousand per m²)")
ax.legend()
plt.tight_layout()
plt.show()
