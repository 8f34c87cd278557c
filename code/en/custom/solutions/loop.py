# Solutions to the exercises of "A custom training loop".
import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The data of exercises 1 and 2: 5,000 images to train on, 2,000 to validate on.
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
x = train_x[:7000].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[:7000].astype(np.int32)
x_train, y_train, x_valid, y_valid = x[:5000], y[:5000], x[5000:], y[5000:]

# Exercise 1: a wide and deep model whose wide part stays frozen in the first epoch.
batches = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(5000, seed=42).batch(100)
inputs = tf.keras.Input(shape=(784,))
wide = tf.keras.layers.Dense(10, name="wide")
deep = tf.keras.Sequential([tf.keras.layers.Dense(128, activation="relu"),
                            tf.keras.layers.Dense(10)], name="deep")
model = tf.keras.Model(inputs, tf.keras.layers.Add()([wide(inputs), deep(inputs)]))
deep_optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
wide_optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
deep_optimizer.build(deep.trainable_variables)  # their variables now, not inside a trace
wide_optimizer.build(wide.trainable_variables)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def step(images, labels, train_wide):  # train_wide: a Python bool, one graph for each value
    with tf.GradientTape() as tape:
        loss = loss_fn(labels, model(images, training=True))
    variables = deep.trainable_variables + (wide.trainable_variables if train_wide else [])
    gradients = tape.gradient(loss, variables)
    n_deep = len(deep.trainable_variables)
    deep_optimizer.apply_gradients(zip(gradients[:n_deep], deep.trainable_variables))
    if train_wide:
        wide_optimizer.apply_gradients(zip(gradients[n_deep:], wide.trainable_variables))
    return loss


for epoch in range(1, 4):
    train_wide = epoch > 1
    wide_before = wide.kernel.numpy()
    for images, labels in batches:
        step(images, labels, train_wide)
    moved = np.abs(wide.kernel.numpy() - wide_before).max()
    accuracy = np.mean(np.argmax(model(x_valid, training=False), axis=1) == y_valid)
    print(f"epoch {epoch}: wide part trained {train_wide}, its kernel moved by at most "
          f"{moved:.4f}, validation accuracy {accuracy:.4f}")
print("traces of step:", step.experimental_get_tracing_count(),
      "| wide optimizer steps:", int(wide_optimizer.iterations))

# Exercise 2: gradients accumulated over 4 batches of 25 make the same step as one batch of 100.
tf.keras.utils.set_random_seed(42)
small = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                             tf.keras.layers.Dense(32, activation="relu"),
                             tf.keras.layers.Dense(10)])
start = small.get_weights()
images, labels = x_train[:100], y_train[:100]
with tf.GradientTape() as tape:
    loss = loss_fn(labels, small(images, training=True))
full_gradients = tape.gradient(loss, small.trainable_variables)
accumulated = [tf.zeros_like(v) for v in small.trainable_variables]
for k in range(4):
    part = slice(25 * k, 25 * (k + 1))
    with tf.GradientTape() as tape:
        loss = loss_fn(labels[part], small(images[part], training=True))
    gradients = tape.gradient(loss, small.trainable_variables)
    accumulated = [a + g / 4.0 for a, g in zip(accumulated, gradients)]  # the mean of 4 means
print("accumulated = full-batch gradients:",
      all(np.allclose(a, f, atol=1e-6) for a, f in zip(accumulated, full_gradients)))
tf.keras.optimizers.SGD(learning_rate=0.1).apply_gradients(
    zip(full_gradients, small.trainable_variables))
after_full = small.get_weights()
small.set_weights(start)
tf.keras.optimizers.SGD(learning_rate=0.1).apply_gradients(
    zip(accumulated, small.trainable_variables))
print("same weights after the step:",
      all(np.allclose(a, b, atol=1e-6) for a, b in zip(after_full, small.get_weights())))

# Exercise 3: the penalty in a layer's losses is L2's factor times the sum of the squared kernel.
regularized = tf.keras.layers.Dense(4, kernel_regularizer=tf.keras.regularizers.L2(1e-4))
regularized.build((None, 3))
by_hand = 1e-4 * tf.reduce_sum(regularized.kernel ** 2)
print(f"layer.losses: {float(regularized.losses[0]):.8f} | by hand: {float(by_hand):.8f}")

# Exercise 4: what the checkpoint of a tf.data iterator holds.
numbers = tf.data.Dataset.range(10).shuffle(10, seed=7).batch(5).repeat()  # two batches an epoch
iterator = iter(numbers)
checkpoint = tf.train.Checkpoint(batches=iterator)
print("first batch:", next(iterator).numpy())
folder = tempfile.mkdtemp()
path = checkpoint.save(os.path.join(folder, "numbers"))
print("after the save:   ", [next(iterator).numpy().tolist() for _ in range(3)])
checkpoint.restore(path)
print("after the restore:", [next(iterator).numpy().tolist() for _ in range(3)])
fresh = iter(numbers)
print("a new iterator:   ", [next(fresh).numpy().tolist() for _ in range(4)])


def saved_size(iterator):  # KB of a checkpoint of this iterator
    path = tf.train.Checkpoint(batches=iterator).save(os.path.join(folder, "size"))
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
               if f.startswith(os.path.basename(path) + ".")) / 1000


indices = iter(tf.data.Dataset.range(100_000).shuffle(100_000, seed=7).batch(1000))
next(indices)
print(f"after 1 batch of 100: {saved_size(indices) / 1000:.0f} MB")  # varies by 0.1% between runs
for _ in range(99):
    next(indices)
print(f"after all 100 batches: {saved_size(indices):.1f} KB")
shutil.rmtree(folder)
