# “复用模型”一节练习的参考答案。
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 正文的数据和辅助函数（种子相同，结果相同）。
digits = load_digits()
digit_x = tf.image.resize(digits.images[..., None] / 16.0, (28, 28)).numpy().astype(np.float32)
digit_y = digits.target.astype(np.int32)


def make_base():
    pixels = tf.keras.Input(shape=(28, 28, 1), name="pixels")
    x = tf.keras.layers.Conv2D(16, 3, use_bias=False, name="conv1")(pixels)
    x = tf.keras.layers.BatchNormalization(name="bn1")(x)
    x = tf.keras.layers.ReLU(name="relu1")(x)
    x = tf.keras.layers.MaxPooling2D(name="pool1")(x)
    x = tf.keras.layers.Conv2D(32, 3, activation="relu", name="conv2")(x)
    x = tf.keras.layers.MaxPooling2D(name="pool2")(x)
    x = tf.keras.layers.Flatten(name="flatten")(x)
    features = tf.keras.layers.Dense(64, activation="relu", name="features")(x)
    return tf.keras.Model(pixels, features, name="base")


# 正文训练好的基础模型：在正文的 notebook 里，fashion_model 还在内存中；单独运行时，
# 脚本用正文的代码和种子重新训练，得到的权重相同。
if "fashion_model" not in globals():
    (fashion_x, fashion_y), _ = tf.keras.datasets.fashion_mnist.load_data()
    fashion_x = fashion_x[:20000, :, :, None].astype(np.float32) / 255.0
    fashion_y = fashion_y[:20000].astype(np.int32)
    fashion_model = tf.keras.Sequential([make_base(),
                                         tf.keras.layers.Dense(10, name="fashion_head")])
    fashion_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                          loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                          metrics=["accuracy"])
    fashion_model.fit(fashion_x, fashion_y, epochs=2, batch_size=64, verbose=0)
folder = tempfile.TemporaryDirectory()
base_file = os.path.join(folder.name, "fashion_base.keras")
fashion_model.get_layer("base").save(base_file)


def labelled_digits(seed, per_class=10):
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(digit_y == digit), per_class,
                                        replace=False) for digit in range(10)])
    return chosen, np.setdiff1d(np.arange(len(digit_y)), chosen)


def digit_model(base, training=None):
    pixels = tf.keras.Input(shape=(28, 28, 1), name="digit")
    features = base(pixels, training=training)
    logits = tf.keras.layers.Dense(10, name="digit_head")(features)
    return tf.keras.Model(pixels, logits, name="digit_model")


def train(model, learning_rate, epochs, chosen):
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(digit_x[chosen], digit_y[chosen], epochs=epochs, batch_size=20, verbose=0)


def test_accuracy(model, test):
    return model.evaluate(digit_x[test], digit_y[test], batch_size=500, verbose=0)[1]


def unfreeze(base, batch_norm_too=False):
    base.trainable = True
    for layer in base.layers:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            layer.trainable = batch_norm_too


def summary(name, values):
    values = np.array(values)
    print(f"{name:28}: {values.mean():.4f} ± {values.std(ddof=1):.4f}")


SEEDS = range(42, 45)


# 练习 1：正文的比较，每类只用 3 个标注数字，而不是 10 个。
def compare(seed, per_class):  # 正文的 compare()，加上每类的数字个数
    tf.keras.utils.set_random_seed(seed)
    chosen, test = labelled_digits(seed, per_class)
    base = tf.keras.models.load_model(base_file)
    base.trainable = False
    model = digit_model(base)
    train(model, 1e-2, 30, chosen)
    frozen = test_accuracy(model, test)
    unfreeze(base)
    train(model, 1e-4, 20, chosen)
    tuned = test_accuracy(model, test)
    tf.keras.utils.set_random_seed(seed)
    scratch = digit_model(make_base())
    train(scratch, 1e-3, 50, chosen)
    return frozen, tuned, test_accuracy(scratch, test)


results = np.array([compare(seed, per_class=3) for seed in SEEDS])
print("3 labelled digits per class (30 in all):")
for name, column in zip(["frozen base + head", "fine-tuned", "from scratch"], results.T):
    summary("  " + name, column)


# 练习 2：微调时连 bn1 也解冻，fit 就让它运行在训练模式。
def tune_with_batch_norm(seed):
    tf.keras.utils.set_random_seed(seed)
    chosen, test = labelled_digits(seed)
    base = tf.keras.models.load_model(base_file)
    bn = base.get_layer("bn1")
    stored_mean = bn.moving_mean.numpy().copy()
    base.trainable = False
    model = digit_model(base)
    train(model, 1e-2, 30, chosen)
    unfreeze(base, batch_norm_too=True)
    train(model, 1e-4, 20, chosen)
    moved = np.abs(bn.moving_mean.numpy() - stored_mean).max()
    return test_accuracy(model, test), moved


tuned = [tune_with_batch_norm(seed) for seed in SEEDS]
for seed, (accuracy, moved) in zip(SEEDS, tuned):
    print(f"seed {seed}: fine-tuned with bn1 training {accuracy:.4f} | "
          f"bn1 moving mean moved by up to {moved:.4f}")
summary("fine-tuned, bn1 training", [accuracy for accuracy, _ in tuned])


# 练习 3：只复用第一个块（conv1、bn1、relu1、pool1）并冻结；网络的其余部分
# 是新建的，与基础模型的层相同，在数字上训练。
def first_block_only(seed):
    tf.keras.utils.set_random_seed(seed)
    chosen, test = labelled_digits(seed)
    base = tf.keras.models.load_model(base_file)
    block = tf.keras.Model(base.input, base.get_layer("pool1").output, name="first_block")
    block.trainable = False
    pixels = tf.keras.Input(shape=(28, 28, 1), name="digit")
    x = block(pixels)
    x = tf.keras.layers.Conv2D(32, 3, activation="relu", name="conv2")(x)
    x = tf.keras.layers.MaxPooling2D(name="pool2")(x)
    x = tf.keras.layers.Flatten(name="flatten")(x)
    x = tf.keras.layers.Dense(64, activation="relu", name="features")(x)
    model = tf.keras.Model(pixels, tf.keras.layers.Dense(10, name="digit_head")(x))
    train(model, 1e-3, 50, chosen)
    return test_accuracy(model, test)


summary("first block reused, frozen", [first_block_only(seed) for seed in SEEDS])
folder.cleanup()
