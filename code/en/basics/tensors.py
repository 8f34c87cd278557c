# Tensors, operations, NumPy interplay, dtypes and variables.
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)
print("TensorFlow", tf.__version__, "| NumPy", np.__version__)

# A tensor is an n-dimensional array with one dtype and a shape.
digits = tf.constant([[3., 1., 4.], [1., 5., 9.]])
print(digits)
print("shape:", digits.shape, "| dtype:", digits.dtype, "| rank:", digits.ndim)

# Scalars have the empty shape ().
answer = tf.constant(42)
print(answer, answer.shape)

# Indexing and slicing follow NumPy.
print(digits[1])
print(digits[:, 1:])
print(digits[:, 0, tf.newaxis])

# Element-wise arithmetic, with broadcasting.
print(digits * 2 + 1)
print(digits - tf.constant([1., 0., 1.]))

# Matrix product (@ is tf.matmul) and reductions.
gram = digits @ tf.transpose(digits)
print(gram)
print(tf.reduce_sum(digits), tf.reduce_max(digits, axis=1), tf.reduce_mean(digits, axis=0))

# Reshaping never copies values around; it only changes how they are grouped.
print(tf.reshape(digits, [3, 2]))
print(tf.reshape(digits, [-1]))

# NumPy arrays become tensors and tensors become arrays.
weights = np.array([0.5, 0.25, 0.25])
as_tensor = tf.constant(weights)
print(as_tensor)
print(digits.numpy().sum(axis=1))
print(np.exp(tf.constant([0., 1.])))

# The trap: NumPy defaults to float64, TensorFlow to float32.
try:
    digits * as_tensor
except tf.errors.InvalidArgumentError as err:
    print("InvalidArgumentError:", err.message.split("[Op")[0].strip())

# The fix: ask for float32 when the array becomes a tensor.
weights32 = tf.constant(weights, dtype=tf.float32)
print(digits * weights32)

# No silent conversions: mixing int and float fails too; tf.cast converts explicitly.
count = tf.constant(3)
try:
    digits / count
except TypeError as err:
    print("TypeError:", err)
print(digits / tf.cast(count, tf.float32))
print(tf.cast(tf.constant([1.7, -1.7]), tf.int32))

# Variables hold state that changes in place, such as model weights.
theta = tf.Variable([[1., 2.], [3., 4.]], name="theta")
print(theta)
theta.assign(theta * 10)
theta.assign_add(tf.ones_like(theta))
theta[0, 1].assign(-1.)
theta[1, :].assign([0., 0.])
print(theta.numpy())
theta.scatter_nd_update(indices=[[0, 0], [1, 1]], updates=[7., 8.])
print(theta.numpy())

# Item assignment is not supported: use assign().
try:
    theta[0, 0] = 5.
except TypeError as err:
    print("TypeError:", err)

# Operations on a variable return ordinary (immutable) tensors.
doubled = theta * 2
print(type(theta).__name__, "->", type(doubled).__name__)
