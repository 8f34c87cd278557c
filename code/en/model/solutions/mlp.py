# Solutions to the exercises of "A multilayer perceptron".
import os
import time

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The page's data, without the validation split: images [N, 28, 28, 1] in [0, 1].
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_images = np.expand_dims(train_x.astype(np.float32) / 255.0, axis=-1)
test_images = np.expand_dims(test_x.astype(np.float32) / 255.0, axis=-1)
train_labels, test_labels = train_y.astype(np.int32), test_y.astype(np.int32)


def mlp(*hidden):  # The page's MLP with the given hidden layers (one of 100 units there).
    layers = [tf.keras.Input(shape=(28, 28, 1)), tf.keras.layers.Flatten()]
    layers += [tf.keras.layers.Dense(units, activation="relu") for units in hidden]
    return tf.keras.Sequential(layers + [tf.keras.layers.Dense(10)])


def make_step(model, optimizer):
    def step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(
                labels, logits, from_logits=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss
    return step


# The page's loop in short (Adam, a compiled step), on pixels multiplied by `scale`:
# the last epoch's mean loss and the test accuracy.
def train_and_test(model, scale=1.0, epochs=2, batch_size=128):
    step = tf.function(make_step(model, tf.keras.optimizers.Adam(1e-3)))
    images = train_images * scale
    for epoch in range(epochs):
        order = np.random.permutation(len(images))
        losses = [step(images[order[start:start + batch_size]],
                       train_labels[order[start:start + batch_size]])
                  for start in range(0, len(order), batch_size)]
    accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    accuracy.update_state(test_labels, model.predict(test_images * scale, batch_size=1000,
                                                     verbose=0))
    return float(np.mean(losses)), float(accuracy.result())


# Exercise 1: the same MLP on raw pixels, 0 to 255, instead of [0, 1]; two epochs each.
results = {}
for name, scale in [("pixels in [0, 1]", 1.0), ("pixels in [0, 255]", 255.0)]:
    tf.keras.utils.set_random_seed(42)
    results[name] = train_and_test(mlp(100), scale)
    loss, accuracy = results[name]
    print(f"{name:18s}: loss in epoch 2 {loss:.4f}, test accuracy {accuracy:.4f}")

# Exercise 2: parameters worked out by hand, then counted by Keras; test accuracy.
by_hand = {(100,): 784 * 100 + 100 + 100 * 10 + 10,
           (100, 100): 784 * 100 + 100 + 100 * 100 + 100 + 100 * 10 + 10,
           (500,): 784 * 500 + 500 + 500 * 10 + 10}
for hidden, expected in by_hand.items():
    tf.keras.utils.set_random_seed(42)
    model = mlp(*hidden)
    _, accuracy = train_and_test(model)
    print(f"hidden {str(hidden):10s}: {model.count_params():6d} parameters "
          f"(by hand {expected:6d}), test accuracy {accuracy:.4f}")

# Exercise 3: one step, eager and compiled, each timed over 200 batches (wall time and
# processor time); the ratios are rounded to one significant figure, since they vary.
model, optimizer = mlp(100), tf.keras.optimizers.Adam(1e-3)
eager = make_step(model, optimizer)
compiled = tf.function(eager)
images, labels = train_images[:128], train_labels[:128]
wall, processor = {}, {}
for name, step in [("eager", eager), ("compiled", compiled)]:
    step(images, labels)  # the first call traces the compiled step: not timed
    start, start_processor = time.perf_counter(), time.process_time()
    for _ in range(200):
        loss = step(images, labels)
    float(loss)  # waits for the last step to finish (on a GPU, calls return early)
    wall[name] = time.perf_counter() - start
    processor[name] = time.process_time() - start_processor
device = "GPU" if tf.config.list_physical_devices("GPU") else "CPU"
threads = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()
print(f"timed on {device}, {threads} threads, op determinism on")
ratio = {kind: float(f"{times['eager'] / times['compiled']:.1g}")
         for kind, times in [("wall", wall), ("processor", processor)]}
print(f"the compiled step ran about {ratio['wall']:g} times as fast as the eager one "
      f"(processor time: about {ratio['processor']:g} times)")
