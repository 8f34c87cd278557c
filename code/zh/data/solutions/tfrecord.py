# 《TFRecord 与 tf.train.Example》一节练习的参考答案。
import os
import tempfile

import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
folder = tempfile.TemporaryDirectory()  # 参考答案结束时删除
(train_images, train_labels), _ = tf.keras.datasets.fashion_mnist.load_data()
images, labels = train_images[:2000], train_labels[:2000]


def as_bytes(index):  # 像素拼成一个字节串，与正文相同
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[images[index].tobytes()]))


def serialized(index, image_feature):  # 按正文的方式构造 Example，返回序列化后的字节串
    feature = {
        "image": image_feature,
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[labels[index]])),
        "index": tf.train.Feature(int64_list=tf.train.Int64List(value=[index])),
    }
    example = tf.train.Example(features=tf.train.Features(feature=feature))
    return example.SerializeToString(deterministic=True)


# 练习 1：先由每条记录推算 0 号分片的大小，再实际写出来量一量
sizes = np.array([len(serialized(i, as_bytes(i))) for i in range(500)])
values, counts = np.unique(sizes, return_counts=True)
print("Example sizes:", dict(zip(values.tolist(), counts.tolist())))
print("predicted shard size:", f"{sizes.sum() + 16 * len(sizes):,} bytes")
path = os.path.join(folder.name, "shard0.tfrecord")
with tf.io.TFRecordWriter(path) as writer:
    for i in range(500):
        writer.write(serialized(i, as_bytes(i)))
print("written:", f"{os.path.getsize(path):,} bytes")

# 练习 2：亲手计算那条小记录的长度和数据的掩码 CRC32C
def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):  # 按位反转的 Castagnoli 多项式
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):  # 循环右移 15 位，再加一个常数（见 tsl/lib/hash/crc32c.h）
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


tiny = os.path.join(folder.name, "tiny.tfrecord")
with tf.io.TFRecordWriter(tiny) as writer:
    writer.write(b"tensor")
raw = open(tiny, "rb").read()
for name, covered, stored in [("length", raw[:8], raw[8:12]), ("data", raw[12:18], raw[18:])]:
    computed = masked(crc32c(covered)).to_bytes(4, "little")
    print(f"{name}: stored {stored.hex(' ')} | computed {computed.hex(' ')}")
print("crc32c(b'123456789'):", hex(crc32c(b"123456789")))  # 标准校验值是 0xe3069283

# 练习 3：像素存成 [0, 1] 中的浮点数，不压缩和 GZIP 压缩各写一份
def as_floats(index):
    scaled = images[index].ravel().astype(np.float32) / 255.0
    return tf.train.Feature(float_list=tf.train.FloatList(value=scaled))


written = {}
for name, make in [("bytes_list", as_bytes), ("float_list", as_floats)]:
    for compression in ["plain", "GZIP"]:
        path = os.path.join(folder.name, f"{name}-{compression}.tfrecord")
        options = "GZIP" if compression == "GZIP" else None
        with tf.io.TFRecordWriter(path, options) as writer:
            for i in range(len(images)):
                writer.write(serialized(i, make(i)))
        written[name, compression] = os.path.getsize(path)
        print(f"{name}, {compression}: {written[name, compression]:,} bytes")
for compression in ["plain", "GZIP"]:
    ratio = written["float_list", compression] / written["bytes_list", compression]
    print(f"float_list / bytes_list, {compression}: {ratio:.2f}x")

folder.cleanup()
