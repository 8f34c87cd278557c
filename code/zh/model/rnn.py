# 字符级文本生成，手工按时间步展开 LSTM 单元。
import argparse
import hashlib
import sys

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Train a character-level LSTM and sample text.")
parser.add_argument("--corpus", choices=["pydoc", "nietzsche"], default="pydoc")
parser.add_argument("--steps", type=int, default=400)
parser.add_argument("--seq-length", type=int, default=32)
parser.add_argument("--batch-size", type=int, default=128)
parser.add_argument("--units", type=int, default=128)
# 在 notebook 中，sys.argv 里是内核自己的参数：那里一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if min(args.steps, args.seq_length, args.batch_size, args.units) < 1:
    parser.error("--steps, --seq-length, --batch-size and --units must be at least 1")
tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# 语料：Python 自带的参考文档，随每个 Python 一起发布
# （pydoc_data 模块）；或者手册中用到的尼采文本，只需下载一次。
def load_corpus(name):
    if name == "nietzsche":
        path = tf.keras.utils.get_file(
            "nietzsche.txt", origin="https://s3.amazonaws.com/text-datasets/nietzsche.txt")
        with open(path, encoding="utf-8") as handle:
            return handle.read().lower()
    from pydoc_data.topics import topics
    text = "\n\n".join(topics[key] for key in sorted(topics))
    # 去掉只用来给标题加下划线的行（"*****"）。
    return "\n".join(line for line in text.split("\n") if line.strip("*") or not line)


text = load_corpus(args.corpus)
print(f"Python {sys.version_info.major}.{sys.version_info.minor}, {len(text):,} characters, "
      f"sha256 {hashlib.sha256(text.encode()).hexdigest()[:12]}")
print(text[:300])


# 字符与整数编号互相转换；训练样本是从文本中随机截取的窗口。
class CharData:
    def __init__(self, text):
        self.chars = sorted(set(text))
        self.index = {char: i for i, char in enumerate(self.chars)}
        self.ids = np.array([self.index[char] for char in text], dtype=np.int32)

    def get_batch(self, seq_length, batch_size):
        # 输入：seq_length 个字符；目标：同一个窗口向后错开一个字符，
        # 这样每个位置都学着预测紧跟在它后面的字符。
        starts = np.random.randint(0, len(self.ids) - seq_length, batch_size)
        inputs = np.stack([self.ids[s:s + seq_length] for s in starts])
        targets = np.stack([self.ids[s + 1:s + seq_length + 1] for s in starts])
        return inputs, targets

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids)


chars = CharData(text)
print("vocabulary:", len(chars.chars), "characters")
inputs, targets = chars.get_batch(seq_length=20, batch_size=2)
print(repr(chars.decode(inputs[0])), "->", repr(chars.decode(targets[0])))


# 模型一次读一个字符：LSTM 单元根据当前输入和上一步的状态更新状态，
# 全连接层在每个位置给下一个字符打分。
# 状态可以传入，也会返回，
# 所以生成文本时可以从上次停下的地方接着往下写。
class CharRNN(tf.keras.Model):
    def __init__(self, vocab_size, units, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.lstm_cell = tf.keras.layers.LSTMCell(units)
        self.readout = tf.keras.layers.Dense(vocab_size)

    def call(self, inputs, state=None):                      # [batch, steps] ids
        x = tf.one_hot(inputs, depth=self.vocab_size)        # [batch, steps, vocab]
        if state is None:                                    # h and c of the LSTM
            state = [tf.zeros([tf.shape(inputs)[0], self.lstm_cell.units])] * 2
        outputs = []
        for t in range(inputs.shape[1]):
            output, state = self.lstm_cell(x[:, t, :], state)  # one step of the recurrence
            outputs.append(output)
        return self.readout(tf.stack(outputs, axis=1)), state  # [batch, steps, vocab] logits


model = CharRNN(vocab_size=len(chars.chars), units=args.units)
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-2, clipnorm=1.0)


# 训练：损失是每个窗口每个位置上交叉熵的平均。
@tf.function
def train_step(inputs, targets):
    with tf.GradientTape() as tape:
        logits, _ = model(inputs)
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(
            targets, logits, from_logits=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


losses = []
for step in range(1, args.steps + 1):
    losses.append(float(train_step(*chars.get_batch(args.seq_length, args.batch_size))))
    if step == 1:  # 第一个批次的损失，在第一次更新之前算出
        print(f"step {step:5d}: loss {losses[0]:.3f} (this batch alone, before any update)")
    if step % 100 == 0:
        print(f"step {step:5d}: loss {np.mean(losses[-100:]):.3f}")


# 采样：softmax 之前先把得分除以温度。
# 温度低时挑最可能的字符，温度高时更敢冒险。
def sample(logits, temperature):
    scaled = logits / temperature
    probabilities = np.exp(scaled - scaled.max())
    probabilities /= probabilities.sum()
    return np.random.choice(len(probabilities), p=probabilities)


# 生成：先把提示读一遍，然后每次只喂一个字符，把状态带到下一步，
# 而不是每生成一个字符都把整个窗口重读一遍。
@tf.function
def next_step(char, state):  # 输入一个字符，输出它的 logits 和新的状态
    logits, state = model(char, state)
    return logits[0, -1], state


def generate(prompt, length, temperature):
    ids = [chars.index[char] for char in prompt]
    logits, state = model(np.array([ids], dtype=np.int32))
    logits = logits[0, -1]
    for _ in range(length):
        ids.append(sample(logits.numpy(), temperature))
        logits, state = next_step(np.array([[ids[-1]]], dtype=np.int32), state)
    return chars.decode(ids)


np.random.seed(0)
prompt = "The value of the expression is the "
for temperature in [0.2, 0.6, 1.0, 1.2]:
    print(f"--- temperature {temperature} ---")
    print(generate(prompt, length=200, temperature=temperature)[len(prompt):])
