# 《自定义损失函数》一节练习的参考答案。
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small = tf.abs(error) <= 1.0
    return tf.where(is_small, 0.5 * tf.square(error), tf.abs(error) - 0.5)


# 练习 1：训练目标中有 10% 的离群点，分别用 MSE 和 Huber 训练，在干净的验证数据上评分。
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y = ((target - target[train].mean()) / target[train].std()).astype(np.float32).reshape(-1, 1)
x_train, y_train, x_valid, y_valid = x[train], y[train].copy(), x[valid], y[valid]
corrupted = np.random.default_rng(0).choice(352, size=35, replace=False)
y_train[corrupted] += 8.0  # 35 条记录录入有误，高出 8 个标准差
for name, loss in [("MSE", "mse"), ("Huber", huber_fn)]:
    tf.keras.utils.set_random_seed(42)  # 两者的初始权重和批次都相同
    model = tf.keras.Sequential([tf.keras.Input(shape=(10,)),
                                 tf.keras.layers.Dense(16, activation="relu"),
                                 tf.keras.layers.Dense(1)])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss=loss)
    model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
    errors = y_valid - model(x_valid).numpy()
    print(f"{name:5s}: validation MAE {np.mean(np.abs(errors)):.4f}, "
          f"mean error {np.mean(errors):+.4f}")


# 练习 2：返回批次平均值的损失函数无法对样本加权。
def huber_batch_mean(y_true, y_pred):
    return tf.reduce_mean(huber_fn(y_true, y_pred))


labels = np.zeros((4, 1), dtype=np.float32)
outputs = np.array([[0.5], [-1.0], [2.0], [-4.0]], dtype=np.float32)  # 损失分别为 0.125、0.5、1.5、3.5
weights = np.array([1.0, 1.0, 1.0, 0.0], dtype=np.float32)  # 最后一个样本不应计入
for loss in [huber_fn, huber_batch_mean]:
    passthrough = tf.keras.Sequential([tf.keras.Input(shape=(1,)), tf.keras.layers.Identity()])
    passthrough.compile(loss=loss)  # evaluate() 对损失加权的方式与 fit() 完全相同
    value = passthrough.evaluate(outputs, labels, sample_weight=weights, verbose=0)
    print(f"{loss.__name__:16s} weighted loss {value:.4f}")
per_sample = huber_fn(labels, outputs).numpy().ravel()
print(f"by hand: sum(w * loss) / 4 = {np.sum(weights * per_sample) / 4:.4f} | "
      f"mean(loss) * mean(w) = {per_sample.mean() * weights.mean():.4f}")
