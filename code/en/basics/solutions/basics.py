# Solutions to the exercises of "TensorFlow basics".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)

# Exercise 1: dtypes. A float32 array becomes a float32 tensor, and the product works.
digits = tf.constant([[3., 1., 4.], [1., 5., 9.]])
weights = np.array([0.5, 0.25, 0.25])
weights32 = tf.constant(weights.astype(np.float32))
print(weights32.dtype, (digits * weights32).numpy().tolist())

# digits in float64: the product with the float64 array now works without a cast...
digits64 = tf.constant([[3., 1., 4.], [1., 5., 9.]], dtype=tf.float64)
print((digits64 * tf.constant(weights)).dtype)
# ...and what worked before fails: float32 operands, and the cast of the integer count.
count = tf.constant(3)
for name, compute in [("digits64 * weights32", lambda: digits64 * weights32),
                      ("digits64 / tf.cast(count, tf.float32)", lambda: digits64 / tf.cast(count, tf.float32))]:
    try:
        compute()
        print(f"{name}: works")
    except (tf.errors.InvalidArgumentError, TypeError) as err:
        print(f"{name}: {type(err).__name__}")
print((digits64 / tf.cast(count, digits64.dtype)).dtype)  # cast to x.dtype

# Exercise 2: the Jacobian of g(u, v) = (u^2 v, u + sin v) at (2, 1).
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


def g_numpy(point):  # the same function in float64 NumPy
    u, v = point
    return np.array([u**2 * v, u + np.sin(v)])


eps, point = 1e-6, np.array([2.0, 1.0])
columns = [(g_numpy(point + eps * e) - g_numpy(point - eps * e)) / (2 * eps) for e in np.eye(2)]
print("finite differences agree:", np.allclose(np.stack(columns, axis=1), by_hand, atol=1e-6))
print("tape.gradient:", tape.gradient(out, w).numpy(), "= column sums:", by_hand.sum(axis=0))
del tape

# Exercise 3: a parabola y = a X^2 + b X + c, trained like the line.
years = np.array([2017, 2018, 2019, 2020, 2021, 2022, 2023], dtype=np.float32)
prices = np.array([8.6, 9.3, 9.8, 10.6, 11.1, 11.9, 12.4], dtype=np.float32)
X = (years - years.min()) / (years.max() - years.min())
y = (prices - prices.min()) / (prices.max() - prices.min())
X_t, y_t = tf.constant(X), tf.constant(y)
a, b, c = (tf.Variable(0.0, dtype=tf.float32) for _ in range(3))
optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)


@tf.function  # compiles the step into a graph (a later chapter): 3000 steps in a blink
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

# Exercise 4: gradient descent on the line with larger learning rates.
hessian = 2 * np.array([[np.mean(X**2), np.mean(X)], [np.mean(X), 1.0]])
smallest, largest = np.linalg.eigvalsh(hessian)  # in ascending order
print(f"eigenvalues {smallest:.4f} and {largest:.4f}: converges for learning rates below "
      f"{2 / largest:.4f}, fastest at {2 / (largest + smallest):.4f}")
for learning_rate in [0.5, 0.7, 0.8, 1.0, 1.5]:
    a_, b_, losses = 0.0, 0.0, []
    with np.errstate(over="ignore", invalid="ignore"):  # divergence overflows float32
        for step in range(100):
            error = a_ * X + b_ - y
            losses.append(np.mean(error**2))
            grad_a, grad_b = 2 * (error * X).mean(), 2 * error.mean()
            a_, b_ = a_ - learning_rate * grad_a, b_ - learning_rate * grad_b
    shown = ", ".join(f"{losses[k]:.3g}" for k in (0, 10, 50, 99))
    print(f"lr {learning_rate}: loss at steps 0, 10, 50, 99: {shown} | a = {a_:.4g}, b = {b_:.4g}")


# Exercise 5: a norm whose gradient at 0 is 0 instead of nan.
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

# Exercise 6: words, their lengths in characters, and the mean length per sentence.
sentences = tf.constant(["I had a café au lait", "Tensors flow", "naïve résumé"])
words = tf.strings.split(sentences)
lengths = tf.strings.length(words, unit="UTF8_CHAR")
print(lengths)
print("shape:", lengths.shape, "| bytes of 'café':", tf.strings.length("café").numpy())
mean_length = tf.reduce_mean(tf.cast(lengths, tf.float32), axis=1)
print(mean_length)
