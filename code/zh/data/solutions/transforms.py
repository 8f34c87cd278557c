# “变换”一节练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)

# 练习 1：100 个元素，缓冲区为 10，200 个种子。第一个输出和 50 可能落在哪里？
first_outputs, places_of_50 = [], []
for seed in range(200):
    order = list(tf.data.Dataset.range(100).shuffle(10, seed=seed).as_numpy_iterator())
    first_outputs.append(int(order[0]))
    places_of_50.append(order.index(50))
print("first output: from", min(first_outputs), "to", max(first_outputs))
print("position of 50: from", min(places_of_50), "to", max(places_of_50),
      "| position 41 in", places_of_50.count(41), "of 200 runs")

# 练习 2：按类别排序的标签；固定的验证集，类别混合的训练批次。
(_, _), (_, test_labels) = tf.keras.datasets.fashion_mnist.load_data()
sorted_labels = np.sort(test_labels).astype(np.int32)
examples = tf.data.Dataset.from_tensor_slices(sorted_labels).enumerate()  # （序号, 标签）
naive = examples.take(2000)
print("take(2000) before any shuffle, classes:",
      np.unique([label for _, label in naive.as_numpy_iterator()]).tolist())
# 先用固定的顺序打乱一次，再划分，之后只对训练部分每轮重新打乱。
permuted = examples.shuffle(10000, seed=11, reshuffle_each_iteration=False)
validation = permuted.take(2000).batch(500)
training = permuted.skip(2000).shuffle(8000, seed=12).batch(100)


def one_pass(dataset):  # 遍历一次：见到的序号集合，以及每个批次的标签
    batches = [(indices.tolist(), labels) for indices, labels in dataset.as_numpy_iterator()]
    return {i for indices, _ in batches for i in indices}, [labels for _, labels in batches]


held_out, held_out_batches = one_pass(validation)
print("validation per class:", np.bincount(np.concatenate(held_out_batches)).tolist())
print("same validation set on a second pass:", held_out == one_pass(validation)[0])
for epoch in [1, 2]:
    trained_on, label_batches = one_pass(training)
    classes = [len(np.unique(labels)) for labels in label_batches]
    print(f"epoch {epoch}: {len(trained_on)} training examples, {len(trained_on & held_out)}",
          f"in validation too; fewest classes in a batch: {min(classes)};",
          f"first batch starts {label_batches[0][:8].tolist()}")

# 练习 3：由 n、size 和 shift 预测窗口个数，再实际数一数。
lines = ["静夜思", "床前明月光，疑是地上霜。", "两个黄鹂鸣翠柳，一行白鹭上青天。",
         "床前明月光，疑是地上霜。举头望明月，低头思故乡。"]
codes = [tf.strings.unicode_decode(line, "UTF-8") for line in lines]
print("characters:", [len(points) for points in codes])
for size, shift in [(5, 2), (4, 3), (8, 3)]:
    predicted = [(len(points) - size) // shift + 1 for points in codes]
    counted = [tf.data.Dataset.from_tensor_slices(points)
               .window(size, shift, drop_remainder=True)
               .reduce(0, lambda count, _: count + 1).numpy().item() for points in codes]
    print(f"size {size}, shift {shift}: predicted {predicted}, counted {counted}")
# stride：一个窗口内的元素相隔 6 个，即上下两句中位置相同的字。
couplet = tf.data.Dataset.from_tensor_slices(codes[1])
strided = couplet.window(2, shift=1, stride=6, drop_remainder=True)
print(strided.cardinality().numpy(), "windows:",
      [tf.strings.unicode_encode(list(window.as_numpy_iterator()), "UTF-8").numpy().decode()
       for window in strided])
