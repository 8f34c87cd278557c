# Keras 2 的习惯在 Keras 3 中失灵的地方：AutoGraph、变量、符号张量、compute_loss、XLA。
import argparse
import inspect
import re
import sys
import warnings

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Keras 3 behaviour changes, on the chapter's task.")
parser.add_argument("--epochs", type=int, default=3, help="epochs of each short training run")
# 在笔记本中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")

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
# 同样的数据，其中 5% 的特征缺失，记为 NaN（好比某个传感器失灵了）。
absent = np.random.default_rng(3).random(x_train.shape) < 0.05
x_missing = np.where(absent, np.float32(np.nan), x_train)
print(f"missing features: {np.isnan(x_missing).mean():.2%} | rows with at least one: "
      f"{np.isnan(x_missing).any(axis=1).mean():.2%}")


# Keras 2 的习惯写法：批次中没有要填的值时，用 Python 的 `if` 省掉这步计算。
class FillMissing(tf.keras.layers.Layer):
    def call(self, inputs):
        missing = tf.math.is_nan(inputs)
        if tf.reduce_any(missing):  # 依据张量的值写的 Python if
            return tf.where(missing, tf.zeros_like(inputs), inputs)  # 0 是每个特征的均值
        return inputs

    def compute_output_shape(self, input_shape):  # 符号输入不会进入 call()
        return input_shape


def first_sentence(error):  # TensorFlow 的报错信息，去掉 Keras 在外面加的一层
    return re.search(r"Using a symbolic .*? is not allowed", str(error)).group(0)


def regressor(first_layer):
    return tf.keras.Sequential([tf.keras.Input(shape=(8,)), first_layer,
                                tf.keras.layers.Dense(32, activation="relu"),
                                tf.keras.layers.Dense(1)])


with_gaps = x_missing[np.isnan(x_missing).any(axis=1)][:2]  # 前两个有缺失值的行
print("rows:", with_gaps.round(2), "eagerly:", FillMissing()(with_gaps).numpy().round(2),
      sep="\n")
model = regressor(FillMissing())
model.compile(optimizer="adam", loss="mse")
try:
    model.fit(x_missing, y_train, epochs=1, batch_size=128, verbose=0)
except tf.errors.OperatorNotAllowedInGraphError as error:
    print("fit:", type(error).__name__, "|", first_sentence(error))

# 同一个层放进本书自己编译的训练步骤（训练循环一页的写法）。
optimizer = tf.keras.optimizers.Adam()


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    return loss


try:
    train_step(x_missing[:128], y_train[:128])
except tf.errors.OperatorNotAllowedInGraphError as error:
    print("tf.function step:", type(error).__name__, "|", first_sentence(error))


# 三种补救办法。其一：根本不分支，逐个元素地选取。
class FillMissingWhere(FillMissing):
    def call(self, inputs):
        return tf.keras.ops.where(tf.keras.ops.isnan(inputs), 0.0, inputs)


# 其二：把分支写成计算图中的条件，两边各写成一个函数。
class FillMissingCond(FillMissing):
    def call(self, inputs):
        missing = tf.math.is_nan(inputs)
        return tf.cond(tf.reduce_any(missing),
                       lambda: tf.where(missing, tf.zeros_like(inputs), inputs),
                       lambda: inputs)


# 其三：保留 Python 的 `if`，但放进我们自己的 TF 函数，由 AutoGraph 转换。
@tf.function
def fill_missing(inputs):
    missing = tf.math.is_nan(inputs)
    if tf.reduce_any(missing):
        return tf.where(missing, tf.zeros_like(inputs), inputs)
    return inputs


class FillMissingConverted(FillMissing):
    def call(self, inputs):
        return fill_missing(inputs)


eager = FillMissing()(x_missing).numpy()  # Keras 2 写法的层，即时执行：作为参照
for remedy in [FillMissingWhere, FillMissingCond, FillMissingConverted]:
    tf.keras.utils.set_random_seed(42)  # 每种办法的初始权重和批次都相同
    model = regressor(remedy())
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x_missing, y_train, epochs=1, batch_size=128, verbose=0)
    same = np.array_equal(model.layers[0](x_missing).numpy(), eager)
    print(f"{remedy.__name__:21} fit loss {history.history['loss'][0]:.4f} | "
          f"outputs equal the eager if's: {same}")


# 作为属性的 tf.Variable，以及用 add_weight 创建的同样的状态。
class ShiftVariable(tf.keras.layers.Layer):  # Keras 2 的习惯写法
    def build(self, input_shape):
        self.shift = tf.Variable(tf.zeros(input_shape[-1:]), name="shift")

    def call(self, inputs):
        return inputs + self.shift


class ShiftWeight(tf.keras.layers.Layer):
    def build(self, input_shape):
        self.shift = self.add_weight(shape=input_shape[-1:], initializer="zeros", name="shift")

    def call(self, inputs):
        return inputs + self.shift


print(f"mean target: {y_train.mean():.4f}")
for shift_class in [ShiftVariable, ShiftWeight]:
    tf.keras.utils.set_random_seed(42)
    shift = shift_class()
    model = tf.keras.Sequential([tf.keras.Input(shape=(8,)),
                                 tf.keras.layers.Dense(1, use_bias=False), shift])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=0)
    print(f"{shift_class.__name__}: trainable {[w.path for w in model.trainable_weights]} | "
          f"shift after training {shift.shift.numpy()[0]:.4f} | "
          f"test MSE {model.evaluate(x_test, y_test, verbose=0):.4f} | warnings: {len(caught)}")

# 直接对符号输入施加 TensorFlow 运算会失败；keras.ops（或一个层）可以。
inputs = tf.keras.Input(shape=(8,))
try:
    tf.square(inputs)
except ValueError as error:
    print("tf.square(Input):", type(error).__name__, "|", str(error).split(". ")[0])
features = tf.keras.ops.concatenate([inputs, tf.keras.ops.square(inputs)], axis=-1)
print("keras.ops:", type(features).__name__, features.shape)
hidden = tf.keras.layers.Dense(16, activation="relu")(features)
functional = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(hidden))

# Keras 2 中对函数式模型的符号 add_loss 已经没有了。
try:
    functional.add_loss(1e-3 * tf.keras.ops.mean(tf.keras.ops.abs(hidden)))
except NotImplementedError as error:
    print("model.add_loss(symbolic):", type(error).__name__, "| message:", repr(str(error)))
# 在层的内部对激活值施加惩罚：每次调用都会加上。
hidden_layer = tf.keras.layers.Dense(16, activation="relu",
                                     activity_regularizer=tf.keras.regularizers.L1(1e-3))
regularized = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(hidden_layer(features)))
regularized(x_test[:256])
print("activity_regularizer: model.losses after a call:", len(regularized.losses))


# 同一个组件写两遍：自定义损失函数一页的 log-cosh，用 tf.* 写一遍，用 keras.ops 写一遍。
def log_cosh_tf(y_true, y_pred):  # 只能用于 TensorFlow
    error = tf.abs(y_pred - y_true)
    return tf.reduce_mean(error + tf.math.softplus(-2.0 * error) - tf.math.log(2.0), axis=-1)


def log_cosh_ops(y_true, y_pred):  # 任何一个 Keras 后端都能用
    ops = tf.keras.ops
    error = ops.abs(y_pred - y_true)
    return ops.mean(error + ops.softplus(-2.0 * error) - ops.log(2.0), axis=-1)


targets = np.zeros((4, 1), dtype=np.float32)
guesses = np.array([[0.05], [-0.5], [2.0], [-8.0]], dtype=np.float32)
with_tf, with_ops = log_cosh_tf(targets, guesses), log_cosh_ops(targets, guesses)
print("tf.*     :", [round(float(v), 4) for v in with_tf], type(with_tf).__name__)
print("keras.ops:", [round(float(v), 4) for v in with_ops], type(with_ops).__name__,
      "| backend:", tf.keras.config.backend(), "| bit for bit:",
      np.array_equal(with_tf.numpy(), with_ops.numpy()))
target_input = tf.keras.Input(shape=(1,))
print("on symbolic tensors:", type(log_cosh_ops(target_input, target_input)).__name__, end=" | ")
try:
    log_cosh_tf(target_input, target_input)
except ValueError as error:
    print("tf.*:", type(error).__name__)

# 需要输入的损失：重写 compute_loss；fit 和 evaluate 都会调用它。
keep = np.array([1, 1, 1, 1, 1, 1, 0, 0], dtype=np.float32)  # 把 x6 和 x7 置为 0


class InvariantMLP(tf.keras.Model):
    # 我们对任务的了解：x6 和 x7 无关紧要，所以把它们置为 0 时预测不应改变。
    # 这个惩罚项要用到 x，而只有 compute_loss 能拿到 x。
    def __init__(self, penalty=0.0, **kwargs):
        super().__init__(**kwargs)
        self.penalty = penalty
        self.hidden = tf.keras.layers.Dense(32, activation="relu")
        self.out = tf.keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x, y, y_pred, sample_weight, training=training)
        moved = self(x * keep, training=training) - y_pred
        return loss + self.penalty * tf.reduce_mean(tf.square(moved))


def sensitivity(model, x):  # 把 x6 和 x7 置为 0 时，预测平均改变多少
    return float(tf.reduce_mean(tf.abs(model(x * keep) - model(x))))


for penalty in [0.0, 1.0]:
    tf.keras.utils.set_random_seed(42)
    model = InvariantMLP(penalty)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005), loss="mse")
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=0)
    predictions = model(x_test)
    mse = float(tf.reduce_mean(tf.square(predictions - y_test)))
    by_hand = mse + penalty * float(tf.reduce_mean(tf.square(model(x_test * keep) - predictions)))
    evaluated = model.evaluate(x_test, y_test, batch_size=len(x_test), verbose=0)
    print(f"penalty {penalty}: evaluate {evaluated:.6f} | by hand {by_hand:.6f} | "
          f"test MSE {mse:.4f} | sensitivity to x6, x7 {sensitivity(model, x_test):.4f}")

# 在本书的设置下 jit_compile="auto"：不用 XLA；jit_compile=True 也被拒绝。
print("devices:", [device.device_type for device in tf.config.list_physical_devices()])
for setting in ["auto", True]:
    model = regressor(tf.keras.layers.Identity())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.compile(optimizer="adam", loss="mse", jit_compile=setting)
    print(f"compile(jit_compile={setting!r}) -> model.jit_compile = {model.jit_compile}",
          "| warning:", [str(w.message) for w in caught])

# 从 Keras 的源代码中读出它的规则：model.jit_compile 的 setter、决定 "auto" 取值的函数
# 以及 model_supports_jit 本身，打印其中的注释和对 model_supports_jit 的调用。
rules = inspect.getmodule(tf.keras.Model._resolve_auto_jit_compile)
for function in [tf.keras.Model.jit_compile.fset, tf.keras.Model._resolve_auto_jit_compile,
                 rules.model_supports_jit]:
    lines = [line.strip() for line in inspect.getsource(function).splitlines()[1:]]
    print(function.__name__, [line for line in lines
                              if line.startswith("#") or "model_supports_jit(" in line])
