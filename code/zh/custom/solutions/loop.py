# 《自定义训练循环》一节练习的参考答案。
import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 练习 1 和练习 2 的数据：5000 张图像用于训练，2000 张用于验证。
(train_x, train_y), _ = tf.keras.datasets.fashion_mnist.load_data()
x = train_x[:7000].reshape(-1, 784).astype(np.float32) / 255.0
y = train_y[:7000].astype(np.int32)
x_train, y_train, x_valid, y_valid = x[:5000], y[:5000], x[5000:], y[5000:]

# 练习 1：宽深模型，宽的部分在第一轮中冻结不动。
batches = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(5000, seed=42).batch(100)
inputs = tf.keras.Input(shape=(784,))
wide = tf.keras.layers.Dense(10, name="wide")
deep = tf.keras.Sequential([tf.keras.layers.Dense(128, activation="relu"),
                            tf.keras.layers.Dense(10)], name="deep")
model = tf.keras.Model(inputs, tf.keras.layers.Add()([wide(inputs), deep(inputs)]))
deep_optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
wide_optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
deep_optimizer.build(deep.trainable_variables)  # 现在就创建它们的变量，而不是在某次追踪中
wide_optimizer.build(wide.trainable_variables)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


@tf.function
def step(images, labels, train_wide):  # train_wide 是 Python 布尔值：每个取值各一张计算图
    with tf.GradientTape() as tape:
        loss = loss_fn(labels, model(images, training=True))
    variables = deep.trainable_variables + (wide.trainable_variables if train_wide else [])
    gradients = tape.gradient(loss, variables)
    n_deep = len(deep.trainable_variables)
    deep_optimizer.apply_gradients(zip(gradients[:n_deep], deep.trainable_variables))
    if train_wide:
        wide_optimizer.apply_gradients(zip(gradients[n_deep:], wide.trainable_variables))
    return loss


for epoch in range(1, 4):
    train_wide = epoch > 1
    wide_before = wide.kernel.numpy()
    for images, labels in batches:
        step(images, labels, train_wide)
    moved = np.abs(wide.kernel.numpy() - wide_before).max()
    accuracy = np.mean(np.argmax(model(x_valid, training=False), axis=1) == y_valid)
    print(f"epoch {epoch}: wide part trained {train_wide}, its kernel moved by at most "
          f"{moved:.4f}, validation accuracy {accuracy:.4f}")
print("traces of step:", step.experimental_get_tracing_count(),
      "| wide optimizer steps:", int(wide_optimizer.iterations))

# 练习 2：在 4 个 25 张图像的批次上累积梯度，与一个 100 张的批次走出同样的一步。
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
    accumulated = [a + g / 4.0 for a, g in zip(accumulated, gradients)]  # 4 个均值的均值
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

# 练习 3：层的 losses 中的惩罚项等于 L2 系数乘以权重矩阵元素的平方和。
regularized = tf.keras.layers.Dense(4, kernel_regularizer=tf.keras.regularizers.L2(1e-4))
regularized.build((None, 3))
by_hand = 1e-4 * tf.reduce_sum(regularized.kernel ** 2)
print(f"layer.losses: {float(regularized.losses[0]):.8f} | by hand: {float(by_hand):.8f}")

# 练习 4：tf.data 迭代器的检查点里有什么。
numbers = tf.data.Dataset.range(10).shuffle(10, seed=7).batch(5).repeat()  # 每轮两个批次
iterator = iter(numbers)
checkpoint = tf.train.Checkpoint(batches=iterator)
print("first batch:", next(iterator).numpy())
folder = tempfile.mkdtemp()
path = checkpoint.save(os.path.join(folder, "numbers"))
print("after the save:   ", [next(iterator).numpy().tolist() for _ in range(3)])
checkpoint.restore(path)
print("after the restore:", [next(iterator).numpy().tolist() for _ in range(3)])
fresh = iter(numbers)
print("a new iterator:   ", [next(fresh).numpy().tolist() for _ in range(4)])


def saved_size(iterator):  # 这个迭代器的检查点有多少 KB
    path = tf.train.Checkpoint(batches=iterator).save(os.path.join(folder, "size"))
    return sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
               if f.startswith(os.path.basename(path) + ".")) / 1000


indices = iter(tf.data.Dataset.range(100_000).shuffle(100_000, seed=7).batch(1000))
next(indices)
print(f"after 1 batch of 100: {saved_size(indices) / 1000:.0f} MB")  # 每次运行相差约 0.1%
for _ in range(99):
    next(indices)
print(f"after all 100 batches: {saved_size(indices):.1f} KB")
shutil.rmtree(folder)
