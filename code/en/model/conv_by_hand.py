# How a convolution layer computes: one 3x3 kernel on a 7x7 single-channel image.
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The image as Keras wants it: [images, height, width, channels] = [1, 7, 7, 1].
pixels = np.array([
    [0, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 1, 2, 1, 0],
    [0, 0, 2, 2, 0, 1, 0],
    [0, 1, 1, 0, 2, 1, 0],
    [0, 0, 2, 1, 1, 0, 0],
    [0, 2, 1, 1, 2, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
], dtype=np.float32)
image = pixels.reshape(1, 7, 7, 1)
kernel = np.array([
    [0, 0, -1],
    [0, 1, 0],
    [-2, 0, 2],
], dtype=np.float32)
bias = np.float32(1.0)

# One filter of size 3x3, with our kernel and bias instead of random initial values.
conv = tf.keras.layers.Conv2D(filters=1, kernel_size=3)
conv.build(image.shape)
conv.set_weights([kernel.reshape(3, 3, 1, 1), np.array([bias])])
output = conv(image)
print(output.shape)
print(output[0, :, :, 0].numpy())


# The same by hand: slide the window, multiply element-wise, sum, add the bias.
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


by_hand = convolve(pixels, kernel, bias)
print(by_hand)
print("Conv2D agrees with NumPy:", np.array_equal(output[0, :, :, 0].numpy(), by_hand))

# padding="same" pads with zeros so that the output keeps the 7x7 size.
same = tf.keras.layers.Conv2D(filters=1, kernel_size=3, padding="same")
same.build(image.shape)
same.set_weights(conv.get_weights())
print(same(image)[0, :, :, 0].numpy())

# strides=2 moves the window two pixels at a time: a 3x3 output.
strided = tf.keras.layers.Conv2D(filters=1, kernel_size=3, strides=2)
strided.build(image.shape)
strided.set_weights(conv.get_weights())
print(strided(image)[0, :, :, 0].numpy())
print("by hand:", convolve(pixels, kernel, bias, stride=2).tolist())

# Max pooling keeps the largest value of each 2x2 window.
pooled = tf.keras.layers.MaxPool2D(pool_size=2)(output)
print(pooled.shape)
print(pooled[0, :, :, 0].numpy())
