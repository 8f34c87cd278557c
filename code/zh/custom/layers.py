# 自定义层：Lambda 层、逐特征缩放层、两个输入两个输出的层、特征遮盖层、层归一化。
import os
import re
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()
folder = tempfile.mkdtemp()  # 保存的模型放在这里，绝不写进仓库


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


def least_squares_mse(train_features, test_features):  # 加一列 1 作偏置的线性拟合
    column = np.ones([len(train_features), 1], np.float32)
    coefficients = np.linalg.lstsq(np.hstack([train_features, column]), y_train, rcond=None)[0]
    predictions = test_features @ coefficients[:-1] + coefficients[-1]
    return float(np.mean((predictions - y_test) ** 2))


# 由函数得到的无权重层：每个特征后面接上它的平方。
with_squares = tf.keras.layers.Lambda(lambda x: tf.concat([x, tf.square(x)], axis=-1),
                                      name="with_squares")
print(with_squares(tf.constant([[-1.0, 0.5, 2.0]])).numpy())
print(f"least squares on x: test MSE {least_squares_mse(x_train, x_test):.4f} | "
      f"on x and x**2: {least_squares_mse(with_squares(x_train), with_squares(x_test)):.4f}")

# 保存没有问题；加载时，除非声明文件可信，否则拒绝 lambda 的 Python 字节码。
squares_model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), with_squares,
                                     tf.keras.layers.Dense(1)])
lambda_path = os.path.join(folder, "with_lambda.keras")
squares_model.save(lambda_path)
try:
    tf.keras.models.load_model(lambda_path)
except ValueError as error:
    print("ValueError:", error)
unsafe = tf.keras.models.load_model(lambda_path, safe_mode=False)
try:
    unsafe(x_test[:2])
except NameError as error:  # 字节码回来了，它用到的模块却没有
    print("NameError:", re.search(r"name '\w+' is not defined", str(error)).group(0))


# 为每个特征学习一个缩放系数的层；它知道自己的配置，因此可以
# 保存、重新加载和克隆。
@tf.keras.utils.register_keras_serializable(package="book")
class FeatureScale(tf.keras.layers.Layer):
    def __init__(self, initializer="ones", regularizer=None, **kwargs):
        super().__init__(**kwargs)
        self.initializer = tf.keras.initializers.get(initializer)
        self.regularizer = tf.keras.regularizers.get(regularizer)

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer=self.initializer,
                                     regularizer=self.regularizer, name="scale")

    def call(self, inputs):
        return inputs * self.scale

    def compute_output_shape(self, input_shape):  # 符号输入：不调用 call 也能给出形状
        return input_shape

    def get_config(self):  # __init__ 重建同一个层所需的全部参数
        return {**super().get_config(),
                "initializer": tf.keras.initializers.serialize(self.initializer),
                "regularizer": tf.keras.regularizers.serialize(self.regularizer)}


scaling = FeatureScale(regularizer=tf.keras.regularizers.L1(0.01), name="scaling")
config = scaling.get_config()
print({key: config[key] for key in ["name", "initializer", "regularizer"]})
print("symbolic output:", scaling(tf.keras.Input(shape=(8,))).shape,
      "| compute_output_shape:", scaling.compute_output_shape((None, 7, 8)))
twin = FeatureScale.from_config(config)  # 配置相同，还没有权重
print("twin:", twin.name, type(twin.regularizer).__name__, "| built:", twin.built)
try:
    FeatureScale(dynamic=True)  # Keras 2 中表示层必须以即时模式运行的参数
except ValueError as error:
    print("ValueError:", error)

# 放在 MLP 前面训练，L1 惩罚把无用特征的缩放系数压向零。
scaled_mlp = tf.keras.Sequential([tf.keras.Input(shape=(8,)), scaling,
                                  tf.keras.layers.Dense(64, activation="relu"),
                                  tf.keras.layers.Dense(64, activation="relu"),
                                  tf.keras.layers.Dense(1)])
scaled_mlp.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=2e-3), loss="mse")
scaled_mlp.fit(x_train, y_train, epochs=10, batch_size=128, verbose=0)
print("|scale| of x0..x7:", " ".join(f"{s:.3f}" for s in np.abs(scaling.scale.numpy())))
print(f"test MSE {scaled_mlp.evaluate(x_test, y_test, verbose=0):.4f}")

# 按类名和配置保存，能在安全模式下加载；克隆得到的是新初始化的权重。
scaled_path = os.path.join(folder, "scaled_mlp.keras")
scaled_mlp.save(scaled_path)
reloaded = tf.keras.models.load_model(scaled_path)
print(type(reloaded.layers[0]).__name__, "| same predictions:",
      np.array_equal(reloaded.predict(x_test, verbose=0), scaled_mlp.predict(x_test, verbose=0)))
clone = tf.keras.models.clone_model(scaled_mlp)  # 由每个层的配置重建结构
print(type(clone.layers[0]).__name__, type(clone.layers[0].regularizer).__name__,
      "| clone's scales:", clone.layers[0].scale.numpy())


# 两个输入、两个输出：call() 接收一个列表，返回一个列表。
class Blend(tf.keras.layers.Layer):
    def build(self, input_shapes):
        self.logit = self.add_weight(shape=(), initializer="zeros", name="logit")

    def call(self, inputs):
        first, second = inputs
        share = tf.sigmoid(self.logit)  # 介于 0 和 1 之间，初始为 0.5
        blended = share * first + (1.0 - share) * second
        return [blended, tf.ones_like(first) * share]  # 混合结果，以及所用的比例

    def compute_output_shape(self, input_shapes):
        return [input_shapes[0], input_shapes[0]]


linear_input = tf.keras.Input(shape=(1,), name="linear")
mlp_input = tf.keras.Input(shape=(1,), name="mlp")
blended, share = Blend(name="blend")([linear_input, mlp_input])
blend_model = tf.keras.Model(inputs=[linear_input, mlp_input], outputs=[blended, share])
print("outputs:", [tuple(output.shape) for output in blend_model.outputs])
first = np.array([[1.0], [3.0]], dtype=np.float32)
second = np.array([[2.0], [-1.0]], dtype=np.float32)
blend_model.get_layer("blend").logit.assign(np.log(3.0))  # 第一个输入占 3/4
blended, share = blend_model([first, second])
print("blend:", blended.numpy().ravel().tolist(), "| share:", share.numpy().ravel().tolist())


# 只在训练时随机遮盖特征的层：call() 接收 `training` 参数。
class FeatureMask(tf.keras.layers.Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = rate, seed
        self.seed_generator = tf.keras.random.SeedGenerator(seed)  # Keras 3 的随机数状态

    def call(self, inputs, training=None):
        if training:
            draws = tf.keras.random.uniform(tf.keras.ops.shape(inputs), seed=self.seed_generator)
            return tf.where(draws < self.rate, tf.zeros_like(inputs), inputs)
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


mask = FeatureMask(rate=0.25, seed=1)
batch = x_test[:1000]
for training in [True, False, None]:
    hidden = float(tf.reduce_mean(tf.cast(mask(batch, training=training) == 0.0, tf.float32)))
    print(f"training={training}: share of features set to zero {hidden:.4f}")

# 放进模型：fit() 以 training=True 调用它，evaluate() 和 predict() 以 training=False 调用。
column = np.ones([len(x_train), 1], np.float32)
coefficients = np.linalg.lstsq(np.hstack([x_train, column]), y_train, rcond=None)[0]
masked_linear = tf.keras.Sequential([tf.keras.Input(shape=(8,)), FeatureMask(0.25, seed=2),
                                     tf.keras.layers.Dense(1)])
masked_linear.layers[-1].set_weights([coefficients[:-1], coefficients[-1]])  # 即上面的最小二乘拟合
for training in [True, False]:
    error = float(tf.reduce_mean((masked_linear(x_test, training=training) - y_test) ** 2))
    print(f"model(x, training={training}): test MSE {error:.4f}")
masked_linear.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.0), loss="mse")
history = masked_linear.fit(x_test, y_test, epochs=1, batch_size=100, verbose=0)  # 不更新权重
print(f"fit loss {history.history['loss'][0]:.4f} | "
      f"evaluate loss {masked_linear.evaluate(x_test, y_test, verbose=0):.4f}")
print("predict twice, same:", np.array_equal(masked_linear.predict(x_test, verbose=0),
                                             masked_linear.predict(x_test, verbose=0)))


# 层归一化：对每个样本的特征做标准化，再缩放和平移。
class LayerNorm(tf.keras.layers.Layer):
    def __init__(self, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.gamma = self.add_weight(name="gamma", shape=input_shape[-1:], initializer="ones")
        self.beta = self.add_weight(name="beta", shape=input_shape[-1:], initializer="zeros")

    def call(self, inputs):
        mean, variance = tf.nn.moments(inputs, axes=[-1], keepdims=True)
        return self.gamma * (inputs - mean) / tf.sqrt(variance + self.epsilon) + self.beta

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


rng = np.random.default_rng(0)
features = rng.normal(0.0, 2.0, size=(64, 10)).astype(np.float32)
ours, keras_own = LayerNorm(), tf.keras.layers.LayerNormalization(epsilon=1e-3)
ours.build(features.shape)
keras_own.build(features.shape)
gamma = rng.normal(1.0, 0.5, size=10).astype(np.float32)  # 不取 1 和 0：让核对也覆盖这两组参数
beta = rng.normal(0.0, 0.5, size=10).astype(np.float32)
ours.set_weights([gamma, beta])
keras_own.set_weights([gamma, beta])
difference = float(tf.reduce_max(tf.abs(ours(features) - keras_own(features))))
print(f"max |ours - Keras| = {difference:.5f} | below 1e-6: {difference < 1e-6}")
mean, variance = tf.nn.moments(features, axes=[-1], keepdims=True)
std_plus_epsilon = gamma * (features - mean) / (tf.sqrt(variance) + 1e-3) + beta
other = float(tf.reduce_max(tf.abs(std_plus_epsilon - keras_own(features))))
print(f"dividing by std + epsilon instead: {other:.5f} | below 1e-6: {other < 1e-6}")
