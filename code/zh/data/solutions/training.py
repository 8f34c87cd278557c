# “训练中的流水线”一节练习的参考答案。
import os
import tempfile
import warnings

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 三道题共用的数据：600 张图像，每批 50 张，遍历一次共 12 批。
(train_images, train_labels), _ = tf.keras.datasets.fashion_mnist.load_data()
images = train_images[:600].astype(np.float32) / 255.0
labels = train_labels[:600].astype(np.int32)


def shuffled_batches():
    return tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(600, seed=1).batch(50)


# 练习 1：12 个批次，steps_per_epoch=5，训练 5 轮；再在重复的数据集上做一遍。
def batches_per_epoch(dataset):
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(10)])
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    steps_at_end = []  # 每轮结束时优化器的步数
    record = tf.keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: steps_at_end.append(int(model.optimizer.iterations)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(dataset, epochs=5, steps_per_epoch=5, shuffle=False, verbose=0,
                  callbacks=[record])
    ran_out = sum("ran out of data" in str(w.message) for w in caught)
    print("batches per epoch:", np.diff([0, *steps_at_end]).tolist(), "| warnings:", ran_out)


batches_per_epoch(shuffled_batches())
batches_per_epoch(shuffled_batches().repeat())

# 练习 2：打乱之后才保存的数据集。
with tempfile.TemporaryDirectory() as tmp:
    original = shuffled_batches()
    original.save(os.path.join(tmp, "shuffled"))  # save() 遍历一次：用掉第一个顺序
    loaded = tf.data.Dataset.load(os.path.join(tmp, "shuffled"))
    first_order = np.concatenate([y for _, y in shuffled_batches().as_numpy_iterator()])
    for name, dataset in [("original", original), ("loaded", loaded)]:
        passes = [np.concatenate([y for _, y in dataset.as_numpy_iterator()]) for _ in range(2)]
        print(f"{name:8}: pass 1 begins {passes[0][:6]}, pass 2 begins {passes[1][:6]}; "
              f"pass 1 is the first order: {np.array_equal(passes[0], first_order)}")

# 练习 3：每轮 4 批、训练了 3 轮之后，在重复的数据流上重新启动。
steps_per_epoch, epochs_done = 4, 3
stream = iter(shuffled_batches().repeat())
uninterrupted = [next(stream)[1].numpy() for _ in range(steps_per_epoch * (epochs_done + 1))]
next_epoch = uninterrupted[steps_per_epoch * epochs_done:]
restarted = iter(shuffled_batches().repeat())
print("a fresh stream gives epoch 4's batches:",
      all(np.array_equal(next(restarted)[1], y) for y in next_epoch))
skipped = iter(shuffled_batches().repeat().skip(steps_per_epoch * epochs_done))
print("the stream after skip(12) gives them:",
      all(np.array_equal(next(skipped)[1], y) for y in next_epoch))
