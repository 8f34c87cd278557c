# Solutions to the exercises of "Other data structures".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
np.set_printoptions(precision=4, suppress=True)

# Exercise 1: words, their lengths in characters, and the mean length per sentence.
sentences = tf.constant(["I had a café au lait", "Tensors flow", "naïve résumé"])
words = tf.strings.split(sentences)
lengths = tf.strings.length(words, unit="UTF8_CHAR")
print(lengths)
print("shape:", lengths.shape, "| bytes of 'café':", tf.strings.length("café").numpy())
mean_length = tf.reduce_mean(tf.cast(lengths, tf.float32), axis=1)
print(mean_length)
