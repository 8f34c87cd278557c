# “Keras 3 行为上的变化”一节练习的参考答案。
import os
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


def make_data(n, seed, outliers=0.02):  # 本章的回归任务（见正文）
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, 8)).astype(np.float32)
    y = (np.sin(1.5 * x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + 0.25 * x[:, 3] ** 2
         - 0.5 * np.abs(x[:, 4]) + 0.3 * x[:, 5])
    y = y + rng.normal(0.0, 0.1, size=n)
    gross = rng.random(n) < outliers
    y[gross] += rng.normal(0.0, 5.0, size=int(gross.sum()))
    return x, y.astype(np.float32).reshape(-1, 1)


x_train, y_train = make_data(20000, seed=1)


# 练习 1：训练批次的计数，分别存放在 tf.Variable 和 add_weight 创建的权重中。
class CountVariable(tf.keras.layers.Layer):
    def build(self, input_shape):
        self.count = tf.Variable(0, name="count")

    def call(self, inputs, training=None):
        if training:  # Keras 传入的是 Python 布尔值，与张量无关
            self.count.assign_add(1)
        return inputs


class CountWeight(CountVariable):
    def build(self, input_shape):
        self.count = self.add_weight(shape=(), dtype="int32", initializer="zeros",
                                     trainable=False, name="count")


folder = tempfile.mkdtemp()
for counter in [CountVariable, CountWeight]:
    tf.keras.utils.set_random_seed(42)
    model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), counter(),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x_train, y_train, epochs=1, batch_size=500, verbose=0)
    path = os.path.join(folder, f"{counter.__name__}.keras")
    model.save(path)
    reloaded = tf.keras.models.load_model(path, custom_objects={counter.__name__: counter})
    print(f"{counter.__name__}: counted {int(model.layers[0].count.numpy())} batches | "
          f"non-trainable weights {[w.path for w in model.non_trainable_weights]} | "
          f"after reloading {int(reloaded.layers[0].count.numpy())}")


# 练习 2：用 keras.ops 写自定义损失函数一页的弹球损失，与用 tf.* 写的原版对照。
def pinball_tf(quantile):
    def pinball_loss(y_true, y_pred):
        error = y_true - y_pred
        return tf.reduce_mean(tf.maximum(quantile * error, (quantile - 1.0) * error), axis=-1)
    return pinball_loss


def pinball_ops(quantile):
    def pinball_loss(y_true, y_pred):
        ops = tf.keras.ops
        error = y_true - y_pred
        return ops.mean(ops.maximum(quantile * error, (quantile - 1.0) * error), axis=-1)
    return pinball_loss


rng = np.random.default_rng(0)
targets = rng.normal(size=(1000, 1)).astype(np.float32)
predictions = rng.normal(size=(1000, 1)).astype(np.float32)
for quantile in [0.1, 0.5, 0.9]:
    same = np.array_equal(pinball_tf(quantile)(targets, predictions).numpy(),
                          pinball_ops(quantile)(targets, predictions).numpy())
    print(f"quantile {quantile}: tf.* and keras.ops agree bit for bit: {same}")
symbolic = tf.keras.Input(shape=(1,))
print("keras.ops on an Input:", type(pinball_ops(0.9)(symbolic, symbolic)).__name__)


# 练习 3：在 compute_loss 中由输入算出权重，与 sample_weight 对照。
def weights_of(x):  # |x0| > 1 的样本计两次
    return 1.0 + tf.cast(tf.abs(x[:, 0]) > 1.0, tf.float32)


class WeightedByInputs(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.features = tf.keras.layers.Dense(32, activation="relu")
        self.out = tf.keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.features(inputs))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        return super().compute_loss(x, y, y_pred, weights_of(x), training=training)


class Plain(WeightedByInputs):
    compute_loss = tf.keras.Model.compute_loss  # Keras 自己的实现


trained = []
for model_class, extra in [(WeightedByInputs, {}),
                           (Plain, {"sample_weight": weights_of(x_train).numpy()})]:
    tf.keras.utils.set_random_seed(42)
    model = model_class()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss="mse")
    history = model.fit(x_train, y_train, epochs=2, batch_size=128, verbose=0, **extra)
    trained.append(model)
    print(f"{model_class.__name__}: losses {np.round(history.history['loss'], 6).tolist()}")
print("same weights after training:", all(np.array_equal(a, b) for a, b in
                                          zip(trained[0].get_weights(), trained[1].get_weights())))
