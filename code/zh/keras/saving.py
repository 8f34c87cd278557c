# 保存与加载：.keras 文件、只保存权重，以及用于部署的 SavedModel。
import argparse
import os
import shutil
import sys
import tempfile
import zipfile

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Save and load a small Fashion-MNIST model.")
parser.add_argument("--train-images", type=int, default=10000)
parser.add_argument("--epochs", type=int, default=2)
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 60000:
    parser.error("--train-images must be between 1 and 60000")

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 只用一部分训练图像，几秒钟就能训练完；测试集用全部图像。
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:args.train_images].astype(np.float32) / 255.0
train_y = train_y[:args.train_images].astype(np.int32)
test_x, test_y = test_x.astype(np.float32) / 255.0, test_y.astype(np.int32)


def make_mlp():  # 第 2 章的多层感知机，已经编译好
    tf.keras.utils.set_random_seed(42)  # 每次调用，初始权重都相同
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(100, activation="relu"),
        tf.keras.layers.Dense(10),
    ], name="fashion_mlp")
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


model = make_mlp()
model.fit(train_x, train_y, epochs=args.epochs, batch_size=100, verbose=0)
loss, accuracy = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
print(f"test loss {loss:.4f}, test accuracy {accuracy:.4f}")

# 所有文件都写进一个新建的临时目录；只打印文件名，不打印目录路径。
folder = tempfile.mkdtemp()


def size_kb(name):  # 文件夹中一个文件的大小，以 KB（1000 字节）为单位
    return round(os.path.getsize(os.path.join(folder, name)) / 1000)


def short(error):  # 异常的类型及其消息的第一句，去掉其中的目录路径
    message = str(error).replace(folder + os.sep, "").split(". ")[0]
    return f"{type(error).__name__}: {message.rstrip('.')}."


# 整个模型存成一个文件：结构、权重、compile 的设置和优化器的状态。
model.save(os.path.join(folder, "fashion_mlp.keras"))
print("fashion_mlp.keras:", size_kb("fashion_mlp.keras"), "KB")
print("inside:", zipfile.ZipFile(os.path.join(folder, "fashion_mlp.keras")).namelist())

reloaded = tf.keras.models.load_model(os.path.join(folder, "fashion_mlp.keras"))
print(type(reloaded).__name__, reloaded.name,
      "| optimizer steps:", int(reloaded.optimizer.iterations))
before = model(test_x[:1000]).numpy()
after = reloaded(test_x[:1000]).numpy()
print("identical predictions:", np.array_equal(before, after))
print("same test loss and accuracy:",
      reloaded.evaluate(test_x, test_y, batch_size=1000, verbose=0) == [loss, accuracy])

# Keras 3 根据扩展名选择格式，只认 .keras（以及旧的 .h5）。
try:
    model.save(os.path.join(folder, "fashion_mlp"))
except ValueError as error:
    print(short(error))

# 只保存权重：文件名须以 .weights.h5 结尾，加载到一个以同样方式构建的模型中。
model.save_weights(os.path.join(folder, "fashion_mlp.weights.h5"))
print("fashion_mlp.weights.h5:", size_kb("fashion_mlp.weights.h5"), "KB")
try:
    model.save_weights(os.path.join(folder, "fashion_mlp.h5"))
except ValueError as error:
    print(short(error))
fresh = make_mlp()
fresh.optimizer.build(fresh.trainable_variables)  # 先创建优化器的变量，它的状态才会一起加载
print("fresh model, identical predictions:",
      np.array_equal(before, fresh(test_x[:1000]).numpy()))
fresh.load_weights(os.path.join(folder, "fashion_mlp.weights.h5"))
print("after load_weights, identical predictions:",
      np.array_equal(before, fresh(test_x[:1000]).numpy()),
      "| optimizer steps:", int(fresh.optimizer.iterations))

# 用于部署的 SavedModel：一个目录，TensorFlow 不需要 Keras 和我们的代码就能加载它。
logger_level = tf.get_logger().level
tf.get_logger().setLevel("ERROR")  # 不打印 "Assets written to" 这条消息
model.export(os.path.join(folder, "fashion_mlp_export"), verbose=False)
tf.get_logger().setLevel(logger_level)
print("fashion_mlp_export:", sorted(os.listdir(os.path.join(folder, "fashion_mlp_export"))))
served = tf.saved_model.load(os.path.join(folder, "fashion_mlp_export"))
logits = served.serve(tf.constant(test_x[:1000]))
print("signatures:", sorted(served.signatures.keys()))
print("same outputs within 1e-6:", bool(np.max(np.abs(logits.numpy() - before)) <= 1e-6))
print("bit-identical:", np.array_equal(logits.numpy(), before))

# load_model() 不再读取 SavedModel 目录（Keras 2 可以）。
try:
    tf.keras.models.load_model(os.path.join(folder, "fashion_mlp_export"))
except ValueError as error:
    print(short(error))


# 带自定义层的子类化模型：Keras 必须能按名字找到这些类，
# 每个 get_config() 都必须返回重建对象所需的参数。
@tf.keras.utils.register_keras_serializable(package="book")
class Standardize(tf.keras.layers.Layer):
    def __init__(self, mean, std, **kwargs):
        super().__init__(**kwargs)
        self.mean, self.std = mean, std

    def call(self, inputs):
        return (inputs - self.mean) / self.std

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "std": self.std}


@tf.keras.utils.register_keras_serializable(package="book")
class Classifier(tf.keras.Model):
    def __init__(self, hidden_units=100, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.standardize = Standardize(mean=0.286, std=0.353)
        self.flatten = tf.keras.layers.Flatten()
        self.hidden = tf.keras.layers.Dense(hidden_units, activation="relu")
        self.logits = tf.keras.layers.Dense(10)

    def call(self, inputs):
        return self.logits(self.hidden(self.flatten(self.standardize(inputs))))

    def get_config(self):
        return {**super().get_config(), "hidden_units": self.hidden_units}


classifier = Classifier(hidden_units=64)
classifier.compile(optimizer="adam",
                   loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
classifier.fit(train_x, train_y, epochs=1, batch_size=100, verbose=0)
classifier.save(os.path.join(folder, "classifier.keras"))
restored = tf.keras.models.load_model(os.path.join(folder, "classifier.keras"))
print(type(restored).__name__, "hidden_units:", restored.hidden_units, "| identical predictions:",
      np.array_equal(classifier(test_x[:1000]).numpy(),
                     restored(test_x[:1000]).numpy()))
print("files:", sorted(os.listdir(folder)))
shutil.rmtree(folder)  # mkdtemp() 建立的目录不会自动删除
