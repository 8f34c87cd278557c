# A predefined architecture (MobileNetV2) fed by a tf.data input pipeline.
import argparse
import os
import sys

import tensorflow as tf
import tensorflow_datasets as tfds

# tf_flowers is downloaded once (about 220 MB); the book's own runs are offline
# (the harness sets BOOK_OFFLINE=1) and use Fashion-MNIST through the same pipeline.
offline = os.environ.get("BOOK_OFFLINE") == "1"
parser = argparse.ArgumentParser(description="MobileNetV2 on tf_flowers or Fashion-MNIST.")
parser.add_argument("--dataset", choices=["tf_flowers", "fashion_mnist"],
                    default="fashion_mnist" if offline else "tf_flowers")
parser.add_argument("--steps", type=int, default=30)
parser.add_argument("--image-size", type=int, default=96)
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.steps < 1 or args.image_size < 32:
    parser.error("--steps must be at least 1, --image-size at least 32 "
                 "(the smallest input MobileNetV2 accepts)")
tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# Either dataset as (image, label) pairs: uint8 images of any size, integer labels.
def load_images(name):
    if name == "tf_flowers":
        dataset, info = tfds.load(name, split="train", as_supervised=True, with_info=True)
        return dataset, info.features["label"].names
    (images, labels), _ = tf.keras.datasets.fashion_mnist.load_data()
    names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
             "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    return tf.data.Dataset.from_tensor_slices((images[..., None], labels)), names


dataset, class_names = load_images(args.dataset)
print(args.dataset, "classes:", class_names)


# Each image: resized, three channels, scaled to [0, 1].
def preprocess(image, label):
    image = tf.image.resize(image, [args.image_size, args.image_size])
    if image.shape[-1] == 1:
        image = tf.image.grayscale_to_rgb(image)
    return image / 255.0, label


# The pipeline: decode and resize in parallel, shuffle, batch, and prepare the next batch
# while the model trains on the current one.
pipeline = (dataset
            .shuffle(buffer_size=1000, seed=42)
            .map(preprocess, num_parallel_calls=tf.data.AUTOTUNE)
            .batch(32)
            .prefetch(tf.data.AUTOTUNE))
images, labels = next(iter(pipeline))
print("batch:", images.shape, images.dtype, labels.shape)

# MobileNetV2 with random weights (weights=None: nothing to download), our number of classes.
model = tf.keras.applications.MobileNetV2(
    input_shape=(args.image_size, args.image_size, 3), alpha=0.35,
    weights=None, classes=len(class_names), classifier_activation=None)
print("layers:", len(model.layers), "| parameters:", model.count_params())
print("batch normalization layers:",
      sum(isinstance(layer, tf.keras.layers.BatchNormalization) for layer in model.layers))

# The same batch in inference mode and in training mode: batch normalization differs.
inference = tf.nn.softmax(model(images, training=False))
training = tf.nn.softmax(model(images, training=True))
print(f"largest difference: {float(tf.reduce_max(tf.abs(inference - training))):.4f}")

# A few training steps: compile, then one train_on_batch call (one gradient step) per batch.
# fit runs such steps over whole epochs; the Keras pipeline has its own section.
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
losses = [model.train_on_batch(images, labels)[0] for images, labels in pipeline.take(args.steps)]
print(f"loss of each step: first {losses[0]:.3f}, last {losses[-1]:.3f}, "
      f"mean of the {args.steps} steps {sum(losses) / len(losses):.3f}")
