# Solutions to the exercises of "Convolutional neural networks".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# The page's CNN, with its sizes as arguments and an optional dropout layer.
class CNN(tf.keras.Model):
    def __init__(self, filters=(16, 32), units=128, downsample=True, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.downsample = downsample
        self.conv1 = tf.keras.layers.Conv2D(filters[0], 3, padding="same", activation="relu")
        self.pool1 = tf.keras.layers.MaxPool2D(pool_size=2)
        self.conv2 = tf.keras.layers.Conv2D(filters[1], 3, strides=2 if downsample else 1,
                                            padding="same", activation="relu")
        self.flatten = tf.keras.layers.Flatten()
        self.dense1 = tf.keras.layers.Dense(units, activation="relu")
        self.dropout = tf.keras.layers.Dropout(dropout)
        self.dense2 = tf.keras.layers.Dense(10)

    def call(self, images, training=None):
        x = self.conv1(images)
        if self.downsample:
            x = self.pool1(x)
        x = self.flatten(self.conv2(x))
        x = self.dropout(self.dense1(x), training=training)  # active only when training
        return self.dense2(x)


# Exercise 1: parameters per layer, worked out by hand, then counted by Keras.
def by_hand(filters, units, downsample):
    side = 7 if downsample else 28  # the second convolution's output is side x side
    return [3 * 3 * 1 * filters[0] + filters[0],              # conv1: 3x3x1 per filter + bias
            3 * 3 * filters[0] * filters[1] + filters[1],     # conv2: 3x3xC per filter + bias
            side * side * filters[1] * units + units,         # dense1
            units * 10 + 10]                                  # dense2


images = tf.zeros([1, 28, 28, 1])
print(f"{'variant':28s} {'conv1':>6s} {'conv2':>6s} {'dense1':>8s} {'dense2':>6s} {'total':>8s}")
for name, filters, units, downsample in [
        ("the page's CNN", (16, 32), 128, True), ("8 and 16 filters", (8, 16), 128, True),
        ("32 and 64 filters", (32, 64), 128, True), ("dense1 with 32 units", (16, 32), 32, True),
        ("no pooling, no stride", (16, 32), 128, False)]:
    model = CNN(filters, units, downsample)
    model(images)  # builds the layers
    counted = [layer.count_params() for layer in (model.conv1, model.conv2, model.dense1,
                                                   model.dense2)]
    assert counted == by_hand(filters, units, downsample), name
    print(f"{name:28s} {counted[0]:6d} {counted[1]:6d} {counted[2]:8d} {counted[3]:6d} "
          f"{model.count_params():8d}")


# Exercise 2: a convolution over several channels: the window is [3, 3, channels].
# The page's function, unchanged: the window slices height and width and keeps every channel.
def convolve(pixels, kernel, bias, stride=1):
    size = kernel.shape[0]
    rows = (pixels.shape[0] - size) // stride + 1
    cols = (pixels.shape[1] - size) // stride + 1
    result = np.zeros((rows, cols), dtype=np.float32)
    for i in range(rows):
        for j in range(cols):
            window = pixels[i * stride:i * stride + size, j * stride:j * stride + size]
            result[i, j] = np.sum(window * kernel) + bias
    return result


image = np.random.default_rng(0).normal(size=(1, 7, 7, 2)).astype(np.float32)
conv = tf.keras.layers.Conv2D(filters=1, kernel_size=3)
output = conv(image)[0, :, :, 0].numpy()
kernel, bias = conv.get_weights()  # kernel [3, 3, 2, 1], bias [1]
by_numpy = convolve(image[0], kernel[:, :, :, 0], bias[0])
print("kernel:", kernel.shape, "| output:", output.shape,
      "| agrees:", np.allclose(output, by_numpy, atol=1e-5))

# Exercise 3: dropout is random when training=True and does nothing when training=False.
model = CNN(dropout=0.3)
batch = np.random.default_rng(1).uniform(size=(4, 28, 28, 1)).astype(np.float32)
for training in (True, False):
    first, second = model(batch, training=training), model(batch, training=training)
    print(f"training={training}: two calls give the same logits:",
          bool(np.array_equal(first.numpy(), second.numpy())))
