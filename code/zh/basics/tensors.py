# 张量与运算、与 NumPy 互操作、数据类型、变量。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)
print("TensorFlow", tf.__version__, "| NumPy", np.__version__)

# 张量是 n 维数组：有统一的数据类型（dtype）和形状（shape）。
digits = tf.constant([[3., 1., 4.], [1., 5., 9.]])
print(digits)
print("shape:", digits.shape, "| dtype:", digits.dtype, "| rank:", digits.ndim)

# 标量的形状是空的 ()。
answer = tf.constant(42)
print(answer, answer.shape)

# 索引和切片的写法与 NumPy 一致。
print(digits[1])
print(digits[:, 1:])
print(digits[:, 0, tf.newaxis])

# 逐元素运算，支持广播。
print(digits * 2 + 1)
print(digits - tf.constant([1., 0., 1.]))

# 矩阵乘法（@ 即 tf.matmul）与归约运算。
gram = digits @ tf.transpose(digits)
print(gram)
print(tf.reduce_sum(digits), tf.reduce_max(digits, axis=1), tf.reduce_mean(digits, axis=0))

# 改变形状不会挪动元素，只是换一种分组方式。
print(tf.reshape(digits, [3, 2]))
print(tf.reshape(digits, [-1]))

# NumPy 数组与张量可以互相转换。
weights = np.array([0.5, 0.25, 0.25])
as_tensor = tf.constant(weights)
print(as_tensor)
print(digits.numpy().sum(axis=1))
print(np.exp(tf.constant([0., 1.])))

# 陷阱：NumPy 默认用 float64，TensorFlow 默认用 float32。
try:
    digits * as_tensor
except tf.errors.InvalidArgumentError as err:
    print("InvalidArgumentError:", err.message.split("[Op")[0].strip())

# 解决办法：把数组转成张量时指定 float32。
weights32 = tf.constant(weights, dtype=tf.float32)
print(digits * weights32)

# 不做隐式转换：整数与浮点数混用同样报错，要用 tf.cast 显式转换。
count = tf.constant(3)
try:
    digits / count
except TypeError as err:
    print("TypeError:", err)
print(digits / tf.cast(count, tf.float32))
print(tf.cast(tf.constant([1.7, -1.7]), tf.int32))

# 变量保存可以原地修改的状态，比如模型的权重。
theta = tf.Variable([[1., 2.], [3., 4.]], name="theta")
print(theta)
theta.assign(theta * 10)
theta.assign_add(tf.ones_like(theta))
theta[0, 1].assign(-1.)
theta[1, :].assign([0., 0.])
print(theta.numpy())
theta.scatter_nd_update(indices=[[0, 0], [1, 1]], updates=[7., 8.])
print(theta.numpy())

# 不支持下标赋值，要用 assign()。
try:
    theta[0, 0] = 5.
except TypeError as err:
    print("TypeError:", err)

# 对变量做运算，得到的是普通（不可变）张量。
doubled = theta * 2
print(type(theta).__name__, "->", type(doubled).__name__)
