# 卷积层是怎样计算的：一个 3x3 卷积核作用在 7x7 的单通道图像上。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 按 Keras 要求的格式排列图像：[images, height, width, channels] = [1, 7, 7, 1]。
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

# 一个 3x3 的卷积核，权重和偏置用我们给定的值，而不是随机初始值。
conv = tf.keras.layers.Conv2D(filters=1, kernel_size=3)
conv.build(image.shape)
conv.set_weights([kernel.reshape(3, 3, 1, 1), np.array([bias])])
output = conv(image)
print(output.shape)
print(output[0, :, :, 0].numpy())


# 手工实现同样的计算：滑动窗口，逐元素相乘，求和，再加上偏置。
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

# padding="same" 用零填充，使输出保持 7x7 的大小。
same = tf.keras.layers.Conv2D(filters=1, kernel_size=3, padding="same")
same.build(image.shape)
same.set_weights(conv.get_weights())
print(same(image)[0, :, :, 0].numpy())

# strides=2 让窗口每次移动两个像素：输出为 3x3。
strided = tf.keras.layers.Conv2D(filters=1, kernel_size=3, strides=2)
strided.build(image.shape)
strided.set_weights(conv.get_weights())
print(strided(image)[0, :, :, 0].numpy())
print("by hand:", convolve(pixels, kernel, bias, stride=2).tolist())

# 最大池化保留每个 2x2 窗口中的最大值。
pooled = tf.keras.layers.MaxPool2D(pool_size=2)(output)
print(pooled.shape)
print(pooled[0, :, :, 0].numpy())
