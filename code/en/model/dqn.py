# Deep Q-learning (DQN) on CartPole-v1: Gymnasium environment, tf.keras Q-network.
import argparse
import os
import sys
import time
from functools import partial

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # pygame draws off-screen: no display needed
import gymnasium as gym
import matplotlib.pyplot as plt
from matplotlib import font_manager
import numpy as np
import tensorflow as tf

parser = argparse.ArgumentParser(description="DQN on CartPole-v1")
parser.add_argument("--episodes", type=int, default=600, help="most training episodes")
parser.add_argument("--seed", type=int, default=1, help="seeds TensorFlow, NumPy and the env")
parser.add_argument("--plain-episodes", type=int, default=100, help="episodes of the plain loop")
# In a notebook the kernel's own arguments are in sys.argv: read none of them there.
args = parser.parse_args([] if "ipykernel" in sys.modules else None)
if args.episodes < 1 or args.plain_episodes < 1:
    parser.error("--episodes and --plain-episodes must be at least 1")

GAMMA = 0.99                # discount factor for future rewards
LEARNING_RATE = 1e-3        # Adam step size
HIDDEN_UNITS = 64           # width of the two hidden layers
BATCH_SIZE = 64             # transitions per gradient step
BUFFER_SIZE = 50_000        # capacity of the replay buffer
WARMUP_STEPS = 1_000        # random-ish steps collected before the first update
TARGET_EVERY = 256          # gradient steps between copies into the target network
EPSILON_START, EPSILON_END, EPSILON_STEPS = 1.0, 0.05, 10_000  # exploration schedule
EVAL_EVERY = 10             # episodes between greedy evaluations (and printed lines)
EVAL_SEEDS = range(100, 110)  # starts used during training to decide when to stop
TEST_SEEDS = range(200, 205)  # different starts, used only for the final report
MAX_SCORE = 500             # CartPole-v1 truncates an episode after 500 steps
PLAIN_EPISODES = args.plain_episodes  # the plain loop is run briefly, to watch it work

tf.keras.backend.clear_session()  # a clean Keras state: fresh layer names
tf.keras.utils.set_random_seed(args.seed)
tf.config.experimental.enable_op_determinism()
rng = np.random.default_rng(args.seed)
env = gym.make("CartPole-v1")
env.action_space.seed(args.seed)
n_inputs = int(env.observation_space.shape[0])  # cart position/velocity, pole angle/velocity
n_actions = int(env.action_space.n)             # push left or push right


# The Q-network maps a state to one estimated return per action; the target network is a copy.
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
optimizer.build(q_net.trainable_variables)  # create Adam's variables outside any tf.function
print("Q-network parameters:", q_net.count_params())


# The replay buffer: a ring of NumPy arrays; the oldest transitions are overwritten first.
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

    def sample(self, batch_size, n_batches=None):  # one batch, or n_batches stacked
        shape = batch_size if n_batches is None else (n_batches, batch_size)
        idx = self.rng.integers(0, self.size, size=shape)
        return (self.obs[idx], self.actions[idx], self.rewards[idx],
                self.next_obs[idx], self.terminated[idx])


buffer = ReplayBuffer(BUFFER_SIZE, rng)


# Epsilon-greedy exploration: epsilon falls linearly from 1 to 0.05 over the first 10,000 steps.
def epsilon_at(step):
    fraction = min(step / EPSILON_STEPS, 1.0)
    return EPSILON_START + fraction * (EPSILON_END - EPSILON_START)


def epsilon_greedy_action(policy, obs, step, rng, env):  # policy: state -> greedy action
    if rng.random() < epsilon_at(step):
        return int(env.action_space.sample())
    return policy(obs)


def keras_policy(model):  # the greedy action from one call of the Keras model
    return lambda obs: int(tf.argmax(model(obs[np.newaxis])[0]))


print("epsilon at steps 0, 5000, 10000, 20000:",
      [round(epsilon_at(s), 3) for s in (0, 5_000, 10_000, 20_000)])


# One gradient step of DQN on one batch of transitions, for a given pair of networks.
def make_update(q_net, target_net, optimizer):
    def update(obs, actions, rewards, next_obs, terminated):
        next_q = tf.reduce_max(target_net(next_obs), axis=1)
        # Bootstrap unless the pole fell: a time-limit cut (truncated) still has a future.
        targets = rewards + GAMMA * (1.0 - terminated) * next_q
        with tf.GradientTape() as tape:
            q_taken = tf.gather(q_net(obs), actions, batch_dims=1)
            loss = tf.reduce_mean(tf.square(targets - q_taken))
        grads = tape.gradient(loss, q_net.trainable_variables)
        optimizer.apply_gradients(zip(grads, q_net.trainable_variables))
        if optimizer.iterations % TARGET_EVERY == 0:  # refresh the target network
            for target_var, var in zip(target_net.variables, q_net.variables):
                target_var.assign(var)
        return loss
    return update


# Greedy evaluation: no exploration, fixed start states, returns the score of each episode.
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


# The plain loop: act, store, learn from one replayed batch, at every step of every episode.
def train_plain(q_net, train_step, buffer, env, rng, episodes):
    scores, step, calls = [], 0, {"act": 0, "train": 0}

    def policy(obs):  # the greedy action from one call of the Keras model, counted
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


# A first agent of its own (networks, optimizer, buffer, environment, random numbers),
# trained briefly by the plain loop, then evaluated greedily.
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


# Faster acting: greedy actions from a NumPy copy of the weights instead of a TF call per step.
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

# One state, timed the book's way: wall-clock time per call after forcing the result,
# a warm-up call first, the best of 5 rounds of 1,000 calls; processor time beside it.
one_state, weights_now, compiled_q = probe[:1], q_net.get_weights(), tf.function(q_net)
contenders = {"NumPy copy": lambda: q_values_numpy(weights_now, one_state),
              "compiled call": lambda: compiled_q(one_state).numpy()}  # .numpy() waits for it
per_call = {}
for name, run in contenders.items():
    run()  # warm-up: the compiled call traces here
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

# Faster learning: all the gradient steps of an episode in one graph call, looped in the graph.
batch_specs = [tf.TensorSpec([None, None, n_inputs], tf.float32),  # obs
               tf.TensorSpec([None, None], tf.int32),              # actions
               tf.TensorSpec([None, None], tf.float32),            # rewards
               tf.TensorSpec([None, None, n_inputs], tf.float32),  # next_obs
               tf.TensorSpec([None, None], tf.float32)]            # terminated
update = make_update(q_net, target_net, optimizer)


@tf.function(input_signature=batch_specs)
def train_steps(obs, actions, rewards, next_obs, terminated):
    for i in tf.range(tf.shape(obs)[0]):
        update(obs[i], actions[i], rewards[i], next_obs[i], terminated[i])


# The fast loop: act from the NumPy copy, and after each episode train once per step it lasted.
scores, step, calls = [], 0, 0
eval_episodes, eval_scores = [], []
weights = q_net.get_weights()  # the NumPy copy used for acting
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

# Evaluation: keep the best weights seen, then test the greedy policy on new starts.
weights = best_weights
q_net.set_weights(weights)
test_scores = evaluate(partial(greedy_action, weights), TEST_SEEDS)
print(f"Kept the weights with the best greedy evaluation: {best_eval:.1f}")
print(f"Test episodes (seeds {TEST_SEEDS.start}-{TEST_SEEDS.stop - 1}):", test_scores.tolist())

# Plot the training scores (with exploration), their moving average and the greedy evaluations.
window = min(10, len(scores))
moving_avg = np.convolve(scores, np.ones(window) / window, mode="valid")
# Chinese labels (the zh edition) need a CJK font: Noto Sans CJK where it is installed.
CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(range(1, len(scores) + 1), scores, lw=0.8, alpha=0.5, label="episode score")
ax.plot(range(window, len(scores) + 1), moving_avg, lw=2, label=f"mean of last {window}")
ax.plot(eval_episodes, eval_scores, "o", ms=3, label="greedy evaluation")
ax.axhline(MAX_SCORE, color="gray", ls="--", lw=1)
ax.set_xlabel("episode")
ax.set_ylabel("score (steps balanced)")
ax.legend(loc="upper left")
plt.tight_layout()
plt.show()

# Render six frames of the trained agent balancing the pole, spread over one test episode.
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
fig, axes = plt.subplots(2, 3, figsize=(9, 2.9))  # two rows of three, large enough to see
for ax in axes.flat[len(frames):]:
    ax.axis("off")
for ax, (t, frame) in zip(axes.flat, frames.items()):
    ax.imshow(frame[160:320])  # keep the rows with the cart and the pole
    ax.set_title(f"step {t}", fontsize=9)
    ax.axis("off")
plt.tight_layout()
plt.show()
