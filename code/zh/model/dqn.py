# 在 CartPole-v1 上做深度 Q 学习（DQN）：环境来自 Gymnasium，Q 网络用 tf.keras 搭建。
import argparse
import os
import sys
import time
from functools import partial

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # pygame 在屏幕外绘图，不需要显示器
import gymnasium as gym
import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="DQN on CartPole-v1")
parser.add_argument("--episodes", type=int, default=600, help="most training episodes")
parser.add_argument("--seed", type=int, default=1, help="seeds TensorFlow, NumPy and the env")
parser.add_argument("--plain-episodes", type=int, default=100, help="episodes of the plain loop")
# 在 notebook 中，sys.argv 里是内核自己的参数：那里一个也不读。
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.episodes < 1 or args.plain_episodes < 1:
    parser.error("--episodes and --plain-episodes must be at least 1")

GAMMA = 0.99                # 未来奖励的折扣因子
LEARNING_RATE = 1e-3        # Adam 的学习率
HIDDEN_UNITS = 64           # 两个隐藏层的宽度
BATCH_SIZE = 64             # 批大小：每步梯度更新用多少条转移
BUFFER_SIZE = 50_000        # 经验回放缓冲区的容量
WARMUP_STEPS = 1_000        # 第一次更新之前先收集的步数（动作近乎随机）
TARGET_EVERY = 256          # 每隔多少步梯度更新，把权重复制到目标网络一次
EPSILON_START, EPSILON_END, EPSILON_STEPS = 1.0, 0.05, 10_000  # 探索率 epsilon 线性衰减的起止值和步数
EVAL_EVERY = 10             # 每隔多少个回合做一次贪心评估（并打印一行）
EVAL_SEEDS = range(100, 110)  # 训练中评估用的起始状态，据此决定何时停止
TEST_SEEDS = range(200, 205)  # 另一组起始状态，只用于最后的测试
MAX_SCORE = 500             # CartPole-v1 在第 500 步截断回合
PLAIN_EPISODES = args.plain_episodes  # 朴素循环只运行一小段，看看它怎样工作

tf.keras.backend.clear_session()  # 清空 Keras 的状态：层的名字从头编号
tf.keras.utils.set_random_seed(args.seed)
tf.config.experimental.enable_op_determinism()
rng = np.random.default_rng(args.seed)
env = gym.make("CartPole-v1")
env.action_space.seed(args.seed)
n_inputs = int(env.observation_space.shape[0])  # 小车的位置和速度，杆的角度和角速度
n_actions = int(env.action_space.n)             # 向左推或向右推


# Q 网络把一个状态映射为每个动作的估计回报；目标网络是它的副本。
def make_q_network():
    return tf.keras.Sequential([
        tf.keras.Input(shape=(n_inputs,)),
        tf.keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
        tf.keras.layers.Dense(HIDDEN_UNITS, activation="relu"),
        tf.keras.layers.Dense(n_actions),
    ])


q_net = make_q_network()
target_net = make_q_network()
target_net.set_weights(q_net.get_weights())
optimizer = tf.keras.optimizers.Adam(LEARNING_RATE, global_clipnorm=10.0)
optimizer.build(q_net.trainable_variables)  # 在所有 tf.function 之外创建 Adam 的变量
print("Q-network parameters:", q_net.count_params())


# 经验回放缓冲区：一组循环使用的 NumPy 数组，最旧的转移最先被覆盖。
class ReplayBuffer:
    def __init__(self, capacity, rng):
        self.obs = np.zeros((capacity, n_inputs), np.float32)
        self.actions = np.zeros(capacity, np.int32)
        self.rewards = np.zeros(capacity, np.float32)
        self.next_obs = np.zeros((capacity, n_inputs), np.float32)
        self.terminated = np.zeros(capacity, np.float32)
        self.capacity, self.size, self.next_slot, self.rng = capacity, 0, 0, rng

    def add(self, obs, action, reward, next_obs, terminated):
        i = self.next_slot
        self.obs[i], self.actions[i], self.rewards[i] = obs, action, reward
        self.next_obs[i], self.terminated[i] = next_obs, terminated
        self.next_slot = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size, n_batches=None):  # 一个批次，或者堆叠起来的 n_batches 个批次
        shape = batch_size if n_batches is None else (n_batches, batch_size)
        idx = self.rng.integers(0, self.size, size=shape)
        return (self.obs[idx], self.actions[idx], self.rewards[idx],
                self.next_obs[idx], self.terminated[idx])


buffer = ReplayBuffer(BUFFER_SIZE, rng)


# epsilon-贪心探索：在前 10,000 步中，epsilon 从 1 线性降到 0.05。
def epsilon_at(step):
    fraction = min(step / EPSILON_STEPS, 1.0)
    return EPSILON_START + fraction * (EPSILON_END - EPSILON_START)


def epsilon_greedy_action(policy, obs, step, rng, env):  # policy：状态 -> 贪心动作
    if rng.random() < epsilon_at(step):
        return int(env.action_space.sample())
    return policy(obs)


def keras_policy(model):  # 调用一次 Keras 模型，得到贪心动作
    return lambda obs: int(tf.argmax(model(obs[np.newaxis])[0]))


print("epsilon at steps 0, 5000, 10000, 20000:",
      [round(epsilon_at(s), 3) for s in (0, 5_000, 10_000, 20_000)])


# DQN 在一个批次的转移上做一步梯度更新，网络和优化器由参数给出。
def make_update(q_net, target_net, optimizer):
    def update(obs, actions, rewards, next_obs, terminated):
        next_q = tf.reduce_max(target_net(next_obs), axis=1)
        # 除非杆子倒下，否则都要自举：因时间上限被截断（truncated）的转移仍有未来。
        targets = rewards + GAMMA * (1.0 - terminated) * next_q
        with tf.GradientTape() as tape:
            q_taken = tf.gather(q_net(obs), actions, batch_dims=1)
            loss = tf.reduce_mean(tf.square(targets - q_taken))
        grads = tape.gradient(loss, q_net.trainable_variables)
        optimizer.apply_gradients(zip(grads, q_net.trainable_variables))
        if optimizer.iterations % TARGET_EVERY == 0:  # 更新目标网络
            for target_var, var in zip(target_net.variables, q_net.variables):
                target_var.assign(var)
        return loss
    return update


# 贪心评估：不做探索，从固定的起始状态出发，返回每个回合的得分。
eval_env = gym.make("CartPole-v1")


def evaluate(policy, seeds):
    scores = []
    for seed in seeds:
        obs, _ = eval_env.reset(seed=seed)
        score, done = 0, False
        while not done:
            obs, reward, terminated, truncated, _ = eval_env.step(policy(obs))
            score, done = score + int(reward), terminated or truncated
        scores.append(score)
    return np.array(scores)


# 朴素的循环：每个回合的每一步都选动作、存经验，并从回放的一个批次中学习。
def train_plain(q_net, train_step, buffer, env, rng, episodes):
    scores, step, calls = [], 0, {"act": 0, "train": 0}

    def policy(obs):  # 调用一次 Keras 模型得到贪心动作，并计数
        calls["act"] += 1
        return int(tf.argmax(q_net(obs[np.newaxis])[0]))

    for episode in range(1, episodes + 1):
        obs, _ = env.reset(seed=args.seed if episode == 1 else None)
        score, done = 0, False
        while not done:
            action = epsilon_greedy_action(policy, obs, step, rng, env)
            next_obs, reward, terminated, truncated, _ = env.step(action)
            buffer.add(obs, action, reward, next_obs, terminated)
            if step >= WARMUP_STEPS:
                train_step(*buffer.sample(BATCH_SIZE))
                calls["train"] += 1
            obs, score, step = next_obs, score + int(reward), step + 1
            done = terminated or truncated
        scores.append(score)
        if episode % 25 == 0:
            print(f"episode {episode:3d} | mean score of the last 25 {np.mean(scores[-25:]):5.1f}"
                  f" | epsilon {epsilon_at(step):.3f}")
    return step, calls


# 先训练一个单独的智能体（网络、优化器、缓冲区、环境和随机数都是它自己的），
# 用朴素的循环训练一小段，然后做贪心评估。
plain_q, plain_target = make_q_network(), make_q_network()
plain_target.set_weights(plain_q.get_weights())
plain_optimizer = tf.keras.optimizers.Adam(LEARNING_RATE, global_clipnorm=10.0)
plain_optimizer.build(plain_q.trainable_variables)
plain_rng, plain_env = np.random.default_rng(args.seed + 100), gym.make("CartPole-v1")
plain_env.action_space.seed(args.seed + 100)
plain_step = tf.function(make_update(plain_q, plain_target, plain_optimizer))
steps, plain_calls = train_plain(plain_q, plain_step, ReplayBuffer(BUFFER_SIZE, plain_rng),
                             plain_env, plain_rng, episodes=PLAIN_EPISODES)
print(f"greedy evaluation: {evaluate(keras_policy(plain_q), EVAL_SEEDS).mean():.1f}")
print(f"{steps} environment steps: {plain_calls['act']} Keras calls to act (the greedy ones), "
      f"{plain_calls['train']} calls of train_step")


# 更快地选动作：用 NumPy 版的权重计算贪心动作，不必每一步都调用 TensorFlow。
def q_values_numpy(weights, obs):
    hidden = obs
    for kernel, bias in zip(weights[0:-2:2], weights[1:-2:2]):
        hidden = np.maximum(hidden @ kernel + bias, 0.0)
    return hidden @ weights[-2] + weights[-1]


def greedy_action(weights, obs):
    return int(np.argmax(q_values_numpy(weights, obs)))


probe = rng.normal(size=(8, n_inputs)).astype(np.float32)
print("NumPy copy agrees with Keras:",
      np.allclose(q_values_numpy(q_net.get_weights(), probe), q_net(probe).numpy(), atol=1e-5))

# 用本书统一的方法给一个状态计时：强制取回结果后每次调用的挂钟时间，先热身一次，
# 每轮调用 1,000 次，取 5 轮中最快的一轮；处理器时间一并给出。
one_state, weights_now, compiled_q = probe[:1], q_net.get_weights(), tf.function(q_net)
contenders = {"NumPy copy": lambda: q_values_numpy(weights_now, one_state),
              "compiled call": lambda: compiled_q(one_state).numpy()}  # .numpy() 会等它算完
per_call = {}
for name, run in contenders.items():
    run()  # 热身：编译版的调用在这里追踪
    rounds = []
    for _ in range(5):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(1000):
            run()
        rounds.append(((time.perf_counter() - wall) / 1000, (time.process_time() - cpu) / 1000))
    per_call[name] = min(rounds)
    wall_us, processor_us = per_call[name][0] * 1e6, per_call[name][1] * 1e6
    print(f"{name}: {wall_us:.0f} µs per call (processor {processor_us:.0f} µs)")
print("timed on:", "GPU" if tf.config.list_logical_devices("GPU") else "CPU",
      f"({os.cpu_count()} cores), op determinism on")
print("the NumPy copy is faster:", per_call["NumPy copy"][0] < per_call["compiled call"][0])

# 更快地学习：一个回合的所有梯度更新放进一次调用，在计算图中循环。
batch_specs = [tf.TensorSpec([None, None, n_inputs], tf.float32),  # obs
               tf.TensorSpec([None, None], tf.int32),              # actions：动作
               tf.TensorSpec([None, None], tf.float32),            # rewards：奖励
               tf.TensorSpec([None, None, n_inputs], tf.float32),  # next_obs：下一个状态
               tf.TensorSpec([None, None], tf.float32)]            # terminated
update = make_update(q_net, target_net, optimizer)


@tf.function(input_signature=batch_specs)
def train_steps(obs, actions, rewards, next_obs, terminated):
    for i in tf.range(tf.shape(obs)[0]):
        update(obs[i], actions[i], rewards[i], next_obs[i], terminated[i])


# 快速的循环：用 NumPy 版的权重选动作，每个回合结束后，回合走了多少步就训练多少步。
scores, step, calls = [], 0, 0
eval_episodes, eval_scores = [], []
weights = q_net.get_weights()  # 用于选择动作的 NumPy 副本
best_eval, best_weights = -1.0, weights
for episode in range(1, args.episodes + 1):
    obs, _ = env.reset(seed=args.seed if episode == 1 else None)
    score, done = 0, False
    while not done:
        action = epsilon_greedy_action(partial(greedy_action, weights), obs, step, rng, env)
        next_obs, reward, terminated, truncated, _ = env.step(action)
        buffer.add(obs, action, reward, next_obs, terminated)
        obs, score, step = next_obs, score + int(reward), step + 1
        done = terminated or truncated
    scores.append(score)
    if step >= WARMUP_STEPS:
        train_steps(*buffer.sample(BATCH_SIZE, n_batches=score))
        weights, calls = q_net.get_weights(), calls + 1
    if episode % EVAL_EVERY == 0 or episode == args.episodes:
        eval_score = evaluate(partial(greedy_action, weights), EVAL_SEEDS).mean()
        eval_episodes.append(episode)
        eval_scores.append(eval_score)
        recent_mean = np.mean(scores[-10:])
        print(f"episode {episode:3d} | score {score:3d} | mean of last 10 {recent_mean:5.1f}"
              f" | epsilon {epsilon_at(step):.3f} | greedy eval {eval_score:5.1f}")
        if eval_score > best_eval:
            best_eval, best_weights = eval_score, weights
        if eval_score == MAX_SCORE:
            print(f"Greedy policy scores {MAX_SCORE} from all {len(EVAL_SEEDS)} starts:"
                  f" stopping early after {episode} episodes ({step} steps).")
            break
print(f"{step} environment steps: {calls} calls of train_steps, none to act")

# 评估：保留见过的最佳权重，再从新的起始状态测试贪心策略。
weights = best_weights
q_net.set_weights(weights)
test_scores = evaluate(partial(greedy_action, weights), TEST_SEEDS)
print(f"Kept the weights with the best greedy evaluation: {best_eval:.1f}")
print(f"Test episodes (seeds {TEST_SEEDS.start}-{TEST_SEEDS.stop - 1}):", test_scores.tolist())

# 绘制训练得分（含探索）及其滑动平均，以及贪心评估的得分。
window = min(10, len(scores))
moving_avg = np.convolve(scores, np.ones(window) / window, mode="valid")
# 图中的中文标签需要 CJK 字体：装有 Noto Sans CJK 时，用它补上 DejaVu Sans 缺的字形。
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(range(1, len(scores) + 1), scores, lw=0.8, alpha=0.5, label="每回合得分")
ax.plot(range(window, len(scores) + 1), moving_avg, lw=2, label=f"最近 {window} 回合的平均")
ax.plot(eval_episodes, eval_scores, "o", ms=3, label="贪心策略评估")
ax.axhline(MAX_SCORE, color="gray", ls="--", lw=1)
ax.set_xlabel("回合")
ax.set_ylabel("得分（保持平衡的步数）")
ax.legend(loc="upper left")
plt.tight_layout()
plt.show()

# 渲染训练好的智能体平衡杆子的六帧画面，均匀取自一个测试回合。
render_env = gym.make("CartPole-v1", render_mode="rgb_array")
obs, _ = render_env.reset(seed=TEST_SEEDS[0])
show_steps = set(np.linspace(0, test_scores[0], 6).round().astype(int).tolist())
frames, t, done = {}, 0, False
while True:
    if t in show_steps:
        frames[t] = render_env.render()
    if done:
        break
    obs, _, terminated, truncated, _ = render_env.step(greedy_action(weights, obs))
    t, done = t + 1, terminated or truncated
render_env.close()
fig, axes = plt.subplots(2, 3, figsize=(9, 2.9))  # 两行，每行三帧，大到足以看清
for ax in axes.flat[len(frames):]:
    ax.axis("off")
for ax, (t, frame) in zip(axes.flat, frames.items()):
    ax.imshow(frame[160:320])  # 只保留画有小车和杆的那几行
    ax.set_title(f"第 {t} 步", fontsize=9)
    ax.axis("off")
plt.tight_layout()
plt.show()
