# 从层到模型：用三种方式搭建同一个分类器；一个两输入、两输出的模型及其结构图；
# 以及一个读取训练好的模型中间输出的模型。
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Three ways to build a Keras model, on Fashion-MNIST.")
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--train-images", type=int, default=10000)
# 在 notebook 中，sys.argv 里是内核自己的参数：一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 60000:
    parser.error("--train-images must be between 1 and 60000")

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字重新从 "dense" 开始编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# 只用训练集的一部分，让每次训练都很快；测试集完整保留。
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:args.train_images].astype(np.float32) / 255.0
train_y = train_y[:args.train_images].astype(np.int32)
test_x = test_x.astype(np.float32) / 255.0
test_y = test_y.astype(np.int32)
print("train:", train_x.shape, "| test:", test_x.shape)


def train_and_test(model):
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(train_x, train_y, epochs=args.epochs, batch_size=64, verbose=0)
    loss, accuracy = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
    print(f"{model.name:10} {model.count_params():,} parameters | test loss {loss:.4f} | "
          f"test accuracy {accuracy:.4f}")


# 1. 顺序模型：一个层的列表，每层的输出送给下一层。
tf.keras.utils.set_random_seed(42)  # 三个模型的初始权重和批次完全相同
sequential = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
], name="sequential")
train_and_test(sequential)

# 2. 函数式 API：在符号张量上调用各层，再指明输入和输出。
tf.keras.utils.set_random_seed(42)
pixels = tf.keras.Input(shape=(28, 28))
flat = tf.keras.layers.Flatten()(pixels)
hidden = tf.keras.layers.Dense(128, activation="relu")(flat)
logits = tf.keras.layers.Dense(10)(hidden)
functional = tf.keras.Model(inputs=pixels, outputs=logits, name="functional")
train_and_test(functional)


# 3. 子类化：在 __init__ 中创建层，在 call() 中写计算，可以用任意 Python 代码。
class Classifier(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.flatten = tf.keras.layers.Flatten()
        self.hidden = tf.keras.layers.Dense(128, activation="relu")
        self.logits = tf.keras.layers.Dense(10)

    def call(self, inputs):
        return self.logits(self.hidden(self.flatten(inputs)))


tf.keras.utils.set_random_seed(42)
subclassed = Classifier(name="subclassed")
train_and_test(subclassed)

# Keras 能看到模型的什么：函数式模型是一张图，子类化模型只是一段代码。
for candidate in (functional, subclassed):
    keys = sorted(candidate.get_config())
    print(f"{candidate.name:10} has inputs: {hasattr(candidate, 'inputs')!s:5} | config: {keys}")

# 一家虚构的商店：每件商品有一张照片、四个数（两个有用，两个是噪声）和一个价格，
# 价格取决于商品的种类和前两个数。
BASE_PRICE = np.array([15, 40, 35, 50, 90, 30, 30, 60, 70, 80], dtype=np.float32)  # 每个类别的基础价格


def shop_data(labels, seed):
    rng = np.random.default_rng(seed)
    tabular = rng.normal(size=(len(labels), 4)).astype(np.float32)
    price = (BASE_PRICE[labels] * np.exp(0.3 * tabular[:, 0]) + 5.0 * tabular[:, 1]
             + rng.normal(scale=2.0, size=len(labels)))
    return tabular, (price / 100.0).astype(np.float32)  # 以百欧元为单位


train_tabular, train_price = shop_data(train_y, seed=1)
test_tabular, test_price = shop_data(test_y, seed=2)
print("tabular:", train_tabular.shape, "| price: mean", f"{train_price.mean():.4f}",
      "| std", f"{train_price.std():.4f}")

# 两个输入、两个输出；一个被调用两次的共享层；残差连接（Add）。
tf.keras.utils.set_random_seed(42)
image = tf.keras.Input(shape=(28, 28), name="image")
tabular = tf.keras.Input(shape=(4,), name="tabular")
flat_image = tf.keras.layers.Flatten(name="flatten")(image)
image_features = tf.keras.layers.Dense(64, activation="relu", name="image_features")(flat_image)
tabular_features = tf.keras.layers.Dense(16, activation="relu",
                                         name="tabular_features")(tabular)
h = tf.keras.layers.Concatenate(name="concatenate")([image_features, tabular_features])
h = tf.keras.layers.Dense(64, activation="relu", name="trunk")(h)
block = tf.keras.layers.Dense(64, activation="relu", name="shared_block")  # 下面调用了两次
h = tf.keras.layers.Add(name="residual_1")([h, block(h)])
h = tf.keras.layers.Add(name="residual_2")([h, block(h)])
class_logits = tf.keras.layers.Dense(10, name="class")(h)
price = tf.keras.layers.Dense(1, name="price")(h)
shop = tf.keras.Model(inputs=[image, tabular], outputs=[class_logits, price], name="shop")
print("outputs:", shop.output_names)
shop.summary(line_length=80)

# 每个输出有自己的损失函数和评估指标，以输出的名字为键；loss_weights 决定各项损失的比重。
shop.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
             loss={"class": tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   "price": tf.keras.losses.MeanSquaredError()},
             loss_weights={"class": 1.0, "price": 10.0},
             metrics={"class": ["accuracy"], "price": ["mae"]})
shop.fit({"image": train_x, "tabular": train_tabular}, {"class": train_y, "price": train_price},
         epochs=args.epochs, batch_size=64, verbose=0)
results = shop.evaluate({"image": test_x, "tabular": test_tabular},
                        {"class": test_y, "price": test_price},
                        batch_size=1000, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in results.items()})
guess_mae = np.abs(test_price - train_price.mean()).mean()
print(f"price MAE of always guessing the mean: {guess_mae:.4f}")
# 价格中的噪声（标准差 0.02）的 MAE 为 0.02 * sqrt(2 / pi)：任何模型都低不过它。
print(f"price MAE of the noise alone: {0.02 * np.sqrt(2 / np.pi):.4f}")

# 查看训练好的模型：它的层和各层的权重。
for layer in shop.layers:
    shapes = [tuple(w.shape) for w in layer.weights]
    print(f"{layer.name:16} {layer.__class__.__name__:12} {shapes}")

# 一个返回训练好的模型中间输出的新模型：同样的层，同样的权重。
names = ["image_features", "tabular_features", "residual_1", "residual_2", "class"]
extractor = tf.keras.Model(inputs=shop.inputs, outputs=[shop.get_layer(n).output for n in names])
features = extractor({"image": test_x[:5], "tabular": test_tabular[:5]})
for name, value in zip(names, features):
    print(f"{name:16} {value.shape}")
predicted_logits, _ = shop.predict({"image": test_x[:5], "tabular": test_tabular[:5]}, verbose=0)
print("same logits as the trained model:", np.allclose(features[-1], predicted_logits, atol=1e-6))


# 用 Keras 的 plot_model 画出计算图（需要 pydot 包和 Graphviz 的 `dot` 程序）：
# 每层一个方框，标出层的类型以及它读入和输出的形状。
picture = os.path.join(tempfile.mkdtemp(), "shop.png")
tf.keras.utils.plot_model(shop, to_file=picture, show_shapes=True, show_layer_names=True, dpi=60)
