# Solutions to the exercises of "Configuring training: compile".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# Exercise 1: plain SGD at learning rates 0.01 (the default) and 0.1, on the page's subset.
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
x = train_x[:12000].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[:12000].astype(np.int32)
for learning_rate in [0.01, 0.1]:
    tf.keras.utils.set_random_seed(42)  # the page's initial weights for both rates
    mlp = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                               tf.keras.layers.Dense(100, activation="relu"),
                               tf.keras.layers.Dense(10)])
    mlp.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=learning_rate),
                loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    tf.keras.utils.set_random_seed(42)
    history = mlp.fit(x[:10000], y[:10000], epochs=3, batch_size=128,
                      validation_data=(x[10000:], y[10000:]), verbose=0)
    print(f"SGD, learning rate {learning_rate}: validation loss "
          f"{history.history['val_loss'][-1]:.4f}, accuracy {history.history['val_accuracy'][-1]:.4f}")

# Exercise 2: precision from its two counts, accumulated over the page's two batches.
batch1_labels = np.array([1, 1, 1, 0, 0, 0, 1, 0], dtype=np.int32)
batch1_logits = np.array([2.2, 1.4, 0.8, 0.4, 0.2, 0.6, -1.4, -2.2], dtype=np.float32)
batch2_labels = np.array([1, 1, 0, 0, 1, 0], dtype=np.int32)
batch2_logits = np.array([1.8, 0.9, -0.5, -0.3, -1.2, -2.0], dtype=np.float32)
true_positives = tf.keras.metrics.TruePositives(thresholds=0.0)
false_positives = tf.keras.metrics.FalsePositives(thresholds=0.0)
for number, (labels, logits) in enumerate([(batch1_labels, batch1_logits),
                                           (batch2_labels, batch2_logits)], 1):
    true_positives.update_state(labels, logits)
    false_positives.update_state(labels, logits)
    tp, fp = float(true_positives.result()), float(false_positives.result())
    print(f"after batch {number}: TP {tp:.0f}, FP {fp:.0f}, precision {tp / (tp + fp):.4f}")

# Exercise 3: Huber's delta moves it between MAE (small delta) and half the MSE (large delta).
targets = np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype=np.float32)
outlier = np.array([1.5, 2.0, 2.5, 4.0, 15.0], dtype=np.float32)
for delta in [0.1, 1.0, 5.0, 10.0, 20.0]:
    huber = float(tf.keras.losses.Huber(delta=delta)(targets, outlier))
    print(f"delta {delta:4.1f}: Huber {huber:.4f} | Huber / delta {huber / delta:.4f}")
print(f"MAE {float(tf.keras.losses.MeanAbsoluteError()(targets, outlier)):.4f} | "
      f"MSE / 2 {float(tf.keras.losses.MeanSquaredError()(targets, outlier)) / 2:.4f}")
