# 《自定义激活函数、初始化器、正则化项与约束》一节练习的参考答案。
import os
import tempfile

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 练习 1：用变量统计调用次数，在 fit() 编译出的计算图里也照样计数。
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y = ((target - target[train].mean()) / target[train].std()).astype(np.float32).reshape(-1, 1)
calls = {kind: tf.Variable(0) for kind in ["initializer", "regularizer", "constraint"]}


def counted_initializer(shape, dtype=tf.float32):
    calls["initializer"].assign_add(1)
    return tf.random.normal(shape, stddev=tf.sqrt(2.0 / (shape[0] + shape[1])), dtype=dtype)


def counted_regularizer(weights):
    calls["regularizer"].assign_add(1)
    return 0.01 * tf.reduce_sum(tf.abs(weights))


def counted_constraint(weights):
    calls["constraint"].assign_add(1)
    return tf.maximum(weights, 0.0)


def report(moment):
    print(f"{moment:24s}", {kind: int(count) for kind, count in calls.items()})


model = tf.keras.Sequential([
    tf.keras.Input(shape=(10,)),
    tf.keras.layers.Dense(16, activation="relu", kernel_initializer=counted_initializer,
                          kernel_regularizer=counted_regularizer,
                          kernel_constraint=counted_constraint),
    tf.keras.layers.Dense(1)])
report("after building")
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse")
model.fit(x[train], y[train], epochs=1, batch_size=32, verbose=0)  # 352 / 32 = 11 步
report("after 11 training steps")
model.evaluate(x[valid], y[valid], batch_size=32, verbose=0)  # 90 个样本：3 个批次
report("after evaluate()")


# 练习 2：与 Keras 激活函数同名的函数，保存下来的只是这个名字。
def softplus(z):  # 正文中数值稳定的 softplus，但用了 Keras 的名字
    return tf.where(z > 20.0, z, tf.math.log1p(tf.exp(tf.minimum(z, 20.0))))


def smooth_relu(z):  # 同一个函数，用我们自己的名字
    return tf.where(z > 20.0, z, tf.math.log1p(tf.exp(tf.minimum(z, 20.0))))


folder = tempfile.mkdtemp()
for activation in [softplus, smooth_relu]:
    model = tf.keras.Sequential([tf.keras.Input(shape=(10,)),
                                 tf.keras.layers.Dense(4, activation=activation)])
    path = os.path.join(folder, f"{activation.__name__}.keras")
    model.save(path)
    loaded = tf.keras.models.load_model(path, custom_objects={activation.__name__: activation})
    print(f"{activation.__name__}: saved as {model.layers[0].get_config()['activation']}")
    comes_back = loaded.layers[0].activation
    print(f"  loaded back: ours {comes_back is activation}, from {comes_back.__module__}")

# 练习 3：教科书上的公式 log(1 + e^z) 在 float32 中会上溢。
z = tf.constant([-100.0, 0.0, 50.0, 89.0, 100.0])
with tf.GradientTape(persistent=True) as tape:
    tape.watch(z)
    naive = tf.math.log(1.0 + tf.exp(z))
    stable = tf.where(z > 20.0, z, tf.math.log1p(tf.exp(tf.minimum(z, 20.0))))
    unclamped = tf.where(z > 20.0, z, tf.math.log1p(tf.exp(z)))  # 去掉 tf.minimum
print("z:              ", z.numpy())
print("naive:          ", naive.numpy().round(4))
print("stable:         ", stable.numpy().round(4))
print("naive gradient: ", tape.gradient(naive, z).numpy().round(4))
print("stable gradient:", tape.gradient(stable, z).numpy().round(4))
print("unclamped:      ", unclamped.numpy().round(4))
print("its gradient:   ", tape.gradient(unclamped, z).numpy().round(4))
print("sigmoid(z):     ", tf.sigmoid(z).numpy().round(4))
