# 自定义损失函数：写成函数和写成 Loss 子类的 Huber 损失，保存后再加载回来。
import argparse
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser(description="A custom Huber loss on the diabetes regression.")
parser.add_argument("--epochs", type=int, default=20)
args, _ = parser.parse_known_args()  # 只解析认识的参数：notebook 内核会附加自己的命令行参数

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 442 名患者，10 个特征；目标值是一年后衡量病情进展的指标。
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]  # 352 名患者用于训练，90 名用于验证
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y_mean, y_std = target[train].mean(), target[train].std()
y = ((target - y_mean) / y_std).astype(np.float32).reshape(-1, 1)  # 列向量，与模型输出的形状一致
x_train, y_train, x_valid, y_valid = x[train], y[train], x[valid], y[valid]
print("train:", x_train.shape, y_train.shape, "| validation:", x_valid.shape, y_valid.shape)
print(f"target: {target.min():.0f} to {target.max():.0f} points; "
      f"one unit of the scaled target = {y_std:.1f} points")


# 阈值为 1 的 Huber 损失写成函数：每个样本一个损失，只用 TensorFlow 运算。
def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small = tf.abs(error) <= 1.0
    return tf.where(is_small, 0.5 * tf.square(error), tf.abs(error) - 0.5)


zeros = np.zeros((4, 1), dtype=np.float32)
guesses = np.array([[0.5], [-1.0], [2.0], [-4.0]], dtype=np.float32)
print("per sample:", huber_fn(zeros, guesses).numpy().ravel())
print(f"mean {float(tf.reduce_mean(huber_fn(zeros, guesses))):.4f} | "
      f"Keras's Huber {float(tf.keras.losses.Huber(delta=1.0)(zeros, guesses)):.4f}")


def make_model():
    return tf.keras.Sequential([tf.keras.Input(shape=(10,)),
                                tf.keras.layers.Dense(16, activation="relu"),
                                tf.keras.layers.Dense(1)])


model = make_model()
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss=huber_fn,
              metrics=[tf.keras.metrics.MeanAbsoluteError(name="mae")])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, verbose=0)
results = model.evaluate(x_valid, y_valid, verbose=0, return_dict=True)
print(f"training loss {history.history['loss'][-1]:.4f} | "
      f"validation loss {results['loss']:.4f}, MAE {results['mae']:.4f}")

# 保存没有问题；加载时要根据文件里记下的名字找回这个函数。
folder = tempfile.mkdtemp()
path = os.path.join(folder, "huber_model.keras")
model.save(path)
predictions = model(x_valid).numpy()
try:
    tf.keras.models.load_model(path)
except TypeError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
loaded = tf.keras.models.load_model(path, custom_objects={"huber_fn": huber_fn})
print("custom_objects: the loss is huber_fn:", loaded.loss is huber_fn,
      "| same predictions:", np.array_equal(loaded(x_valid).numpy(), predictions))

# 装饰器本身就是函数：直接作用于 huber_fn，把它注册为 "book>huber_fn"。
tf.keras.utils.register_keras_serializable(package="book")(huber_fn)
print("registered as:", tf.keras.utils.get_registered_name(huber_fn))
model.save(path)  # 再保存一次：文件里损失函数的名字变成了 "book>huber_fn"
loaded = tf.keras.models.load_model(path)  # 不需要 custom_objects
print("registered: the loss is huber_fn:", loaded.loss is huber_fn,
      "| same predictions:", np.array_equal(loaded(x_valid).numpy(), predictions))


# 工厂函数能生成任意阈值的 Huber 损失；文件里只记下内层函数的名字。
def huber_factory(threshold=1.0):
    def thresholded_huber(y_true, y_pred):
        error = y_true - y_pred
        is_small = tf.abs(error) <= threshold
        return tf.where(is_small, 0.5 * tf.square(error),
                        threshold * tf.abs(error) - 0.5 * threshold**2)
    return thresholded_huber


def validation_loss(some_model):  # 模型自己的损失函数在验证集上的值
    return float(tf.reduce_mean(some_model.loss(y_valid, some_model(x_valid))))


# compile() 保留训练好的权重；沿用同一个优化器，它的状态也得以保留。
model.compile(optimizer=model.optimizer, loss=huber_factory(threshold=2.0))
model.save(path)
try:
    tf.keras.models.load_model(path)
except TypeError as err:
    print(f"{type(err).__name__}: {str(err).split('.')[0]}")
reloaded = tf.keras.models.load_model(
    path, custom_objects={"thresholded_huber": huber_factory()})  # 阈值被遗忘了
zero, three = np.float32(0.0), np.float32(3.0)  # 误差为 3：阈值为 2 时损失 4.0，为 1 时 2.5
print(f"loss of an error of 3: saved {float(model.loss(zero, three)):.4f}, "
      f"reloaded {float(reloaded.loss(zero, three)):.4f}")
print(f"validation loss: saved {validation_loss(model):.4f}, "
      f"reloaded {validation_loss(reloaded):.4f}")


# Loss 子类把阈值放进自己的配置，文件会保存这份配置。
@tf.keras.utils.register_keras_serializable(package="book")
class HuberLoss(tf.keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)  # name、reduction、dtype
        self.threshold = threshold

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small = tf.abs(error) <= self.threshold
        return tf.where(is_small, 0.5 * tf.square(error),
                        self.threshold * tf.abs(error) - 0.5 * self.threshold**2)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


print(HuberLoss(threshold=2.0).get_config())
model.compile(optimizer=model.optimizer, loss=HuberLoss(threshold=2.0))
history = model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0)
print(f"5 more epochs with HuberLoss(2.0): training loss {history.history['loss'][-1]:.4f}")
model.save(path)
reloaded = tf.keras.models.load_model(path)  # 已注册：不需要 custom_objects
print(f"reloaded loss: {type(reloaded.loss).__name__}, threshold {reloaded.loss.threshold}, "
      f"loss of an error of 3: {float(reloaded.loss(zero, three)):.4f}")
print(f"validation loss: saved {validation_loss(model):.4f}, "
      f"reloaded {validation_loss(reloaded):.4f}")
predictions = model(x_valid).numpy()
print("same predictions:", np.array_equal(reloaded(x_valid).numpy(), predictions))
# Loss 子类拿到的标签原封不动：向量与列向量相减会广播成 90 x 90。
print(f"labels as a column {float(HuberLoss(2.0)(y_valid, predictions)):.4f} | "
      f"as a vector {float(HuberLoss(2.0)(y_valid[:, 0], predictions)):.4f}")
