# 《深度强化学习》一节练习的参考答案。
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
GAMMA = 0.99  # 正文中的折扣因子

# 练习 1：永远保持平衡的价值，每步奖励为 1：1 + g + g^2 + ...
print(f"1 / (1 - gamma) = {1 / (1 - GAMMA):.2f}")

# 三个转移，奖励都是 1，下一个状态在目标网络看来都价值 100：
# 一个在回合中途，一个是杆子倒下，一个被时间上限截断。
rewards = tf.constant([1.0, 1.0, 1.0])
next_q = tf.constant([100.0, 100.0, 100.0])
terminated = tf.constant([0.0, 1.0, 0.0])
truncated = tf.constant([0.0, 0.0, 1.0])
done = tf.maximum(terminated, truncated)
print("targets, terminated only:", (rewards + GAMMA * (1.0 - terminated) * next_q).numpy())
print("targets, done:           ", (rewards + GAMMA * (1.0 - done) * next_q).numpy())

# 如果把时间上限当作倒下，状态的价值就取决于剩余的步数，
# 而观测值中并没有这个信息。下面是 500 步的回合中第 t 步的价值。
steps_left = 500 - np.array([0, 250, 450, 499])
print("value at steps 0, 250, 450, 499 if the cut were a fall:",
      ((1 - GAMMA**steps_left) / (1 - GAMMA)).round(2))
