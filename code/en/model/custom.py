# Custom layers, losses and metrics, checked against Keras' own.
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# A layer creates its variables in build(), when the input shape is first known.
class LinearLayer(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):  # input_shape: [batch, input_dim]
        self.w = self.add_weight(name="w", shape=[input_shape[-1], self.units],
                                 initializer="glorot_uniform")
        self.b = self.add_weight(name="b", shape=[self.units], initializer="zeros")

    def call(self, inputs):
        return inputs @ self.w + self.b


layer = LinearLayer(units=3)
print("weights before the first call:", len(layer.weights))
print(layer(tf.ones([2, 4])).shape, [tuple(w.shape) for w in layer.weights])


# A loss: call() gets the labels and predictions and returns one loss per sample;
# the Loss base class averages them over the batch.
class MSELoss(tf.keras.losses.Loss):
    def call(self, labels, predictions):
        return tf.reduce_mean(tf.math.squared_difference(predictions, labels), axis=-1)


y_true = tf.constant([[0.0, 1.0], [1.0, 1.0]])
y_pred = tf.constant([[0.5, 1.0], [0.0, 2.0]])
print("ours: ", float(MSELoss()(y_true, y_pred)))
print("Keras:", float(tf.keras.losses.MeanSquaredError()(y_true, y_pred)))


# A metric keeps state across batches: update_state() adds a batch, result() reports,
# reset_state() starts again.
class SparseCategoricalAccuracy(tf.keras.metrics.Metric):
    def __init__(self, name="our_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        predicted = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
        labels = tf.reshape(tf.cast(y_true, tf.int32), [-1])
        correct = tf.cast(predicted == labels, tf.float32)
        self.total.assign_add(tf.reduce_sum(correct))
        self.count.assign_add(tf.cast(tf.size(labels), tf.float32))

    def result(self):
        return self.total / self.count

    def reset_state(self):
        self.total.assign(0.0)
        self.count.assign(0.0)


# Both accuracies on the same random predictions, fed in three batches.
ours, keras_own = SparseCategoricalAccuracy(), tf.keras.metrics.SparseCategoricalAccuracy()
rng = np.random.default_rng(0)
for _ in range(3):
    labels = rng.integers(0, 10, size=100)
    predictions = rng.random((100, 10)).astype(np.float32)
    ours.update_state(labels, predictions)
    keras_own.update_state(labels, predictions)
print(f"ours {float(ours.result()):.4f} | Keras {float(keras_own.result()):.4f}")
ours.reset_state()
print("after reset_state():", float(ours.count))

# Our layer and metric in one model (the loss is the built-in cross-entropy), trained with fit().
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x.reshape(-1, 784).astype(np.float32) / 255.0
test_x = test_x.reshape(-1, 784).astype(np.float32) / 255.0
model = tf.keras.Sequential([
    tf.keras.Input(shape=(784,)),
    LinearLayer(units=100),
    tf.keras.layers.ReLU(),
    LinearLayer(units=10),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[SparseCategoricalAccuracy(), tf.keras.metrics.SparseCategoricalAccuracy()])
model.fit(train_x, train_y.astype(np.int32), epochs=2, batch_size=50, verbose=0)
results = model.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in results.items()})
