# 自定义 fit()：自己写 train_step 和 test_step，回调、验证和评估指标照常工作。
import argparse
import sys

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="A custom train_step and test_step on Fashion-MNIST.")
parser.add_argument("--train-images", type=int, default=10000)
parser.add_argument("--epochs", type=int, default=3)
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 10 <= args.train_images <= 60000:
    parser.error("--train-images must be between 10 and 60000")

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 展平的图像：训练集取一部分，测试集用全部。
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:args.train_images].reshape(-1, 784).astype(np.float32) / 255.0
train_y = train_y[:args.train_images].astype(np.int32)
test_x, test_y = test_x.reshape(-1, 784).astype(np.float32) / 255.0, test_y.astype(np.int32)


class MLP(tf.keras.Model):  # 第 2 章的多层感知机，用 Keras 自带的 train_step
    def __init__(self, **options):
        super().__init__(**options)
        self.hidden = tf.keras.layers.Dense(100, activation="relu")
        self.logits = tf.keras.layers.Dense(10)

    def call(self, inputs):
        return self.logits(self.hidden(inputs))


class OurStepMLP(MLP):  # 同样的模型；fit() 现在对每个批次运行我们的 train_step
    def __init__(self, **options):
        super().__init__(**options)
        self.loss_tracker = tf.keras.metrics.Mean(name="loss")  # 我们自己的：本轮损失的平均值

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        results = self.compute_metrics(x, y, y_pred)  # 更新 compile() 的评估指标
        return {**results, "loss": self.loss_tracker.result()}  # 报告我们的损失，而不是 compile() 的

    def test_step(self, data):  # 供 evaluate() 和 fit() 的验证使用
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(self.compute_loss(x=x, y=y, y_pred=y_pred, training=False))
        results = self.compute_metrics(x, y, y_pred)
        return {**results, "loss": self.loss_tracker.result()}


def fit_new(model_class, **fit_options):  # 新建一个模型，编译后用 fit() 训练
    tf.keras.utils.set_random_seed(42)  # 每个模型的初始权重和批次都相同
    model = model_class()
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    history = model.fit(train_x, train_y, epochs=args.epochs, batch_size=100,
                        validation_split=0.1, verbose=0, **fit_options)
    return model, history


def show_logs(epoch, logs):  # fit() 在每一轮结束时调用
    values = ", ".join(f"{name} {value:.4f}" for name, value in sorted(logs.items()))
    print(f"epoch {epoch + 1}: {values}")


show = tf.keras.callbacks.LambdaCallback(on_epoch_end=show_logs)
ours, _ = fit_new(OurStepMLP, callbacks=[show])
print("metrics:", [metric.name for metric in ours.metrics])
builtin, _ = fit_new(MLP)
print("same weights as Keras's train_step:",
      all(np.array_equal(a, b) for a, b in zip(ours.get_weights(), builtin.get_weights())))


class ClippedMLP(OurStepMLP):  # 按全局范数裁剪梯度，并报告这个范数
    def __init__(self, clip_norm=2.0, **options):
        super().__init__(**options)
        self.clip_norm = clip_norm
        self.grad_norm = tf.keras.metrics.Mean(name="grad_norm")  # 裁剪前范数的平均值
        self.clipped = tf.keras.metrics.Mean(name="clipped")  # 被裁剪的步数所占的比例

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, training=True)
        gradients = tape.gradient(loss, self.trainable_variables)
        gradients, norm = tf.clip_by_global_norm(gradients, self.clip_norm)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.grad_norm.update_state(norm)
        self.clipped.update_state(tf.cast(norm > self.clip_norm, tf.float32))
        self.loss_tracker.update_state(loss)
        results = self.compute_metrics(x, y, y_pred)
        return {**results, "loss": self.loss_tracker.result()}

    def test_step(self, data):  # 即 OurStepMLP 的 test_step，去掉梯度的两个指标
        results = super().test_step(data)
        return {"loss": results["loss"], "accuracy": results["accuracy"]}  # 这里没有梯度


clipped, history = fit_new(ClippedMLP)
print("history keys:", sorted(history.history))
for name in ["grad_norm", "loss", "val_loss", "val_accuracy"]:
    print(f"{name:>12}:", " ".join(f"{value:.4f}" for value in history.history[name]))

# 裁剪起作用的频率：每一轮中被裁剪的步数所占的比例（默认每轮 90 步）。
print("fraction of steps clipped:",
      " ".join(f"{value:.4f}" for value in history.history["clipped"]))

results = clipped.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in results.items()})
print("Keras's train_step, for comparison:",
      {name: round(value, 4) for name, value in
       builtin.evaluate(test_x, test_y, batch_size=1000, verbose=0, return_dict=True).items()})
