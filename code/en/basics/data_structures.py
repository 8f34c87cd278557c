# Sparse, ragged and string tensors; TensorArray, sets and queues.
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)

# A sparse tensor stores only the non-zero entries: where they are, and their values.
sparse = tf.SparseTensor(indices=[[0, 1], [2, 3]], values=[1.5, -2.0], dense_shape=[3, 4])
print(sparse.values, sparse.dense_shape)
print(tf.sparse.to_dense(sparse))

# Most operations on sparse tensors live in tf.sparse.
dense = tf.ones([4, 2])
print(tf.sparse.sparse_dense_matmul(sparse, dense))
print(tf.sparse.reduce_sum(sparse * 2.0, axis=1))
# Adding a scalar would make every entry non-zero: not defined for sparse tensors.
try:
    sparse + 1.0
except TypeError as err:
    print("TypeError:", err)

# A ragged tensor holds rows of different lengths.
ragged = tf.ragged.constant([[1., 2.], [3.], [4., 5., 6.]])
print(ragged)
print(ragged.shape, ragged.row_lengths())
print(tf.reduce_mean(ragged, axis=1))
print(ragged.to_tensor(default_value=0.))

# String tensors hold byte strings; the length of a string is not part of the shape.
phrase = tf.constant("张量 café")
print(phrase)
print(tf.strings.length(phrase), tf.strings.length(phrase, unit="UTF8_CHAR"))

# Decoding gives Unicode code points (int32); splitting gives characters.
print(tf.strings.unicode_decode(phrase, "UTF-8"))
print(tf.strings.unicode_split(phrase, "UTF-8"))
words = tf.strings.split(tf.constant(["a tensor flows", "through the graph"]))
print(words)

# A TensorArray is a list that can grow inside a graph (here a tf.function).
@tf.function
def running_sum(values):
    sums = tf.TensorArray(tf.float32, size=tf.shape(values)[0])
    total = tf.constant(0.)
    for i in tf.range(tf.shape(values)[0]):
        total += values[i]
        sums = sums.write(i, total)
    return sums.stack()


print(running_sum(tf.constant([1., 2., 3., 4.])))

# Sets are the last axis of an ordinary tensor; the answers come back sparse.
left = tf.constant([[1, 2, 3], [4, 5, 6]])
right = tf.constant([[2, 3, 9], [6, 7, 8]])
print(tf.sparse.to_dense(tf.sets.intersection(left, right)))
print(tf.sparse.to_dense(tf.sets.union(left, right)))

# Queues pass tensors from one step to another, first in, first out.
queue = tf.queue.FIFOQueue(capacity=4, dtypes=[tf.int32], shapes=[[]])
queue.enqueue_many([[10, 20, 30]])
print(queue.size().numpy(), queue.dequeue().numpy(), queue.dequeue_many(2).numpy())
