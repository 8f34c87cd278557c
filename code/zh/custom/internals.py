# 基于模型内部的损失和评估指标：add_loss() 与被跟踪的 Mean 评估指标。
import argparse
import sys

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="A regressor that penalizes its own sensitivity.")
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--seed-epochs", type=int, default=40,
                    help="三个种子的比较中，每次训练的轮数")
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if args.seed_epochs < 1:
    parser.error("--seed-epochs must be at least 1")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


def make_data(n, seed, outliers=0.02):
    # 本章的回归任务：8 个特征；目标值是特征的非线性函数，加上标准差为 0.1 的
    # 高斯噪声；另有比例为 `outliers` 的目标值在噪声之外再加上粗大误差
    # （稳健的损失函数应当不受它们左右）。
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, size=(n, 8)).astype(np.float32)
    y = (np.sin(1.5 * x[:, 0]) + 0.5 * x[:, 1] * x[:, 2] + 0.25 * x[:, 3] ** 2
         - 0.5 * np.abs(x[:, 4]) + 0.3 * x[:, 5])  # x[:, 6] 和 x[:, 7] 与目标无关
    y = y + rng.normal(0.0, 0.1, size=n)
    gross = rng.random(n) < outliers
    y[gross] += rng.normal(0.0, 5.0, size=int(gross.sum()))
    return x, y.astype(np.float32).reshape(-1, 1)


x_train, y_train = make_data(20000, seed=1)
x_test, y_test = make_data(5000, seed=2, outliers=0.0)


# 一个回归模型，同时度量输入受到扰动时预测值变化多少。
class SteadyRegressor(tf.keras.Model):
    def __init__(self, units=64, shake=0.1, penalty=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.shake, self.penalty = shake, penalty
        self.body = [tf.keras.layers.Dense(units, activation="relu") for _ in range(2)]
        self.head = tf.keras.layers.Dense(1)
        self.seed_generator = tf.keras.random.SeedGenerator(seed)
        self.sensitivity = tf.keras.metrics.Mean(name="sensitivity")  # 作为属性赋值即被跟踪

    def predict_one(self, inputs):
        hidden = inputs
        for layer in self.body:
            hidden = layer(hidden)
        return self.head(hidden)

    def call(self, inputs, training=None):
        prediction = self.predict_one(inputs)
        noise = tf.keras.random.normal(tf.keras.ops.shape(inputs), stddev=self.shake,
                                       seed=self.seed_generator)
        change = tf.reduce_mean(tf.square(self.predict_one(inputs + noise) - prediction))
        self.add_loss(self.penalty * change)  # 加进 fit() 最小化的损失
        if training:
            self.sensitivity.update_state(change)
        return prediction


model = SteadyRegressor(name="steady_regressor", seed=1)
model(x_train[:100])
print("model.losses:", [round(float(loss), 4) for loss in model.losses])
model(x_train[100:200])
print("after a second call:", [round(float(loss), 4) for loss in model.losses])
print(f"sensitivity metric after two calls: {float(model.sensitivity.result()):.4f}")
print("model.metrics:", [metric.name for metric in model.metrics])

# fit() 报告 model.metrics 中的每个评估指标：compile 传入的，以及我们自己的。
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse", metrics=["mse"])
print("after compile:", [metric.name for metric in model.metrics])
history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=100,
                    validation_data=(x_test, y_test), verbose=0)
print(list(history.history.keys()))
for key, values in history.history.items():
    print(f"{key:16s} {values[0]:.4f} -> {values[-1]:.4f}")
last = {key: values[-1] for key, values in history.history.items()}
print("loss = mse + 1.0 * sensitivity:",
      abs(last["loss"] - (last["mse"] + 1.0 * last["sensitivity"])) < 1e-4)

# 惩罚项有没有用？惩罚系数为 0 的模型作基线：各用三个种子，在 2,000 行上训练。
for penalty in [0.0, 1.0]:
    errors = []
    for seed in [1, 2, 3]:
        tf.keras.utils.set_random_seed(seed)
        candidate = SteadyRegressor(penalty=penalty, seed=seed)
        candidate.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
        candidate.fit(x_train[:2000], y_train[:2000], epochs=args.seed_epochs, batch_size=100,
                      verbose=0)
        errors.append(float(np.mean((candidate.predict(x_test, verbose=0) - y_test) ** 2)))
    print(f"penalty {penalty}: test MSE {np.round(errors, 4)}, "
          f"mean {np.mean(errors):.4f} ± {np.std(errors):.4f}")


# 自己写 train_step 时的一种习惯：在 `metrics` 属性中只列出自己的评估指标；
# 这样会把其他指标藏起来（Keras 2 和 3 都是如此）。
class OnlyOurMetric(SteadyRegressor):
    @property
    def metrics(self):
        return [self.sensitivity]


tf.keras.utils.set_random_seed(42)
keras2_style = OnlyOurMetric(seed=1)
keras2_style.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse",
                     metrics=["mse"])
history = keras2_style.fit(x_train[:2000], y_train[:2000], epochs=1, batch_size=100,
                           validation_data=(x_test, y_test), verbose=0)
print("with the metrics property overridden:", list(history.history.keys()))
