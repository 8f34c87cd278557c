# 《保存与加载》一节练习的参考答案。
import os
import shutil
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x, train_y = train_x[:10000].astype(np.float32) / 255.0, train_y[:10000].astype(np.int32)
test_x, test_y = test_x.astype(np.float32) / 255.0, test_y.astype(np.int32)
folder = tempfile.mkdtemp()


def short(error):  # 异常的类型及其消息的第一句，去掉其中的目录路径
    message = str(error).replace(folder + os.sep, "").split(". ")[0]
    return f"{type(error).__name__}: {message.rstrip('.')}."


# 练习 1 第一部分：有 get_config()、但没有装饰器的子类化模型。
class PlainClassifier(tf.keras.Model):
    def __init__(self, hidden_units=100, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.flatten = tf.keras.layers.Flatten()
        self.hidden = tf.keras.layers.Dense(hidden_units, activation="relu")
        self.logits = tf.keras.layers.Dense(10)

    def call(self, inputs):
        return self.logits(self.hidden(self.flatten(inputs)))

    def get_config(self):
        return {**super().get_config(), "hidden_units": self.hidden_units}


plain = PlainClassifier(hidden_units=64)
outputs = plain(test_x[:1000]).numpy()  # 第一次调用时构建模型
plain.save(os.path.join(folder, "plain.keras"))
try:
    tf.keras.models.load_model(os.path.join(folder, "plain.keras"))
except TypeError as error:
    print(short(error))
loaded = tf.keras.models.load_model(os.path.join(folder, "plain.keras"),
                                    custom_objects={"PlainClassifier": PlainClassifier})
print("with custom_objects:", loaded.hidden_units,
      np.array_equal(outputs, loaded(test_x[:1000]).numpy()))


# 练习 1 第二部分：注册了，但没有 get_config()：配置由 Keras 自己推测。
@tf.keras.utils.register_keras_serializable(package="book")
class ForgetfulClassifier(tf.keras.Model):
    def __init__(self, hidden_units=100, **kwargs):
        super().__init__(**kwargs)
        self.flatten = tf.keras.layers.Flatten()
        self.hidden = tf.keras.layers.Dense(hidden_units, activation="relu")
        self.logits = tf.keras.layers.Dense(10)

    def call(self, inputs):
        return self.logits(self.hidden(self.flatten(inputs)))


forgetful = ForgetfulClassifier(hidden_units=64)
forgetful(test_x[:1000])
print("built with 64 hidden units; the config says:", forgetful.get_config()["hidden_units"])
forgetful.save(os.path.join(folder, "forgetful.keras"))
try:
    tf.keras.models.load_model(os.path.join(folder, "forgetful.keras"))
except ValueError as error:
    print(short(error))

# 练习 2：客户端发来原始的 uint8 像素，只用 SavedModel 为它搭一个模型。
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(100, activation="relu"),
    tf.keras.layers.Dense(10),
])
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_x, train_y, epochs=1, batch_size=100, verbose=0)
tf.get_logger().setLevel("ERROR")  # 不打印 "Assets written to" 这条消息
model.export(os.path.join(folder, "mlp_export"), verbose=False)

served = tf.keras.layers.TFSMLayer(os.path.join(folder, "mlp_export"), call_endpoint="serve")
pixels = tf.keras.Input(shape=(28, 28), dtype="uint8")  # 客户端发来的数据：uint8，0 到 255
scaled = tf.keras.layers.Rescaling(1 / 255)(pixels)  # 与多层感知机训练时相同的缩放
probabilities = tf.keras.layers.Softmax()(served(scaled))
wrapper = tf.keras.Model(pixels, probabilities)
print("trainable weights of the wrapper:", len(wrapper.trainable_weights),
      "| non-trainable:", len(wrapper.non_trainable_weights))
_, (raw_test_x, _) = tf.keras.datasets.fashion_mnist.load_data()  # 客户端手里的图像
p = wrapper(raw_test_x[:1000]).numpy()
print("rows sum to 1:", bool(np.allclose(p.sum(axis=1), 1.0, atol=1e-5)))
print("same classes as the Keras model:",
      np.array_equal(p.argmax(axis=1), model(test_x[:1000]).numpy().argmax(axis=1)))
print(f"accuracy on the first 1,000 test images: {np.mean(p.argmax(axis=1) == test_y[:1000]):.4f}")
wrapper.export(os.path.join(folder, "client_export"), verbose=False)
client = tf.saved_model.load(os.path.join(folder, "client_export"))
# 导出的签名：客户端要发送的数据类型和形状。
(spec,) = client.signatures["serving_default"].structured_input_signature[1].values()
print("the export takes", spec.dtype.name, "images of shape", tuple(spec.shape),
      "| same probabilities:", np.allclose(client.serve(raw_test_x[:1000]).numpy(), p, atol=1e-6))
shutil.rmtree(folder)  # mkdtemp() 建立的目录不会自动删除
