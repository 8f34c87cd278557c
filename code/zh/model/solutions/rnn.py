# 《循环神经网络》一节练习的参考答案。
import numpy as np
import tensorflow as tf
from pydoc_data.topics import topics

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 正文中的语料和词表：Python 的参考文档，转换成整数编号。
text = "\n\n".join(topics[key] for key in sorted(topics))
text = "\n".join(line for line in text.split("\n") if line.strip("*") or not line)
chars = sorted(set(text))
index = {char: i for i, char in enumerate(chars)}
ids = np.array([index[char] for char in text], dtype=np.int32)
vocab = len(chars)

# 练习 1：三个不需要训练的模型的损失（平均交叉熵，单位为奈特）。
counts = np.bincount(ids, minlength=vocab).astype(np.float64)
unigram = counts / counts.sum()
pairs = np.zeros((vocab, vocab))
np.add.at(pairs, (ids[:-1], ids[1:]), 1)  # pairs[a, b]：b 紧跟在 a 之后出现的次数
bigram = pairs / pairs.sum(axis=1, keepdims=True).clip(min=1)
print(f"uniform over {vocab} characters: {np.log(vocab):.3f}")
print(f"character frequencies (unigram): {-np.sum(unigram * np.log(unigram)):.3f}")
nonzero = pairs > 0
print(f"previous character (bigram):     "
      f"{-np.sum(pairs[nonzero] * np.log(bigram[nonzero])) / pairs.sum():.3f}")

# 练习 2：Keras 的 LSTM 层与正文中对 LSTMCell 的循环执行的是同一个递推。
units, batch = 128, np.stack([ids[:32], ids[1000:1032]])  # 两个长 32 个字符的窗口
cell = tf.keras.layers.LSTMCell(units)
layer = tf.keras.layers.LSTM(units, return_sequences=True, return_state=True)
x = tf.one_hot(batch, depth=vocab)
state = [tf.zeros([2, units])] * 2
by_cell = []
for t in range(x.shape[1]):  # 正文中的循环
    output, state = cell(x[:, t, :], state)
    by_cell.append(output)
by_cell = tf.stack(by_cell, axis=1)
layer.build(x.shape)
layer.set_weights(cell.get_weights())  # kernel、recurrent kernel 和 bias，形状都相同
by_layer, h, c = layer(x)
print("weights:", [w.shape for w in cell.get_weights()], "| parameters:",
      cell.count_params(), layer.count_params())
same_state = np.allclose(state[0], h, atol=1e-5) and np.allclose(state[1], c, atol=1e-5)
print("same outputs:", np.allclose(by_cell, by_layer, atol=1e-5), "| same final state:", same_state)
