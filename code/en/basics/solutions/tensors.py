# Solutions to the exercises of "Tensors and variables".
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
                      ("digits64 / tf.cast(count, tf.float32)",
                       lambda: digits64 / tf.cast(count, tf.float32))]:
    try:
        compute()
        print(f"{name}: works")
    except (tf.errors.InvalidArgumentError, TypeError) as err:
        print(f"{name}: {type(err).__name__}")
print((digits64 / tf.cast(count, digits64.dtype)).dtype)  # cast to x.dtype
