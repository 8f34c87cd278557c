# 基于模型内部的损失和评估指标：add_loss() 与被跟踪的 Mean 评估指标。
import argparse

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_diabetes

parser = argparse.ArgumentParser(description="A regressor that also reconstructs its inputs.")
parser.add_argument("--epochs", type=int, default=10)
args, _ = parser.parse_known_args()  # 只解析认识的参数：notebook 内核会附加自己的命令行参数

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
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


# 一个回归模型：它的最后一个隐藏层还得让解码器重建出输入。
class RegressorWithDecoder(tf.keras.Model):
    def __init__(self, units=16, depth=3, reconstruction_weight=0.05, **kwargs):
        super().__init__(**kwargs)
        self.reconstruction_weight = reconstruction_weight
        self.hidden = [tf.keras.layers.Dense(units, activation="relu",
                                             kernel_initializer="he_normal") for _ in range(depth)]
        self.head = tf.keras.layers.Dense(1)
        self.reconstruction_error = tf.keras.metrics.Mean(name="reconstruction")  # 会被跟踪

    def build(self, input_shape):  # 解码器需要知道输入特征的个数
        self.decoder = tf.keras.layers.Dense(input_shape[-1])

    def call(self, inputs, training=False):
        hidden = inputs
        for layer in self.hidden:
            hidden = layer(hidden)
        error = tf.reduce_mean(tf.square(self.decoder(hidden) - inputs))
        self.add_loss(self.reconstruction_weight * error)  # 加进 fit 最小化的损失
        if training:
            self.reconstruction_error.update_state(error)
        return self.head(hidden)


model = RegressorWithDecoder(name="regressor_with_decoder")
model(x_train[:32])
print("model.losses:", [round(float(loss), 4) for loss in model.losses])
model(x_train[32:64])
print("after a second call:", [round(float(loss), 4) for loss in model.losses])
print(f"reconstruction metric after two calls: {float(model.reconstruction_error.result()):.4f}")
print("model.metrics:", [metric.name for metric in model.metrics])

# fit() 报告 model.metrics 中的每个评估指标：编译时给的，还有我们自己的。
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse", metrics=["mse"])
print("after compile:", [metric.name for metric in model.metrics])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=32,
                    validation_data=(x_valid, y_valid), verbose=0)
print(list(history.history.keys()))
for key, values in history.history.items():
    print(f"{key:19s} {values[0]:.4f} -> {values[-1]:.4f}")
last = {key: values[-1] for key, values in history.history.items()}
print("loss = mse + 0.05 * reconstruction:",
      abs(last["loss"] - (last["mse"] + 0.05 * last["reconstruction"])) < 1e-4)


# Keras 2 的习惯：在 `metrics` 属性中列出自己的评估指标。如今这会把其他的都藏起来。
class OnlyOurMetric(RegressorWithDecoder):
    @property
    def metrics(self):
        return [self.reconstruction_error]


tf.keras.utils.set_random_seed(42)
keras2_style = OnlyOurMetric()
keras2_style.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=3e-3), loss="mse",
                     metrics=["mse"])
history = keras2_style.fit(x_train, y_train, epochs=1, batch_size=32,
                           validation_data=(x_valid, y_valid), verbose=0)
print("with the metrics property overridden:", list(history.history.keys()))
