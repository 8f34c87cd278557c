# 《其他数据结构》一节练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)

# 练习 1：单词、单词的字符数，以及每句话的平均单词长度。
sentences = tf.constant(["I had a café au lait", "Tensors flow", "naïve résumé"])
words = tf.strings.split(sentences)
lengths = tf.strings.length(words, unit="UTF8_CHAR")
print(lengths)
print("shape:", lengths.shape, "| bytes of 'café':", tf.strings.length("café").numpy())
mean_length = tf.reduce_mean(tf.cast(lengths, tf.float32), axis=1)
print(mean_length)
