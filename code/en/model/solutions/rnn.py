# Solutions to the exercises of "Recurrent neural networks".
import numpy as np
import tensorflow as tf
from pydoc_data.topics import topics

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The page's corpus and vocabulary: Python's reference documentation, as integer ids.
text = "\n\n".join(topics[key] for key in sorted(topics))
text = "\n".join(line for line in text.split("\n") if line.strip("*") or not line)
chars = sorted(set(text))
index = {char: i for i, char in enumerate(chars)}
ids = np.array([index[char] for char in text], dtype=np.int32)
vocab = len(chars)

# Exercise 1: the loss (mean cross-entropy, in nats) of three models that need no training.
counts = np.bincount(ids, minlength=vocab).astype(np.float64)
unigram = counts / counts.sum()
pairs = np.zeros((vocab, vocab))
np.add.at(pairs, (ids[:-1], ids[1:]), 1)  # pairs[a, b]: how often b follows a
bigram = pairs / pairs.sum(axis=1, keepdims=True).clip(min=1)
print(f"uniform over {vocab} characters: {np.log(vocab):.3f}")
print(f"character frequencies (unigram): {-np.sum(unigram * np.log(unigram)):.3f}")
nonzero = pairs > 0
print(f"previous character (bigram):     "
      f"{-np.sum(pairs[nonzero] * np.log(bigram[nonzero])) / pairs.sum():.3f}")

# Exercise 2: Keras's LSTM layer runs the same recurrence as the page's loop over LSTMCell.
units, batch = 128, np.stack([ids[:32], ids[1000:1032]])  # two windows of 32 characters
cell = tf.keras.layers.LSTMCell(units)
layer = tf.keras.layers.LSTM(units, return_sequences=True, return_state=True)
x = tf.one_hot(batch, depth=vocab)
state = [tf.zeros([2, units])] * 2
by_cell = []
for t in range(x.shape[1]):  # the page's loop
    output, state = cell(x[:, t, :], state)
    by_cell.append(output)
by_cell = tf.stack(by_cell, axis=1)
layer.build(x.shape)
layer.set_weights(cell.get_weights())  # kernel, recurrent kernel, bias: the same shapes
by_layer, h, c = layer(x)
print("weights:", [w.shape for w in cell.get_weights()], "| parameters:",
      cell.count_params(), layer.count_params())
same_state = np.allclose(state[0], h, atol=1e-5) and np.allclose(state[1], c, atol=1e-5)
print("same outputs:", np.allclose(by_cell, by_layer, atol=1e-5), "| same final state:", same_state)
