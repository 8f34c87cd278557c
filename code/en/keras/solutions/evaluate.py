# Solutions to the exercises of "Evaluation and prediction".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The page's data, model and training, repeated so that this script runs on its own.
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x, train_y = train_x[:10000].astype(np.float32) / 255.0, train_y[:10000].astype(np.int32)
test_x, test_y = test_x.astype(np.float32) / 255.0, test_y.astype(np.int32)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dropout(0.3),
    tf.keras.layers.Dense(10),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
model.fit(train_x, train_y, epochs=3, batch_size=50, verbose=0)

# Exercise 1: evaluate() recomputed from the logits that predict() returns.
results = model.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True)
logits = model.predict(test_x, batch_size=1000, verbose=0)
log_probabilities = tf.nn.log_softmax(logits).numpy()
by_hand = -np.mean(log_probabilities[np.arange(len(test_y)), test_y])  # -log p(true class)
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
keras_loss = float(loss_object(test_y, logits))
print(f"loss: evaluate {results['loss']:.4f} | loss object {keras_loss:.4f} | by hand {by_hand:.4f}")
print(f"accuracy: evaluate {results['accuracy']:.4f} | "
      f"by hand {np.mean(logits.argmax(axis=1) == test_y):.4f}")
print("loss the same to 1e-5:", abs(results["loss"] - by_hand) < 1e-5)

# Exercise 2: precision and recall per class, read off the confusion matrix.
predicted = logits.argmax(axis=1)
confusion = tf.math.confusion_matrix(test_y, predicted, num_classes=10).numpy()
recall = np.diag(confusion) / confusion.sum(axis=1)  # of the true class, how much was found
precision = np.diag(confusion) / confusion.sum(axis=0)  # of the predictions, how many are right
print(f"{'class':<12} precision recall")
for name, p, r in zip(CLASS_NAMES, precision, recall):
    print(f"{name:<12} {p:9.4f} {r:6.4f}")

# The same for one class with Keras's metrics: top_k=1 counts the class with the highest score.
shirt = CLASS_NAMES.index("Shirt")
one_hot = tf.one_hot(test_y, 10)
keras_precision = tf.keras.metrics.Precision(class_id=shirt, top_k=1)
keras_recall = tf.keras.metrics.Recall(class_id=shirt, top_k=1)
keras_precision.update_state(one_hot, logits)
keras_recall.update_state(one_hot, logits)
print(f"Shirt with Keras: precision {float(keras_precision.result()):.4f}, "
      f"recall {float(keras_recall.result()):.4f}")

# Exercise 3: answer only when sure enough. The threshold is chosen on 5,000 training images the
# model never trained on, then checked once on the test set.
TARGET = 0.95  # the accuracy wanted on the images the model answers
(images, labels), _ = tf.keras.datasets.fashion_mnist.load_data()
val_x, val_y = images[10000:15000].astype(np.float32) / 255.0, labels[10000:15000].astype(np.int32)


def confidence_and_hits(x, y):  # each image's top probability, and whether its label is right
    probabilities = tf.nn.softmax(model.predict(x, batch_size=1000, verbose=0)).numpy()
    return probabilities.max(axis=1), probabilities.argmax(axis=1) == y


val_confidence, val_hits = confidence_and_hits(val_x, val_y)
order = np.argsort(-val_confidence)  # the surest first
running = np.cumsum(val_hits[order]) / np.arange(1, len(order) + 1)
threshold = val_confidence[order][np.nonzero(running >= TARGET)[0].max()]  # the most answers
test_confidence, test_hits = confidence_and_hits(test_x, test_y)
print(f"target {TARGET:.0%}: answer when the top probability is at least {threshold:.4f}")
for name, confidence, hits in [("validation", val_confidence, val_hits),
                               ("test", test_confidence, test_hits)]:
    answered = confidence >= threshold
    print(f"{name:10s} answers {answered.mean():.4f} of the images, accuracy on them "
          f"{hits[answered].mean():.4f} (on all: {hits.mean():.4f})")
