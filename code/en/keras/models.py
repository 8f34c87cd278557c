# From layers to models: one classifier built three ways, a model with two inputs and two
# outputs, its graph, and a model that reads the intermediate outputs of a trained one.
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Three ways to build a Keras model, on Fashion-MNIST.")
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--train-images", type=int, default=10000)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 60000:
    parser.error("--train-images must be between 1 and 60000")

tf.keras.backend.clear_session()  # a clean Keras state: layer names start again at "dense"
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# A subset of the training images keeps each run short; the test set is complete.
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


# 1. Sequential: a list of layers, each feeding the next.
tf.keras.utils.set_random_seed(42)  # the same initial weights and batches for all three models
sequential = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10),
], name="sequential")
train_and_test(sequential)

# 2. Functional: call layers on symbolic tensors, then name the inputs and outputs.
tf.keras.utils.set_random_seed(42)
pixels = tf.keras.Input(shape=(28, 28))
flat = tf.keras.layers.Flatten()(pixels)
hidden = tf.keras.layers.Dense(128, activation="relu")(flat)
logits = tf.keras.layers.Dense(10)(hidden)
functional = tf.keras.Model(inputs=pixels, outputs=logits, name="functional")
train_and_test(functional)


# 3. Subclassing: layers in __init__, the computation in call(), any Python allowed.
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

# What Keras can see of a model: a functional one is a graph, a subclassed one is code.
for candidate in (functional, subclassed):
    keys = sorted(candidate.get_config())
    print(f"{candidate.name:10} has inputs: {hasattr(candidate, 'inputs')!s:5} | config: {keys}")

# A made-up shop: each item has a photo, four numbers (two matter, two are noise) and a
# price that depends on the kind of item and on the first two numbers.
BASE_PRICE = np.array([15, 40, 35, 50, 90, 30, 30, 60, 70, 80], dtype=np.float32)  # per class


def shop_data(labels, seed):
    rng = np.random.default_rng(seed)
    tabular = rng.normal(size=(len(labels), 4)).astype(np.float32)
    price = (BASE_PRICE[labels] * np.exp(0.3 * tabular[:, 0]) + 5.0 * tabular[:, 1]
             + rng.normal(scale=2.0, size=len(labels)))
    return tabular, (price / 100.0).astype(np.float32)  # in hundreds of euros


train_tabular, train_price = shop_data(train_y, seed=1)
test_tabular, test_price = shop_data(test_y, seed=2)
print("tabular:", train_tabular.shape, "| price: mean", f"{train_price.mean():.4f}",
      "| std", f"{train_price.std():.4f}")

# Two inputs, two outputs; a shared layer called twice; residual connections (Add).
tf.keras.utils.set_random_seed(42)
image = tf.keras.Input(shape=(28, 28), name="image")
tabular = tf.keras.Input(shape=(4,), name="tabular")
flat_image = tf.keras.layers.Flatten(name="flatten")(image)
image_features = tf.keras.layers.Dense(64, activation="relu", name="image_features")(flat_image)
tabular_features = tf.keras.layers.Dense(16, activation="relu",
                                         name="tabular_features")(tabular)
h = tf.keras.layers.Concatenate(name="concatenate")([image_features, tabular_features])
h = tf.keras.layers.Dense(64, activation="relu", name="trunk")(h)
block = tf.keras.layers.Dense(64, activation="relu", name="shared_block")  # called twice below
h = tf.keras.layers.Add(name="residual_1")([h, block(h)])
h = tf.keras.layers.Add(name="residual_2")([h, block(h)])
class_logits = tf.keras.layers.Dense(10, name="class")(h)
price = tf.keras.layers.Dense(1, name="price")(h)
shop = tf.keras.Model(inputs=[image, tabular], outputs=[class_logits, price], name="shop")
print("outputs:", shop.output_names)
shop.summary(line_length=80)

# Each output has its own loss and metrics, keyed by output name; loss_weights sets the mix.
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
# The noise added to the prices (std 0.02) has a MAE of 0.02 * sqrt(2 / pi): no model beats it.
print(f"price MAE of the noise alone: {0.02 * np.sqrt(2 / np.pi):.4f}")

# Reading a trained model: its layers and their weights.
for layer in shop.layers:
    shapes = [tuple(w.shape) for w in layer.weights]
    print(f"{layer.name:16} {layer.__class__.__name__:12} {shapes}")

# A model that returns intermediate outputs of the trained one: same layers, same weights.
names = ["image_features", "tabular_features", "residual_1", "residual_2", "class"]
extractor = tf.keras.Model(inputs=shop.inputs, outputs=[shop.get_layer(n).output for n in names])
features = extractor({"image": test_x[:5], "tabular": test_tabular[:5]})
for name, value in zip(names, features):
    print(f"{name:16} {value.shape}")
predicted_logits, _ = shop.predict({"image": test_x[:5], "tabular": test_tabular[:5]}, verbose=0)
print("same logits as the trained model:", np.allclose(features[-1], predicted_logits, atol=1e-6))


# The graph, drawn by Keras's plot_model (it needs the pydot package and Graphviz's `dot`
# program): one box per layer, with its class and the shapes it reads and returns.
picture = os.path.join(tempfile.mkdtemp(), "shop.png")
tf.keras.utils.plot_model(shop, to_file=picture, show_shapes=True, show_layer_names=True, dpi=60)
