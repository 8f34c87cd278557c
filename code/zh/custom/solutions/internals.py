# 《基于模型内部的损失与评估指标》一节练习的参考答案。
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 糖尿病数据，划分与标准化的方式和“自定义损失函数”一页相同。
features, target = load_diabetes(return_X_y=True)
order = np.random.default_rng(42).permutation(len(features))
train, valid = order[:352], order[352:]
mean, std = features[train].mean(axis=0), features[train].std(axis=0)
x = ((features - mean) / std).astype(np.float32)
y = ((target - target[train].mean()) / target[train].std()).astype(np.float32).reshape(-1, 1)
x_train, y_train, x_valid, y_valid = x[train], y[train], x[valid], y[valid]


# 练习 1：评估时也计算重建误差，val_reconstruction 才名副其实。
class RegressorWithDecoder(tf.keras.Model):
    def __init__(self, units=16, depth=3, reconstruction_weight=0.05, **kwargs):
        super().__init__(**kwargs)
        self.reconstruction_weight = reconstruction_weight
        self.hidden = [tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal") for _ in range(depth)]
        self.head = tf.keras.layers.Dense(1)
        self.reconstruction_error = tf.keras.metrics.Mean(name="reconstruction")

    def build(self, input_shape):
        self.decoder = tf.keras.layers.Dense(input_shape[-1])

    def call(self, inputs, training=False):
        hidden = inputs
        for layer in self.hidden:
            hidden = layer(hidden)
        error = tf.reduce_mean(tf.square(self.decoder(hidden) - inputs))
        self.add_loss(self.reconstruction_weight * error)
        self.reconstruction_error.update_state(error)  # 训练和评估时都更新
        return self.head(hidden)


model = RegressorWithDecoder()
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse", metrics=["mse"])
history = model.fit(x_train, y_train, epochs=5, batch_size=32, validation_data=(x_valid, y_valid),
                    validation_batch_size=90, verbose=0)  # 90 个验证样本放在一个批次里
for key in ["reconstruction", "val_reconstruction"]:
    print(f"{key:19s} {history.history[key][0]:.4f} -> {history.history[key][-1]:.4f}")
last = {key: values[-1] for key, values in history.history.items()}
print("val_loss = val_mse + 0.05 * val_reconstruction:",
      abs(last["val_loss"] - (last["val_mse"] + 0.05 * last["val_reconstruction"])) < 1e-4)


# 练习 2：自带损失和评估指标的层；模型把两者都收集起来。
class L1Activity(tf.keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.mean_activity = tf.keras.metrics.Mean(name="mean_activity")

    def call(self, inputs, training=False):
        penalty = tf.reduce_sum(tf.abs(inputs)) / tf.cast(tf.shape(inputs)[0], inputs.dtype)
        self.add_loss(self.rate * penalty)  # 按样本平均，与 Keras 的 activity_regularizer 一样
        if training:
            self.mean_activity.update_state(tf.reduce_mean(tf.abs(inputs)))
        return inputs


tf.keras.utils.set_random_seed(42)
dense = tf.keras.layers.Dense(16, activation="relu")
ours = tf.keras.Sequential([tf.keras.Input(shape=(10,)), dense, L1Activity(1e-3)])
keras_own = tf.keras.Sequential([
    tf.keras.Input(shape=(10,)),
    tf.keras.layers.Dense(16, activation="relu",
                          activity_regularizer=tf.keras.regularizers.L1(1e-3))])
keras_own.set_weights(dense.get_weights())  # 两者的 Dense 层权重相同
ours(x_train[:32])
keras_own(x_train[:32])
print(f"model.losses: ours {float(ours.losses[0]):.6f} | Keras {float(keras_own.losses[0]):.6f}")

regressor = tf.keras.Sequential([tf.keras.Input(shape=(10,)),
                                 tf.keras.layers.Dense(16, activation="relu"), L1Activity(1e-3),
                                 tf.keras.layers.Dense(1)])
regressor.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
history = regressor.fit(x_train, y_train, epochs=2, batch_size=32, verbose=0)
print(list(history.history.keys()))
