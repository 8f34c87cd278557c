# Solutions to the exercises of "From layers to models".
import argparse
import sys

import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="Solutions: loss weights and shared layers.")
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--train-images", type=int, default=10000)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.epochs < 1:
    parser.error("--epochs must be at least 1")
if not 1 <= args.train_images <= 60000:
    parser.error("--train-images must be between 1 and 60000")

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()

# The page's data: the image subset and the made-up shop (same seeds, same numbers).
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.fashion_mnist.load_data()
train_x = train_x[:args.train_images].astype(np.float32) / 255.0
train_y = train_y[:args.train_images].astype(np.int32)
test_x = test_x.astype(np.float32) / 255.0
test_y = test_y.astype(np.int32)
BASE_PRICE = np.array([15, 40, 35, 50, 90, 30, 30, 60, 70, 80], dtype=np.float32)


def shop_data(labels, seed):
    rng = np.random.default_rng(seed)
    tabular = rng.normal(size=(len(labels), 4)).astype(np.float32)
    price = (BASE_PRICE[labels] * np.exp(0.3 * tabular[:, 0]) + 5.0 * tabular[:, 1]
             + rng.normal(scale=2.0, size=len(labels)))
    return tabular, (price / 100.0).astype(np.float32)


train_tabular, train_price = shop_data(train_y, seed=1)
test_tabular, test_price = shop_data(test_y, seed=2)


# The page's model as a function; shared=False gives each residual step a layer of its own.
def build_shop(shared=True):
    tf.keras.utils.set_random_seed(42)
    image = tf.keras.Input(shape=(28, 28), name="image")
    tabular = tf.keras.Input(shape=(4,), name="tabular")
    x = tf.keras.layers.Flatten(name="flatten")(image)
    image_features = tf.keras.layers.Dense(64, activation="relu", name="image_features")(x)
    tabular_features = tf.keras.layers.Dense(16, activation="relu",
                                             name="tabular_features")(tabular)
    h = tf.keras.layers.Concatenate(name="concatenate")([image_features, tabular_features])
    h = tf.keras.layers.Dense(64, activation="relu", name="trunk")(h)
    block = tf.keras.layers.Dense(64, activation="relu", name="shared_block")
    h = tf.keras.layers.Add(name="residual_1")([h, block(h)])
    if not shared:
        block = tf.keras.layers.Dense(64, activation="relu", name="second_block")
    h = tf.keras.layers.Add(name="residual_2")([h, block(h)])
    class_logits = tf.keras.layers.Dense(10, name="class")(h)
    price = tf.keras.layers.Dense(1, name="price")(h)
    return tf.keras.Model(inputs=[image, tabular], outputs=[class_logits, price], name="shop")


# Exercise 1: the same training with the price loss weighted 1 instead of 10.
shop = build_shop()
shop.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
             loss={"class": tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                   "price": tf.keras.losses.MeanSquaredError()},
             loss_weights={"class": 1.0, "price": 1.0},
             metrics={"class": ["accuracy"], "price": ["mae"]})
shop.fit({"image": train_x, "tabular": train_tabular}, {"class": train_y, "price": train_price},
         epochs=args.epochs, batch_size=64, verbose=0)
results = shop.evaluate({"image": test_x, "tabular": test_tabular},
                        {"class": test_y, "price": test_price},
                        batch_size=1000, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in results.items()})

# Exercise 2: one shared layer against two separate ones.
for shared in (True, False):
    model = build_shop(shared)
    print(f"shared={shared!s:5}: {len(model.layers)} layers, {model.count_params():,} parameters")

# What does .output of a layer called twice return? Compare with trunk + block(trunk).
names = ["trunk", "shared_block", "residual_1"]
probe = tf.keras.Model(inputs=shop.inputs, outputs=[shop.get_layer(n).output for n in names])
trunk, block_output, residual_1 = probe({"image": test_x[:5], "tabular": test_tabular[:5]})
print("shared_block.output is its first call:", np.allclose(trunk + block_output, residual_1))


# Exercise 3: two photos, one shared encoder; how the two encodings are joined decides whether
# the score depends on the order of the photos.
def build_comparer(join):
    tf.keras.utils.set_random_seed(42)
    encoder = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                                   tf.keras.layers.Dense(64, activation="relu")], name="encoder")
    first = tf.keras.Input(shape=(28, 28), name="first")
    second = tf.keras.Input(shape=(28, 28), name="second")
    a, b = encoder(first), encoder(second)  # one encoder called twice: the same weights
    joined = join()([a, b])
    same_kind = tf.keras.layers.Dense(1, name="same_kind")(joined)  # a logit: > 0 for "same"
    return tf.keras.Model(inputs=[first, second], outputs=same_kind)


for name, join in [("Concatenate", tf.keras.layers.Concatenate),
                   ("Multiply", tf.keras.layers.Multiply)]:  # a * b, element by element
    comparer = build_comparer(join)
    forward = comparer({"first": test_x[:5], "second": test_x[5:10]}).numpy()
    swapped = comparer({"first": test_x[5:10], "second": test_x[:5]}).numpy()
    change = np.abs(forward - swapped).max()
    print(f"{name:11s}: {comparer.count_params():,} parameters | same score when the photos swap: "
          f"{np.array_equal(forward, swapped)} (largest change {change:.2f})")
