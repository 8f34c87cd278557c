# Solutions to the exercises of "Deep reinforcement learning".
import numpy as np
import tensorflow as tf

tf.keras.backend.clear_session()
tf.keras.utils.set_random_seed(42)
GAMMA = 0.99  # the page's discount factor

# Exercise 1: the value of balancing forever, a reward of 1 per step: 1 + g + g^2 + ...
print(f"1 / (1 - gamma) = {1 / (1 - GAMMA):.2f}")

# Three transitions, each with reward 1 and a next state worth 100 to the target network:
# one in the middle of an episode, one where the pole fell, one cut by the time limit.
rewards = tf.constant([1.0, 1.0, 1.0])
next_q = tf.constant([100.0, 100.0, 100.0])
terminated = tf.constant([0.0, 1.0, 0.0])
truncated = tf.constant([0.0, 0.0, 1.0])
done = tf.maximum(terminated, truncated)
print("targets, terminated only:", (rewards + GAMMA * (1.0 - terminated) * next_q).numpy())
print("targets, done:           ", (rewards + GAMMA * (1.0 - done) * next_q).numpy())

# If the time limit counted as a fall, a state's value would depend on the steps left,
# which the observation does not contain: the value at step t of a 500-step episode.
steps_left = 500 - np.array([0, 250, 450, 499])
print("value at steps 0, 250, 450, 499 if the cut were a fall:",
      ((1 - GAMMA**steps_left) / (1 - GAMMA)).round(2))
