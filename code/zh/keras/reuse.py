# 复用模型：在 Fashion-MNIST 上训练的模型成为数字分类器中的一层，
# 先冻结、再微调，并与从头训练的同一个网络比较。
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

parser = argparse.ArgumentParser(description="Reuse a Fashion-MNIST model for handwritten digits.")
parser.add_argument("--base-images", type=int, default=20000)
parser.add_argument("--base-epochs", type=int, default=2)
parser.add_argument("--per-class", type=int, default=10, help="labelled digits of each class")
parser.add_argument("--head-epochs", type=int, default=30)
parser.add_argument("--tune-epochs", type=int, default=20)
parser.add_argument("--seeds", type=int, default=3)
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if not 1 <= args.base_images <= 60000:
    parser.error("--base-images must be between 1 and 60000")
if min(args.base_epochs, args.head_epochs, args.tune_epochs) < 1:
    parser.error("--base-epochs, --head-epochs and --tune-epochs must be at least 1")
if not 1 <= args.per_class <= 150:
    parser.error("--per-class must be between 1 and 150: the other digits are the test set")
if args.seeds < 2:
    parser.error("--seeds must be at least 2: a standard deviation needs two runs")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字重新编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 原来的任务：Fashion-MNIST，28x28 的服饰照片，十个类别。
(fashion_x, fashion_y), fashion_test = tf.keras.datasets.fashion_mnist.load_data()
fashion_x = fashion_x[:args.base_images, :, :, None].astype(np.float32) / 255.0
fashion_y = fashion_y[:args.base_images].astype(np.int32)
fashion_test_x = fashion_test[0][:, :, :, None].astype(np.float32) / 255.0
fashion_test_y = fashion_test[1].astype(np.int32)
# 新任务：scikit-learn 自带的 1797 个手写数字，8x8 像素，取值 0 到 16，
# 放大到 28x28，并像照片一样缩放到 [0, 1]。
digits = load_digits()
digit_x = tf.image.resize(digits.images[..., None] / 16.0, (28, 28)).numpy().astype(np.float32)
digit_y = digits.target.astype(np.int32)
print("Fashion-MNIST:", fashion_x.shape, "| digits:", digit_x.shape,
      "| digits per class:", np.bincount(digit_y).tolist())


# 基础模型：两个卷积层，第一个后接批归一化，最后输出 64 个特征。
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


# 接一个十分类的头在 Fashion-MNIST 上训练，然后只保存基础模型。
base = make_base()
fashion_model = tf.keras.Sequential([base, tf.keras.layers.Dense(10, name="fashion_head")])
fashion_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
fashion_model.fit(fashion_x, fashion_y, epochs=args.base_epochs, batch_size=64, verbose=0)
_, fashion_accuracy = fashion_model.evaluate(fashion_test_x, fashion_test_y, batch_size=1000,
                                             verbose=0)
print(f"base: {base.count_params():,} parameters | Fashion-MNIST test accuracy "
      f"{fashion_accuracy:.4f}")
folder = tempfile.TemporaryDirectory()  # 最后删除，或在 Python 退出时删除
base_file = os.path.join(folder.name, "fashion_base.keras")
base.save(base_file)


# 新任务的小标注集：每类 per_class 个数字；其余的作测试集。
def labelled_digits(seed):
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(digit_y == digit), args.per_class,
                                        replace=False) for digit in range(10)])
    return chosen, np.setdiff1d(np.arange(len(digit_y)), chosen)


# 数字分类器：像层一样调用的基础模型，加一个新的十分类头。
def digit_model(base, training=None):
    pixels = tf.keras.Input(shape=(28, 28, 1), name="digit")
    features = base(pixels, training=training)
    logits = tf.keras.layers.Dense(10, name="digit_head")(features)
    return tf.keras.Model(pixels, logits, name="digit_model")


def train(model, learning_rate, epochs, chosen):  # （重新）编译，再在小数据集上训练
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(digit_x[chosen], digit_y[chosen], epochs=epochs, batch_size=20, verbose=0)


def test_accuracy(model, test):
    return model.evaluate(digit_x[test], digit_y[test], batch_size=500, verbose=0)[1]


# 种子 42：加载训练好的基础模型的一份新副本，冻结它，嵌入新模型。
tf.keras.utils.set_random_seed(42)
chosen, test = labelled_digits(42)
print(f"labelled digits: {len(chosen)} to train on, {len(test)} to test on")
base = tf.keras.models.load_model(base_file)
base.trainable = False  # 其中的每一层也随之冻结
model = digit_model(base)
print("layers:", [layer.name for layer in model.layers],
      "| the nested base is the loaded model:", model.get_layer("base") is base)
trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
print(f"parameters: {model.count_params():,}, of which trainable: {trainable:,}")

# 画出嵌套的模型，展开其内部的层（expand_nested），并标出各层是否训练。
picture = os.path.join(folder.name, "digit_model.png")
tf.keras.utils.plot_model(model, to_file=picture, show_shapes=True, show_layer_names=True,
                          expand_nested=True, show_trainable=True, dpi=60)

# 冻结的 BatchNormalization 层运行在推理模式，即使要求它训练也是如此。
bn = base.get_layer("bn1")
moving_mean = bn.moving_mean.numpy().copy()
batch = digit_x[chosen[:20]]
print("frozen base, training=True gives the inference output:",
      np.allclose(base(batch, training=True), base(batch, training=False)))

# 第一阶段：只训练新的头，从随机权重出发，学习率较大。
weights_before = [w.numpy().copy() for w in base.weights]
train(model, 1e-2, args.head_epochs, chosen)
frozen_accuracy = test_accuracy(model, test)
print(f"frozen base + new head: test accuracy {frozen_accuracy:.4f}")
print("base weights unchanged, moving statistics included:",
      all(np.array_equal(a, w.numpy()) for a, w in zip(weights_before, base.weights)))


# 第二阶段：解冻基础模型（批归一化除外），用小一百倍的学习率
# 微调全部权重。
def unfreeze(base):
    base.trainable = True  # 其中的每一层也随之冻结
    for layer in base.layers:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            layer.trainable = False  # 保持推理模式，统计量不变


kernel = base.get_layer("conv1").kernel
kernel_before = kernel.numpy().copy()
unfreeze(base)
train(model, 1e-4, args.tune_epochs, chosen)  # trainable 变了，要重新编译
tuned_accuracy = test_accuracy(model, test)
print(f"fine-tuned: test accuracy {tuned_accuracy:.4f}")
print(f"conv1 kernel moved by up to {np.abs(kernel.numpy() - kernel_before).max():.4f}; "
      f"bn1 moving mean unchanged: {np.array_equal(moving_mean, bn.moving_mean.numpy())}")

# 常见的建议 base(pixels, training=False)，用在基础模型的一份新副本上：外层模型以训练
# 模式调用时（fit 就是这样调用的），解冻的 bn1 还停留在推理模式吗？
copy = tf.keras.models.load_model(base_file)
copy.trainable = True
probe = digit_model(copy, training=False)
probe(batch, training=True)
print("with training=False at construction, bn1 moving mean unchanged:",
      np.array_equal(moving_mean, copy.get_layer("bn1").moving_mean.numpy()))


# 比较：同样的两个阶段，以及在同样的标注数字上从头训练、总轮数相同的同一个网络，
# 用几个随机种子各做一次。
def compare(seed):
    tf.keras.utils.set_random_seed(seed)
    chosen, test = labelled_digits(seed)
    base = tf.keras.models.load_model(base_file)
    base.trainable = False
    model = digit_model(base)
    train(model, 1e-2, args.head_epochs, chosen)
    frozen = test_accuracy(model, test)
    unfreeze(base)
    train(model, 1e-4, args.tune_epochs, chosen)
    tuned = test_accuracy(model, test)
    tf.keras.utils.set_random_seed(seed)
    scratch = digit_model(make_base())  # 随机权重；批归一化照常训练
    train(scratch, 1e-3, args.head_epochs + args.tune_epochs, chosen)
    return frozen, tuned, test_accuracy(scratch, test)


results = np.array([compare(seed) for seed in range(42, 42 + args.seeds)])
for seed, row in zip(range(42, 42 + args.seeds), results):
    print(f"seed {seed}: frozen {row[0]:.4f} | fine-tuned {row[1]:.4f} | scratch {row[2]:.4f}")
for name, column in zip(["frozen base + head", "fine-tuned", "from scratch"], results.T):
    print(f"{name:18}: {column.mean():.4f} ± {column.std(ddof=1):.4f}")
folder.cleanup()  # 保存的基础模型和图
