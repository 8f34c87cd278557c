# 稀疏张量、不规则张量、字符串张量；TensorArray、集合与队列。
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)

# 稀疏张量只存非零元素：它们的位置和取值。
sparse = tf.SparseTensor(indices=[[0, 1], [2, 3]], values=[1.5, -2.0], dense_shape=[3, 4])
print(sparse.values, sparse.dense_shape)
print(tf.sparse.to_dense(sparse))

# 稀疏张量的运算大多在 tf.sparse 模块中。
dense = tf.ones([4, 2])
print(tf.sparse.sparse_dense_matmul(sparse, dense))
print(tf.sparse.reduce_sum(sparse * 2.0, axis=1))
# 加上一个标量会让每个元素都不为零，稀疏张量不支持这样的运算。
try:
    sparse + 1.0
except TypeError as err:
    print("TypeError:", err)

# 不规则张量（ragged tensor）的各行长度可以不同。
ragged = tf.ragged.constant([[1., 2.], [3.], [4., 5., 6.]])
print(ragged)
print(ragged.shape, ragged.row_lengths())
print(tf.reduce_mean(ragged, axis=1))
print(ragged.to_tensor(default_value=0.))

# 字符串张量存放字节串，字符串的长度不属于张量的形状。
phrase = tf.constant("张量 café")
print(phrase)
print(tf.strings.length(phrase), tf.strings.length(phrase, unit="UTF8_CHAR"))

# 解码得到 Unicode 码位（int32），切分得到一个个字符。
print(tf.strings.unicode_decode(phrase, "UTF-8"))
print(tf.strings.unicode_split(phrase, "UTF-8"))
words = tf.strings.split(tf.constant(["a tensor flows", "through the graph"]))
print(words)

# TensorArray 是可以在计算图（这里是 tf.function）中逐步写入的列表。
@tf.function
def running_sum(values):
    sums = tf.TensorArray(tf.float32, size=tf.shape(values)[0])
    total = tf.constant(0.)
    for i in tf.range(tf.shape(values)[0]):
        total += values[i]
        sums = sums.write(i, total)
    return sums.stack()


print(running_sum(tf.constant([1., 2., 3., 4.])))

# 集合就是普通张量的最后一个轴，集合运算的结果是稀疏张量。
left = tf.constant([[1, 2, 3], [4, 5, 6]])
right = tf.constant([[2, 3, 9], [6, 7, 8]])
print(tf.sparse.to_dense(tf.sets.intersection(left, right)))
print(tf.sparse.to_dense(tf.sets.union(left, right)))

# 队列在各个步骤之间传递张量，先进先出。
queue = tf.queue.FIFOQueue(capacity=4, dtypes=[tf.int32], shapes=[[]])
queue.enqueue_many([[10, 20, 30]])
print(queue.size().numpy(), queue.dequeue().numpy(), queue.dequeue_many(2).numpy())
