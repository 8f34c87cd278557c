# Solutions to the exercises of "Custom layers, losses and metrics".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# Exercise 1: the Huber loss, quadratic for small errors and linear for large ones.
class HuberLoss(tf.keras.losses.Loss):
    def __init__(self, delta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.delta = delta

    def call(self, labels, predictions):
        error = tf.abs(predictions - labels)
        quadratic = 0.5 * tf.square(error)
        linear = self.delta * (error - 0.5 * self.delta)
        return tf.reduce_mean(tf.where(error <= self.delta, quadratic, linear), axis=-1)


y_true = tf.constant([[0.0, 1.0], [1.0, 1.0]])
y_pred = tf.constant([[0.5, 1.0], [0.0, 2.0]])
for delta in (1.0, 0.5):
    print(f"delta {delta}: ours {float(HuberLoss(delta)(y_true, y_pred)):.4f} | "
          f"Keras {float(tf.keras.losses.Huber(delta)(y_true, y_pred)):.4f}")

# The linear model of the first page, trained with our loss at twice the page's learning rate.
years = np.array([2017, 2018, 2019, 2020, 2021, 2022, 2023], dtype=np.float32)
prices = np.array([8.6, 9.3, 9.8, 10.6, 11.1, 11.9, 12.4], dtype=np.float32)
X = ((years - years.min()) / (years.max() - years.min())).reshape(-1, 1)
y = ((prices - prices.min()) / (prices.max() - prices.min())).reshape(-1, 1)
linear = tf.keras.layers.Dense(1, kernel_initializer="zeros")
loss_fn, optimizer = HuberLoss(delta=1.0), tf.keras.optimizers.SGD(learning_rate=0.1)


@tf.function
def train_step():
    with tf.GradientTape() as tape:
        loss = loss_fn(y, linear(X))
    grads = tape.gradient(loss, linear.trainable_variables)
    optimizer.apply_gradients(zip(grads, linear.trainable_variables))
    return loss


for step in range(1000):
    loss = train_step()
print(f"a = {linear.kernel.numpy().item():.4f}, b = {linear.bias.numpy().item():.4f}, "
      f"Huber loss {float(loss):.6f}")


# Exercise 2: the page's accuracy, with sample weights: each sample counts with its weight.
class SparseCategoricalAccuracy(tf.keras.metrics.Metric):
    def __init__(self, name="our_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        predicted = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
        labels = tf.reshape(tf.cast(y_true, tf.int32), [-1])
        correct = tf.cast(predicted == labels, tf.float32)
        weight = (tf.ones_like(correct) if sample_weight is None
                  else tf.reshape(tf.cast(sample_weight, tf.float32), [-1]))
        self.total.assign_add(tf.reduce_sum(correct * weight))
        self.count.assign_add(tf.reduce_sum(weight))

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)

    def reset_state(self):
        self.total.assign(0.0)
        self.count.assign(0.0)


ours, keras_own = SparseCategoricalAccuracy(), tf.keras.metrics.SparseCategoricalAccuracy()
# The page's data; the weights come from a generator of their own.
rng, weight_rng = np.random.default_rng(0), np.random.default_rng(1)
for _ in range(3):
    labels = rng.integers(0, 10, size=100)
    predictions = rng.random((100, 10)).astype(np.float32)
    weights = weight_rng.random(100).astype(np.float32)
    ours.update_state(labels, predictions, sample_weight=weights)
    keras_own.update_state(labels, predictions, sample_weight=weights)
print(f"weighted: ours {float(ours.result()):.4f} | Keras {float(keras_own.result()):.4f}")


# Exercise 3: top-k accuracy: correct when the label is among the k highest scores.
class TopKAccuracy(tf.keras.metrics.Metric):
    def __init__(self, k=5, name="top_k_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.k = k
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):  # sample_weight: ignored
        labels = tf.reshape(tf.cast(y_true, tf.int32), [-1])
        hit = tf.math.in_top_k(labels, tf.cast(y_pred, tf.float32), k=self.k)
        self.total.assign_add(tf.reduce_sum(tf.cast(hit, tf.float32)))
        self.count.assign_add(tf.cast(tf.size(labels), tf.float32))

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)

    def reset_state(self):
        self.total.assign(0.0)
        self.count.assign(0.0)


labels = rng.integers(0, 10, size=1000)
predictions = rng.random((1000, 10)).astype(np.float32)
for k in (1, 3, 5):
    ours = TopKAccuracy(k)
    keras_own = tf.keras.metrics.SparseTopKCategoricalAccuracy(k=k)
    ours.update_state(labels, predictions)
    keras_own.update_state(labels, predictions)
    print(f"k={k}: ours {float(ours.result()):.4f} | Keras {float(keras_own.result()):.4f}")

# In fit(): one epoch of the page's MLP, reported with top-1 and top-3 accuracy.
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x.reshape(-1, 784).astype(np.float32) / 255.0
test_x = test_x.reshape(-1, 784).astype(np.float32) / 255.0
model = tf.keras.Sequential([tf.keras.Input(shape=(784,)),
                             tf.keras.layers.Dense(100, activation="relu"),
                             tf.keras.layers.Dense(10)])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[TopKAccuracy(k=1, name="top_1"), TopKAccuracy(k=3, name="top_3")])
model.fit(train_x, train_y.astype(np.int32), epochs=1, batch_size=50, verbose=0)
results = model.evaluate(test_x, test_y.astype(np.int32), batch_size=1000, verbose=0,
                         return_dict=True)
print({name: round(value, 4) for name, value in results.items()})
