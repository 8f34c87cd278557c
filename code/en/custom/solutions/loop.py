# Solutions to the exercises of "A training loop as good as fit".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Exercise 1: an MLP whose lower layers and upper layers have their own optimizers,
# trained by a loop over NumPy batches, with a status line every 50 steps.
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
x = train_x[:12000].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[:12000].astype(np.int32)
x_train, y_train, x_valid, y_valid = x[:10000], y[:10000], x[10000:], y[10000:]
mlp = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                           tf.keras.layers.Dense(200, activation="relu", name="lower1"),
                           tf.keras.layers.Dense(100, activation="relu", name="lower2"),
                           tf.keras.layers.Dense(50, activation="relu", name="upper1"),
                           tf.keras.layers.Dense(10, name="upper2")])
lower = [v for layer in mlp.layers[:2] for v in layer.trainable_variables]
upper = [v for layer in mlp.layers[2:] for v in layer.trainable_variables]
lower_optimizer = tf.keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
upper_optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
mean_loss = tf.keras.metrics.Mean()
accuracy = tf.keras.metrics.SparseCategoricalAccuracy()


@tf.function
def step(images, labels):
    with tf.GradientTape() as tape:
        logits = mlp(images, training=True)
        loss = loss_fn(labels, logits)
    lower_gradients, upper_gradients = tape.gradient(loss, [lower, upper])
    lower_optimizer.apply_gradients(zip(lower_gradients, lower))
    upper_optimizer.apply_gradients(zip(upper_gradients, upper))
    mean_loss.update_state(loss)
    accuracy.update_state(labels, logits)


rng = np.random.default_rng(42)
batch_size, steps_per_epoch = 50, 200  # 2 epochs: 400 steps
for epoch in range(1, 3):
    mean_loss.reset_state()
    accuracy.reset_state()
    order = rng.permutation(len(x_train))  # a new order every epoch
    for number in range(1, steps_per_epoch + 1):
        batch = order[(number - 1) * batch_size:number * batch_size]
        step(x_train[batch], y_train[batch])
        if number % 50 == 0:
            print(f"epoch {epoch}, step {number}/{steps_per_epoch}: "
                  f"loss {float(mean_loss.result()):.4f}, accuracy {float(accuracy.result()):.4f}")
    logits = mlp(x_valid, training=False)
    valid_accuracy = np.mean(np.argmax(logits, axis=1) == y_valid)
    print(f"epoch {epoch} validation: loss {float(loss_fn(y_valid, logits)):.4f}, "
          f"accuracy {valid_accuracy:.4f}")

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
