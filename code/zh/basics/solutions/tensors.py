# 《张量与变量》一节练习的参考答案。
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
                      ("digits64 / tf.cast(count, tf.float32)",
                       lambda: digits64 / tf.cast(count, tf.float32))]:
    try:
        compute()
        print(f"{name}: works")
    except (tf.errors.InvalidArgumentError, TypeError) as err:
        print(f"{name}: {type(err).__name__}")
print((digits64 / tf.cast(count, digits64.dtype)).dtype)  # 转换成 x.dtype
