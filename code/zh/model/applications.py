# 用 tf.data 输入流水线为预定义架构（MobileNetV2）提供数据。
import argparse
import os
import sys

import tensorflow as tf
import tensorflow_datasets as tfds

# tf_flowers 只需下载一次（约 220 MB）；本书自己运行时不联网
# （构建工具会设置 BOOK_OFFLINE=1），改用 Fashion-MNIST，走的是同一条流水线。
offline = os.environ.get("BOOK_OFFLINE") == "1"
parser = argparse.ArgumentParser(description="MobileNetV2 on tf_flowers or Fashion-MNIST.")
parser.add_argument("--dataset", choices=["tf_flowers", "fashion_mnist"],
                    default="fashion_mnist" if offline else "tf_flowers")
parser.add_argument("--steps", type=int, default=30)
parser.add_argument("--image-size", type=int, default=96)
# 在 notebook 中，sys.argv 里是内核自己的参数：那里一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.steps < 1 or args.image_size < 32:
    parser.error("--steps must be at least 1, --image-size at least 32 "
                 "(the smallest input MobileNetV2 accepts)")
tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(42)
tf.config.experimental.enable_op_determinism()


# 两个数据集都是 (image, label) 对：任意尺寸的 uint8 图像，整数标签。
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


# 每张图像：缩放尺寸，转成三通道，数值缩放到 [0, 1]。
def preprocess(image, label):
    image = tf.image.resize(image, [args.image_size, args.image_size])
    if image.shape[-1] == 1:
        image = tf.image.grayscale_to_rgb(image)
    return image / 255.0, label


# 流水线：并行解码和缩放，打乱，分批次，并在模型训练当前批次时
# 预先准备好下一个批次。
pipeline = (dataset
            .shuffle(buffer_size=1000, seed=42)
            .map(preprocess, num_parallel_calls=tf.data.AUTOTUNE)
            .batch(32)
            .prefetch(tf.data.AUTOTUNE))
images, labels = next(iter(pipeline))
print("batch:", images.shape, images.dtype, labels.shape)

# 随机权重的 MobileNetV2（weights=None：无需下载），类别数用我们自己的。
model = tf.keras.applications.MobileNetV2(
    input_shape=(args.image_size, args.image_size, 3), alpha=0.35,
    weights=None, classes=len(class_names), classifier_activation=None)
print("layers:", len(model.layers), "| parameters:", model.count_params())
print("batch normalization layers:",
      sum(isinstance(layer, tf.keras.layers.BatchNormalization) for layer in model.layers))

# 同一个批次分别用推理模式和训练模式计算：批归一化的行为不同。
inference = tf.nn.softmax(model(images, training=False))
training = tf.nn.softmax(model(images, training=True))
print(f"largest difference: {float(tf.reduce_max(tf.abs(inference - training))):.4f}")

# 训练几步：先 compile，再对每个批次调用一次 train_on_batch（一步梯度下降）。
# fit 则按轮反复执行这样的步骤；Keras 训练流程另有一节专门介绍。
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
losses = [model.train_on_batch(images, labels)[0] for images, labels in pipeline.take(args.steps)]
print(f"loss of each step: first {losses[0]:.3f}, last {losses[-1]:.3f}, "
      f"mean of the {args.steps} steps {sum(losses) / len(losses):.3f}")
