# “基于模型内部的损失和评估指标”一页练习的解答。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
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


# 练习 1：评估时也度量敏感度，val_sensitivity 才有真实的值。
class SteadyRegressor(tf.keras.Model):
    def __init__(self, units=64, shake=0.1, penalty=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.shake, self.penalty = shake, penalty
        self.body = [tf.keras.layers.Dense(units, activation="relu") for _ in range(2)]
        self.head = tf.keras.layers.Dense(1)
        self.seed_generator = tf.keras.random.SeedGenerator(seed)
        self.sensitivity = tf.keras.metrics.Mean(name="sensitivity")

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
        self.add_loss(self.penalty * change)
        self.sensitivity.update_state(change)  # 训练和评估时都更新
        return prediction


for validation_batch_size in [100, 128]:  # 5,000 行：50 个等大的批次，或者 39 个再加一个 8 行的批次
    tf.keras.utils.set_random_seed(42)
    model = SteadyRegressor(seed=1)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse",
                  metrics=["mse"])
    history = model.fit(x_train, y_train, epochs=2, batch_size=100,
                        validation_data=(x_test, y_test),
                        validation_batch_size=validation_batch_size, verbose=0)
    last = {key: values[-1] for key, values in history.history.items()}
    print(f"validation batches of {validation_batch_size}: val_sensitivity "
          f"{history.history['val_sensitivity'][0]:.4f} -> {last['val_sensitivity']:.4f} | "
          f"val_loss = val_mse + val_sensitivity: "
          f"{abs(last['val_loss'] - (last['val_mse'] + last['val_sensitivity'])) < 1e-4}")


# 练习 2：自带损失和评估指标的层；模型会把两者都收集起来。
class L1Activity(tf.keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.mean_activity = tf.keras.metrics.Mean(name="mean_activity")

    def call(self, inputs, training=None):
        penalty = tf.reduce_sum(tf.abs(inputs)) / tf.cast(tf.shape(inputs)[0], inputs.dtype)
        self.add_loss(self.rate * penalty)  # 按样本平均，与 Keras 的 activity_regularizer 相同
        if training:
            self.mean_activity.update_state(tf.reduce_mean(tf.abs(inputs)))
        return inputs


tf.keras.utils.set_random_seed(42)
dense = tf.keras.layers.Dense(16, activation="relu")
ours = tf.keras.Sequential([tf.keras.Input(shape=(8,)), dense, L1Activity(1e-3)])
keras_own = tf.keras.Sequential([
    tf.keras.Input(shape=(8,)),
    tf.keras.layers.Dense(16, activation="relu",
                          activity_regularizer=tf.keras.regularizers.L1(1e-3))])
keras_own.set_weights(dense.get_weights())  # 两者的 Dense 权重相同
ours(x_train[:32])
keras_own(x_train[:32])
print(f"model.losses: ours {float(ours.losses[0]):.6f} | Keras {float(keras_own.losses[0]):.6f}")

regressor = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                 tf.keras.layers.Dense(16, activation="relu"), L1Activity(1e-3),
                                 tf.keras.layers.Dense(1)])
regressor.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
history = regressor.fit(x_train[:2000], y_train[:2000], epochs=2, batch_size=100, verbose=0)
print(list(history.history.keys()))
