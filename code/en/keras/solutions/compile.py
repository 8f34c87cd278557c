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
    last = {key: values[-1] for key, values in history.history.items()}
    print(f"SGD, learning rate {learning_rate}: validation loss "
          f"{last['val_loss']:.4f}, accuracy {last['val_accuracy']:.4f}")

# Exercise 2: the page's four optimizers over three seeds; each seed sets both the initial
# weights and the shuffling. Seed 42 is the page's run.
optimizers = {"SGD": lambda: tf.keras.optimizers.SGD(learning_rate=0.01),
              "SGD + momentum": lambda: tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
              "RMSprop": lambda: tf.keras.optimizers.RMSprop(learning_rate=0.001),
              "Adam": lambda: tf.keras.optimizers.Adam(learning_rate=0.001)}
# Twelve new models trace twelve sets of functions: silence the retracing warning, as the page does.
logger_level = tf.get_logger().level
tf.get_logger().setLevel("ERROR")
final = {name: [] for name in optimizers}  # (validation loss, accuracy) per seed
for seed in [42, 43, 44]:
    for name, make_optimizer in optimizers.items():
        tf.keras.utils.set_random_seed(seed)
        mlp = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                                   tf.keras.layers.Dense(100, activation="relu"),
                                   tf.keras.layers.Dense(10)])
        mlp.compile(optimizer=make_optimizer(),
                    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
        tf.keras.utils.set_random_seed(seed)
        history = mlp.fit(x[:10000], y[:10000], epochs=3, batch_size=128,
                          validation_data=(x[10000:], y[10000:]), verbose=0)
        final[name].append((history.history["val_loss"][-1], history.history["val_accuracy"][-1]))
        print(f"seed {seed}  {name:15s} validation loss {final[name][-1][0]:.4f}, "
              f"accuracy {final[name][-1][1]:.4f}")
    ranking = sorted(optimizers, key=lambda name: final[name][-1][0])
    print(f"seed {seed}  ranking by validation loss: {' < '.join(ranking)}")
tf.get_logger().setLevel(logger_level)
# Each optimizer's mean and sample standard deviation (ddof=1) over the three seeds.
for name, runs in final.items():
    losses, accuracies = np.array(runs).T
    print(f"{name:15s} loss {losses.mean():.4f} ± {losses.std(ddof=1):.4f} | "
          f"accuracy {accuracies.mean():.4f} ± {accuracies.std(ddof=1):.4f}")

# Exercise 3: a streaming F1 keeps three counts (TP, FP, FN) over the page's two batches.
batch1_labels = np.array([1, 1, 1, 0, 0, 0, 1, 0], dtype=np.int32)
batch1_logits = np.array([2.2, 1.4, 0.8, 0.4, 0.2, 0.6, -1.4, -2.2], dtype=np.float32)
batch2_labels = np.array([1, 1, 0, 0, 1, 0], dtype=np.int32)
batch2_logits = np.array([1.8, 0.9, -0.5, -0.3, -1.2, -2.0], dtype=np.float32)
counts = {"TP": tf.keras.metrics.TruePositives(thresholds=0.0),
          "FP": tf.keras.metrics.FalsePositives(thresholds=0.0),
          "FN": tf.keras.metrics.FalseNegatives(thresholds=0.0)}


def update_f1(metric, labels, logits):
    # F1Score thresholds probabilities, in (0, 1]: the sigmoid of a logit, at 0.5.
    metric.update_state(labels[:, None].astype(np.float32), tf.sigmoid(logits)[:, None])


keras_f1 = tf.keras.metrics.F1Score(threshold=0.5)
batch_f1 = []
for number, (labels, logits) in enumerate([(batch1_labels, batch1_logits),
                                           (batch2_labels, batch2_logits)], 1):
    for count in counts.values():
        count.update_state(labels, logits)
    update_f1(keras_f1, labels, logits)
    alone = tf.keras.metrics.F1Score(threshold=0.5)  # the F1 of one batch on its own
    update_f1(alone, labels, logits)
    batch_f1.append(float(alone.result()[0]))
    tp, fp, fn = (float(count.result()) for count in counts.values())
    print(f"after batch {number}: TP {tp:.0f}, FP {fp:.0f}, FN {fn:.0f} | "
          f"streaming F1 {2 * tp / (2 * tp + fp + fn):.4f} | "
          f"F1Score {float(keras_f1.result()[0]):.4f} | this batch alone {batch_f1[-1]:.4f}")
print(f"mean of the two batches' F1: {np.mean(batch_f1):.4f}")

# Exercise 4: Huber's delta moves it between MAE (small delta) and half the MSE (large delta).
targets = np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype=np.float32)
outlier = np.array([1.5, 2.0, 2.5, 4.0, 15.0], dtype=np.float32)
for delta in [0.1, 1.0, 5.0, 10.0, 20.0]:
    huber = float(tf.keras.losses.Huber(delta=delta)(targets, outlier))
    print(f"delta {delta:4.1f}: Huber {huber:.4f} | Huber / delta {huber / delta:.4f}")
print(f"MAE {float(tf.keras.losses.MeanAbsoluteError()(targets, outlier)):.4f} | "
      f"MSE / 2 {float(tf.keras.losses.MeanSquaredError()(targets, outlier)) / 2:.4f}")
