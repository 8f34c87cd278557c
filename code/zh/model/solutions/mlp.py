# 《基础示例：多层感知机》一节练习的参考答案。
import os
import time

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 正文中的数据，不划分验证集：图像为 [N, 28, 28, 1]，取值在 [0, 1]。
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_images = np.expand_dims(train_x.astype(np.float32) / 255.0, axis=-1)
test_images = np.expand_dims(test_x.astype(np.float32) / 255.0, axis=-1)
train_labels, test_labels = train_y.astype(np.int32), test_y.astype(np.int32)


def mlp(*hidden):  # 正文中的 MLP，隐藏层由参数给出（正文中是一个 100 个单元的隐藏层）。
    layers = [tf.keras.Input(shape=(28, 28, 1)), tf.keras.layers.Flatten()]
    layers += [tf.keras.layers.Dense(units, activation="relu") for units in hidden]
    return tf.keras.Sequential(layers + [tf.keras.layers.Dense(10)])


def make_step(model, optimizer):
    def step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(
                labels, logits, from_logits=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss
    return step


# 正文训练循环的简化版（Adam，编译过的训练步骤），像素乘以 `scale`；
# 返回最后一轮的平均损失和测试准确率。
def train_and_test(model, scale=1.0, epochs=2, batch_size=128):
    step = tf.function(make_step(model, tf.keras.optimizers.Adam(1e-3)))
    images = train_images * scale
    for epoch in range(epochs):
        order = np.random.permutation(len(images))
        losses = [step(images[order[start:start + batch_size]],
                       train_labels[order[start:start + batch_size]])
                  for start in range(0, len(order), batch_size)]
    accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    accuracy.update_state(test_labels, model.predict(test_images * scale, batch_size=1000,
                                                     verbose=0))
    return float(np.mean(losses)), float(accuracy.result())


# 练习 1：同样的 MLP，用 0 到 255 的原始像素代替 [0, 1]；各训练两轮。
results = {}
for name, scale in [("pixels in [0, 1]", 1.0), ("pixels in [0, 255]", 255.0)]:
    tf.keras.utils.set_random_seed(42)
    results[name] = train_and_test(mlp(100), scale)
    loss, accuracy = results[name]
    print(f"{name:18s}: loss in epoch 2 {loss:.4f}, test accuracy {accuracy:.4f}")

# 练习 2：先手算参数个数，再让 Keras 数一遍；比较测试准确率。
by_hand = {(100,): 784 * 100 + 100 + 100 * 10 + 10,
           (100, 100): 784 * 100 + 100 + 100 * 100 + 100 + 100 * 10 + 10,
           (500,): 784 * 500 + 500 + 500 * 10 + 10}
for hidden, expected in by_hand.items():
    tf.keras.utils.set_random_seed(42)
    model = mlp(*hidden)
    _, accuracy = train_and_test(model)
    print(f"hidden {str(hidden):10s}: {model.count_params():6d} parameters "
          f"(by hand {expected:6d}), test accuracy {accuracy:.4f}")

# 练习 3：即时执行和编译后的训练步骤，各计时 200 个批次（墙上时间和处理器时间）；
# 比值随机器和负载而变，只保留一位有效数字。
model, optimizer = mlp(100), tf.keras.optimizers.Adam(1e-3)
eager = make_step(model, optimizer)
compiled = tf.function(eager)
images, labels = train_images[:128], train_labels[:128]
wall, processor = {}, {}
for name, step in [("eager", eager), ("compiled", compiled)]:
    step(images, labels)  # 第一次调用要追踪编译版本，不计时
    start, start_processor = time.perf_counter(), time.process_time()
    for _ in range(200):
        loss = step(images, labels)
    float(loss)  # 等最后一步真正算完（在 GPU 上，调用会提前返回）
    wall[name] = time.perf_counter() - start
    processor[name] = time.process_time() - start_processor
device = "GPU" if tf.config.list_physical_devices("GPU") else "CPU"
threads = tf.config.threading.get_intra_op_parallelism_threads() or os.cpu_count()
print(f"timed on {device}, {threads} threads, op determinism on")
ratio = {kind: float(f"{times['eager'] / times['compiled']:.1g}")
         for kind, times in [("wall", wall), ("processor", processor)]}
print(f"the compiled step ran about {ratio['wall']:g} times as fast as the eager one "
      f"(processor time: about {ratio['processor']:g} times)")
