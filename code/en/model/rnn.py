# Character-level text generation with an LSTM cell unrolled by hand.
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
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if min(args.steps, args.seq_length, args.batch_size, args.units) < 1:
    parser.error("--steps, --seq-length, --batch-size and --units must be at least 1")
tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# The corpus: Python's own reference documentation, which ships with every Python
# (module pydoc_data), or the handbook's Nietzsche text, downloaded once.
def load_corpus(name):
    if name == "nietzsche":
        path = tf.keras.utils.get_file(
            "nietzsche.txt", origin="https://s3.amazonaws.com/text-datasets/nietzsche.txt")
        with open(path, encoding="utf-8") as handle:
            return handle.read().lower()
    from pydoc_data.topics import topics
    text = "\n\n".join(topics[key] for key in sorted(topics))
    # Drop the lines that only underline headings ("*****").
    return "\n".join(line for line in text.split("\n") if line.strip("*") or not line)


text = load_corpus(args.corpus)
print(f"Python {sys.version_info.major}.{sys.version_info.minor}, {len(text):,} characters, "
      f"sha256 {hashlib.sha256(text.encode()).hexdigest()[:12]}")
print(text[:300])


# Characters <-> integer ids; training samples are random windows of the text.
class CharData:
    def __init__(self, text):
        self.chars = sorted(set(text))
        self.index = {char: i for i, char in enumerate(self.chars)}
        self.ids = np.array([self.index[char] for char in text], dtype=np.int32)

    def get_batch(self, seq_length, batch_size):
        # Input: seq_length characters; target: the same window shifted by one character,
        # so that every position is trained to predict the character that follows it.
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


# The model reads one character at a time: the cell updates its state from the
# current input and the previous state; a dense layer scores the next character at
# every position. The state can be passed in and is returned, so generation can go on
# from where it stopped.
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


# Training: the loss averages the cross-entropy over every position of every window.
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
    if step == 1:  # the loss of the first batch, computed before the first update
        print(f"step {step:5d}: loss {losses[0]:.3f} (this batch alone, before any update)")
    if step % 100 == 0:
        print(f"step {step:5d}: loss {np.mean(losses[-100:]):.3f}")


# Sampling: divide the scores by a temperature before the softmax. Low temperatures
# pick the likeliest characters, high ones take more risks.
def sample(logits, temperature):
    scaled = logits / temperature
    probabilities = np.exp(scaled - scaled.max())
    probabilities /= probabilities.sum()
    return np.random.choice(len(probabilities), p=probabilities)


# Generation: read the prompt once, then feed one character at a time, carrying the
# state forward instead of re-reading a whole window for every new character.
@tf.function
def next_step(char, state):  # one character in: its logits and the new state out
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
