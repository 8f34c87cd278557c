"""Draw the book's diagrams into figures/<lang>/*.png, once per language (run by
`make figures`; checked by tests/test_figures.py).

Each diagram is drawn by one function; its words come from `_(english, chinese)`, so the
zh and en images differ only in their labels. Chinese labels need the Noto Sans CJK font
(Debian: `apt-get install fonts-noto-cjk`). Plots of results (sample images, training
curves, cart-pole frames, the fitted line) are not here: the chapters' own code draws them
in the notebooks.
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402

HERE = Path(__file__).parent
LANGUAGES = ("zh", "en")
BLUE, ORANGE, GREY, RED, GREEN = "#4c72b0", "#dd8452", "#8c8c8c", "#c44e52", "#55a868"
CJK_FONT = "Noto Sans CJK SC"
# Latin text and digits in DejaVu Sans; characters it lacks (Chinese) fall back to CJK_FONT.
plt.rcParams.update({"font.size": 10, "svg.hashsalt": "book",
                     "font.family": ["DejaVu Sans", CJK_FONT]})
LANG = "en"


def _(english: str, chinese: str) -> str:
    """The label in the language being drawn."""
    return chinese if LANG == "zh" else english


def require_cjk_font() -> None:
    """Fail loudly rather than draw empty boxes where Chinese characters should be."""
    try:
        font_manager.findfont(CJK_FONT, fallback_to_default=False)
    except ValueError:
        # Installed after matplotlib cached its font list: look again.
        font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
        font_manager.findfont = font_manager.fontManager.findfont
        try:
            font_manager.findfont(CJK_FONT, fallback_to_default=False)
        except ValueError:
            sys.exit(f"figures/draw.py: the font {CJK_FONT!r} is missing; install it with "
                     "`apt-get install fonts-noto-cjk`")


def arrow(ax, start, end, color=GREY, **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10,
                                 color=color, lw=1, shrinkA=6, shrinkB=6, **kw))


def column(ax, x, n, label, color, top=2.6):
    """n neurons drawn as circles at x (with a gap for '...' when n is large)."""
    shown = min(n, 6)
    ys = np.linspace(top, -top, shown)
    for i, y in enumerate(ys):
        if n > 6 and i == shown // 2:
            ax.text(x, y, "⋮", ha="center", va="center", fontsize=14)
            continue
        ax.add_patch(plt.Circle((x, y), 0.22, color=color, zorder=3))
    ax.text(x, -top - 0.8, label, ha="center", va="top")
    return [(x, y) for i, y in enumerate(ys) if not (n > 6 and i == shown // 2)]


def mlp(ax):
    layers = [(784, _("input\n784 = 28×28", "输入\n784 = 28×28"), GREY), (100, "Dense 100\nReLU", BLUE),
              (10, "Dense 10\nlogits", ORANGE)]
    points = [column(ax, 3 * i, n, label, color) for i, (n, label, color) in enumerate(layers)]
    for left, right in zip(points, points[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color=GREY, lw=0.3, zorder=1)
    ax.text(-1.6, 0, _("image\n28×28×1\n→ Flatten", "图像\n28×28×1\n→ Flatten"), ha="center", va="center")
    ax.set_xlim(-2.6, 7)
    ax.set_ylim(-4.2, 3.2)


def cnn(ax):
    stages = [("28×28×1", _("input", "输入"), 28, 1), ("28×28×16", "Conv2D\n3×3, 16", 28, 16),
              ("14×14×16", "MaxPool\n2×2", 14, 16),
              ("7×7×32", _("Conv2D\n3×3, 32\nstride 2", "Conv2D\n3×3, 32\n步幅 2"), 7, 32),
              ("1568", "Flatten", 1, 1),
              ("128", "Dense\nReLU", 1, 1), ("10", "Dense\nlogits", 1, 1)]
    x = 0.0
    for shape, name, size, depth in stages:
        height = 0.5 + size / 10 if size > 1 else 0.25
        width = 0.3 + depth / 40 if size > 1 else 0.25
        tall = {"1568": 3.2, "128": 2.2, "10": 1.0}.get(shape, height)
        color = BLUE if "Conv" in name else ORANGE if "Dense" in name else GREY
        ax.add_patch(Rectangle((x, -tall / 2), width, tall, color=color, alpha=0.8))
        ax.text(x + width / 2, tall / 2 + 0.15, shape, ha="center", va="bottom", fontsize=8)
        ax.text(x + width / 2, -tall / 2 - 0.15, name, ha="center", va="top", fontsize=8)
        x_next = x + width + 1.0
        if shape != "10":
            arrow(ax, (x + width, 0), (x_next, 0))
        x = x_next
    ax.set_xlim(-0.5, x)
    ax.set_ylim(-3.4, 2.4)


def grid(ax, values, x0, y0, highlight=None, color=RED, fmt="{:g}"):
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((x0 + j, y0 - i), 1, 1, fill=False, lw=0.6, color=GREY))
            ax.text(x0 + j + 0.5, y0 - i + 0.5, fmt.format(values[i, j]), ha="center",
                    va="center", fontsize=9)
    if highlight:
        (i, j), size = highlight
        ax.add_patch(Rectangle((x0 + j, y0 - i - size + 1), size, size, fill=False, lw=2.2,
                               color=color))


def conv_window(ax):
    image = np.array([[0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 1, 2, 1, 0], [0, 0, 2, 2, 0, 1, 0],
                      [0, 1, 1, 0, 2, 1, 0], [0, 0, 2, 1, 1, 0, 0], [0, 2, 1, 1, 2, 0, 0],
                      [0, 0, 0, 0, 0, 0, 0]])
    kernel = np.array([[0, 0, -1], [0, 1, 0], [-2, 0, 2]])
    out = np.array([[np.sum(image[i:i + 3, j:j + 3] * kernel) + 1 for j in range(5)]
                    for i in range(5)])
    grid(ax, image, 0, 6, highlight=((0, 0), 3))
    ax.text(3.5, 7.3, _("image 7×7", "图像 7×7"), ha="center")
    grid(ax, kernel, 8.5, 4, highlight=((0, 0), 3), color=BLUE)
    ax.text(10, 5.3, _("kernel W, b = 1", "卷积核 W，b = 1"), ha="center")
    ax.text(10, 0.4, _("Σ (window ⊙ W) + b", "Σ (窗口 ⊙ W) + b"), ha="center", fontsize=9)
    grid(ax, out, 13, 5, highlight=((0, 0), 1))
    ax.text(15.5, 6.3, _("output 5×5", "输出 5×5"), ha="center")
    arrow(ax, (7.1, 4.5), (8.4, 2.5))
    arrow(ax, (11.6, 2.5), (13, 5.5), color=RED)
    ax.set_xlim(-0.5, 18.5)
    ax.set_ylim(-1.5, 8)


def rnn(ax):
    def cell(x, y, label):
        ax.add_patch(Rectangle((x - 0.5, y - 0.4), 1, 0.8, color=BLUE, alpha=0.85))
        ax.text(x, y, label, ha="center", va="center", color="white")

    cell(0, 0, "s")
    ax.text(0, -1.4, "$x$", ha="center")
    ax.text(0, 1.4, "$o$", ha="center")
    arrow(ax, (0, -1.2), (0, -0.4))
    arrow(ax, (0, 0.4), (0, 1.2))
    ax.add_patch(FancyArrowPatch((0.5, 0.2), (0.5, -0.2), connectionstyle="arc3,rad=-2.5",
                                 arrowstyle="-|>", mutation_scale=10, color=GREY))
    ax.text(1.25, 0, "$W$", va="center")
    ax.text(0.1, -0.8, "$U$", fontsize=9)
    ax.text(0.1, 0.7, "$V$", fontsize=9)
    ax.text(2.2, 0, "=", fontsize=16, va="center")
    for k, t in enumerate(["t-1", "t", "t+1"]):
        x = 4 + 2.2 * k
        cell(x, 0, f"$s_{{{t}}}$")
        ax.text(x, -1.4, f"$x_{{{t}}}$", ha="center")
        ax.text(x, 1.4, f"$o_{{{t}}}$", ha="center")
        arrow(ax, (x, -1.2), (x, -0.4))
        arrow(ax, (x, 0.4), (x, 1.2))
        arrow(ax, (x - 1.7, 0), (x - 0.5, 0))
        ax.text(x - 1.1, 0.12, "$W$", ha="center", fontsize=9)
    arrow(ax, (4 + 2.2 * 2 + 0.5, 0), (4 + 2.2 * 2 + 1.5, 0))
    ax.text(11.3, -2.1, "$s_t = f(U x_t + W s_{t-1})$,  $o_t = g(V s_t)$", ha="right")
    ax.set_xlim(-1, 11.5)
    ax.set_ylim(-2.5, 2)


def neuron(ax):
    inputs = ["$x_1$", "$x_2$", "$\\vdots$", "$x_n$"]
    for k, label in enumerate(inputs):
        y = 1.5 - k
        ax.text(0, y, label, ha="center", va="center", fontsize=12)
        if label != "$\\vdots$":
            arrow(ax, (0.2, y), (2.6, 0))
            ax.text(1.2, y * 0.6 + 0.12, f"$w_{k + 1 if k < 2 else 'n'}$", fontsize=10)
    ax.add_patch(plt.Circle((3, 0), 0.45, color=BLUE))
    ax.text(3, 0, "$\\Sigma$", ha="center", va="center", color="white", fontsize=14)
    ax.text(3, -0.8, "$+\\,b$", ha="center")
    arrow(ax, (3.45, 0), (4.6, 0))
    ax.text(5.2, 0, "$f(\\cdot)$", ha="center", va="center", fontsize=12)
    arrow(ax, (5.7, 0), (6.8, 0))
    ax.text(7.9, 0, "$f\\left(\\sum_i w_i x_i + b\\right)$", ha="center", va="center")
    for x, label in [(0, _("inputs", "输入")), (1.3, _("weights", "权重")),
                     (3, _("weighted sum", "加权求和")), (5.2, _("activation", "激活函数")),
                     (7.9, _("output", "输出"))]:
        ax.text(x, -2.3, label, ha="center", va="center", color=GREY, fontsize=9)
    ax.set_xlim(-0.5, 9.2)
    ax.set_ylim(-2.6, 2)


def box(ax, x, y, w, h, text, color=BLUE, text_color="white", fontsize=9, alpha=0.9):
    """A rounded box centred at (x, y)."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                color=color, alpha=alpha, lw=0))
    ax.text(x, y, text, ha="center", va="center", color=text_color, fontsize=fontsize)


def broadcasting(ax):
    """(3, 1) + (1, 4) -> (3, 4): the axes of length 1 are repeated."""
    column_values = np.array([[0], [10], [20]])
    row_values = np.array([[0, 1, 2, 3]])

    def stretched(values, x0, real, label):
        full = np.broadcast_to(values, (3, 4))
        for i in range(3):
            for j in range(4):
                original = (i, j) in real
                ax.add_patch(Rectangle((x0 + j, 2 - i), 1, 1, lw=0.8, edgecolor=GREY,
                                       facecolor=BLUE if original else "#dfe6f2",
                                       alpha=0.85 if original else 1))
                ax.text(x0 + j + 0.5, 2 - i + 0.5, f"{full[i, j]:g}", ha="center", va="center",
                        color="white" if original else GREY, fontsize=10)
        ax.text(x0 + 2, 3.35, label, ha="center", va="bottom", fontsize=10)

    stretched(column_values, 0, {(0, 0), (1, 0), (2, 0)}, "a: (3, 1)")
    ax.text(4.75, 1.5, "+", ha="center", va="center", fontsize=18)
    stretched(row_values, 5.5, {(0, 0), (0, 1), (0, 2), (0, 3)}, "b: (1, 4)")
    ax.text(10.25, 1.5, "=", ha="center", va="center", fontsize=18)
    total = column_values + row_values
    for i in range(3):
        for j in range(4):
            ax.add_patch(Rectangle((11 + j, 2 - i), 1, 1, lw=0.8, edgecolor=GREY,
                                   facecolor=ORANGE, alpha=0.85))
            ax.text(11.5 + j, 2.5 - i, f"{total[i, j]:g}", ha="center", va="center",
                    color="white", fontsize=10)
    ax.text(13, 3.35, "a + b: (3, 4)", ha="center", va="bottom", fontsize=10)
    ax.text(2, -0.35, _("column repeated along axis 1", "列沿轴 1 复制"), ha="center",
            va="top", fontsize=9, color=GREY)
    ax.text(7.5, -0.35, _("row repeated along axis 0", "行沿轴 0 复制"), ha="center",
            va="top", fontsize=9, color=GREY)
    ax.text(7.5, -1.2, _("dark cells: stored values; light cells: repeated by broadcasting "
                         "(never copied in memory)",
                         "深色：实际存储的值；浅色：广播时重复使用的值（内存中并不复制）"),
            ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.3, 15.3)
    ax.set_ylim(-2, 4.1)


def tape(ax):
    """z = x^2 y + y^3 at (2, 1): the forward ops recorded, the gradients played back."""
    nodes = {"x": (0, 2), "y": (0, -0.4), "u": (3, 2), "v": (6, 1.6), "w": (3, -0.4),
             "z": (9, 0.8)}
    labels = {"x": "x = 2", "y": "y = 1", "u": "u = x² = 4", "v": "v = u·y = 4",
              "w": "w = y³ = 1", "z": "z = v + w = 5"}
    for key, (x, y) in nodes.items():
        box(ax, x, y, 2.0, 0.7, labels[key], color=GREY if key in "xy" else BLUE, fontsize=9)
    edges = [("x", "u"), ("u", "v"), ("y", "v"), ("y", "w"), ("v", "z"), ("w", "z")]
    for a, b in edges:
        (xa, ya), (xb, yb) = nodes[a], nodes[b]
        ax.add_patch(FancyArrowPatch((xa + 1.05, ya + 0.08), (xb - 1.05, yb + 0.08),
                                     arrowstyle="-|>", mutation_scale=10, color=BLUE, lw=1.1))
        ax.add_patch(FancyArrowPatch((xb - 1.05, yb - 0.12), (xa + 1.05, ya - 0.12),
                                     arrowstyle="-|>", mutation_scale=10, color=RED, lw=1.1,
                                     linestyle="--"))
    grads = {"x": "∂z/∂x = 2xy = 4", "y": "∂z/∂y = x² + 3y² = 7"}
    ax.text(0, 2.55, grads["x"], ha="center", va="bottom", color=RED, fontsize=9)
    ax.text(0, -0.95, grads["y"], ha="center", va="top", color=RED, fontsize=9)
    # The tape: the recorded operations in order.
    ax.add_patch(Rectangle((-1.1, -3.3), 11.2, 1.1, facecolor="#f2f2f2", edgecolor=GREY, lw=0.8))
    ax.text(-1.0, -2.05, _("the tape (records in order)", "梯度带（按顺序记录）"), ha="left",
            va="bottom", fontsize=9, color=GREY)
    for k, op in enumerate(["① u = x²", "② v = u·y", "③ w = y³", "④ z = v + w"]):
        ax.text(0.3 + 2.6 * k, -2.75, op, ha="center", va="center", fontsize=9)
    ax.add_patch(FancyArrowPatch((-0.9, -3.55), (9.9, -3.55), arrowstyle="-|>",
                                 mutation_scale=10, color=BLUE, lw=1.1))
    ax.text(4.5, -3.7, _("forward: each operation is recorded", "前向：每个运算都被记录下来"),
            ha="center", va="top", color=BLUE, fontsize=9)
    ax.add_patch(FancyArrowPatch((9.9, -4.35), (-0.9, -4.35), arrowstyle="-|>",
                                 mutation_scale=10, color=RED, lw=1.1, linestyle="--"))
    ax.text(4.5, -4.5, _("backward: tape.gradient plays the record back, chain rule at each step",
                         "反向：tape.gradient 倒着回放记录，每一步应用链式法则"),
            ha="center", va="top", color=RED, fontsize=9)
    ax.set_xlim(-1.3, 10.3)
    ax.set_ylim(-5.2, 3.2)


def words_and_math(ax, x, y, words, math, gap=0.22, **kw):
    """Words above a formula, as two texts: mathtext has no fallback font for Chinese."""
    ax.text(x, y + gap, words, va="bottom", **kw)
    ax.text(x, y - gap, math, va="top", **kw)


def lstm(ax):
    """One LSTM cell: forget, input and output gates, the candidate, the cell state."""
    ax.add_patch(FancyBboxPatch((0, -0.5), 10, 5.7, boxstyle="round,pad=0.1",
                                facecolor="#f4f6fa", edgecolor=GREY, lw=1))
    top = 4.4
    ax.add_patch(FancyArrowPatch((-1.5, top), (11.5, top), arrowstyle="-|>", mutation_scale=12,
                                 color=ORANGE, lw=2.2))
    ax.text(-1.6, top + 0.3, "$c_{t-1}$", ha="left", va="bottom", fontsize=11)
    ax.text(11.6, top + 0.3, "$c_t$", ha="right", va="bottom", fontsize=11)
    ax.text(5, 5.45, _("cell state (long-term memory)", "细胞状态（长期记忆）"), ha="center",
            va="bottom", color=ORANGE, fontsize=9)

    def op(x, y, symbol):
        ax.add_patch(plt.Circle((x, y), 0.32, facecolor="white", edgecolor=ORANGE, lw=1.5,
                                zorder=4))
        ax.text(x, y, symbol, ha="center", va="center", fontsize=11, zorder=5)

    # The previous hidden state and the input enter along the bottom.
    bottom = 0.6
    ax.plot([-1.5, 7.0], [bottom, bottom], color=GREY, lw=1.4)
    ax.text(-1.6, bottom - 0.25, "$h_{t-1}$", ha="left", va="top", fontsize=11)
    ax.add_patch(FancyArrowPatch((0.6, -1.3), (0.6, bottom), arrowstyle="-|>",
                                 mutation_scale=10, color=GREY, lw=1.4))
    ax.text(0.6, -1.4, "$x_t$", ha="center", va="top", fontsize=11)
    gates = [(1.6, "σ", _("forget gate", "遗忘门"), "$f_t$"),
             (3.4, "σ", _("input gate", "输入门"), "$i_t$"),
             (5.2, "tanh", _("candidate", "候选值"), "$\\tilde c_t$"),
             (7.0, "σ", _("output gate", "输出门"), "$o_t$")]
    for x, fn, name, symbol in gates:
        ax.plot([x, x], [bottom, 1.6], color=GREY, lw=1.2)
        box(ax, x, 1.95, 1.1, 0.7, fn, color=BLUE, fontsize=10)
        ax.text(x, bottom - 0.3, name, ha="center", va="top", fontsize=8, color=BLUE)
        ax.text(x + 0.12, 2.5, symbol, ha="left", va="bottom", fontsize=10)
    # Forget: multiply the old cell state.
    ax.plot([1.6, 1.6], [2.3, top - 0.32], color=GREY, lw=1.2)
    op(1.6, top, "×")
    # Input gate times candidate, added to the cell state.
    ax.plot([3.4, 3.4, 3.98], [2.3, 3.2, 3.2], color=GREY, lw=1.2)
    ax.plot([5.2, 5.2, 4.62], [2.3, 3.2, 3.2], color=GREY, lw=1.2)
    op(4.3, 3.2, "×")
    ax.plot([4.3, 4.3], [3.52, top - 0.32], color=GREY, lw=1.2)
    op(4.3, top, "+")
    # Output: tanh of the new cell state, times the output gate.
    ax.plot([8.6, 8.6], [top, 3.45], color=GREY, lw=1.2)
    box(ax, 8.6, 3.1, 1.0, 0.6, "tanh", color=GREEN, fontsize=9)
    ax.plot([7.55, 8.28], [1.95, 1.95], color=GREY, lw=1.2)
    ax.plot([8.6, 8.6], [2.8, 2.27], color=GREY, lw=1.2)
    op(8.6, 1.95, "×")
    ax.plot([8.92, 9.6, 9.6], [1.95, 1.95, bottom], color=GREY, lw=1.4)
    ax.add_patch(FancyArrowPatch((9.6, bottom), (11.5, bottom), arrowstyle="-|>",
                                 mutation_scale=10, color=GREY, lw=1.4))
    ax.text(11.6, bottom - 0.25, "$h_t$", ha="right", va="top", fontsize=11)
    ax.add_patch(FancyArrowPatch((9.6, 1.95), (9.6, 6.2), arrowstyle="-|>", mutation_scale=10,
                                 color=GREY, lw=1.4))
    ax.text(9.75, 6.0, "$h_t$", ha="left", va="center", fontsize=11)
    ax.text(5, -1.3, "$c_t = f_t \\odot c_{t-1} + i_t \\odot \\tilde c_t$,   "
            "$h_t = o_t \\odot \\tanh(c_t)$", ha="center", va="top", fontsize=10)
    ax.set_xlim(-1.8, 12)
    ax.set_ylim(-2.1, 6.5)


def dqn(ax):
    """The DQN loop: agent and environment, replay buffer, Q-network and target network."""
    box(ax, 0, 4, 3.2, 1.1, _("environment\n(CartPole)", "环境\n（CartPole）"), color=GREY,
        fontsize=10)
    box(ax, 8, 4, 3.6, 1.1, "", color=BLUE)
    words_and_math(ax, 8, 4, _("Q-network", "Q 网络"), "$Q(s, a)$", gap=0.05, ha="center",
                   color="white", fontsize=10)
    box(ax, 8, 0, 3.6, 1.1, "", color=ORANGE)
    words_and_math(ax, 8, 0, _("target network", "目标网络"), "$\\hat{Q}(s, a)$", gap=0.05,
                   ha="center", color="white", fontsize=10)
    box(ax, 0, 0, 3.2, 1.1, _("replay buffer", "经验回放缓冲区"), color=GREEN, fontsize=10)
    ax.add_patch(Rectangle((5.7, -1.2), 4.6, 6.6, fill=False, lw=1, ls=":", edgecolor=GREY))
    ax.text(10.2, 5.5, _("agent", "智能体"), ha="right", va="bottom", color=GREY, fontsize=10)
    # The action goes to the environment; the next state and the reward come back.
    ax.add_patch(FancyArrowPatch((6.1, 4.3), (1.65, 4.3), arrowstyle="-|>", mutation_scale=12,
                                 color=BLUE, lw=1.3))
    words_and_math(ax, 3.9, 5.05, _("action (ε-greedy)", "动作（ε-贪心）"), "$a_t$", gap=0.02,
                   ha="center", fontsize=9)
    ax.add_patch(FancyArrowPatch((1.65, 3.7), (6.1, 3.7), arrowstyle="-|>", mutation_scale=12,
                                 color=GREY, lw=1.3))
    words_and_math(ax, 3.9, 3.0, _("state, reward", "状态、奖励"), "$s_{t+1},\\ r_{t+1}$",
                   gap=0.02, ha="center", fontsize=9)
    # Every transition is stored.
    ax.add_patch(FancyArrowPatch((0, 3.4), (0, 0.6), arrowstyle="-|>", mutation_scale=12,
                                 color=GREEN, lw=1.3))
    words_and_math(ax, -0.15, 2.0, _("store", "存入"), "$(s, a, r, s', \\mathrm{terminated})$",
                   gap=0.05, ha="right", fontsize=9)
    # A random minibatch trains the Q-network.
    ax.add_patch(FancyArrowPatch((1.65, 0.3), (6.6, 3.4), arrowstyle="-|>", mutation_scale=12,
                                 color=GREEN, lw=1.3, connectionstyle="arc3,rad=-0.15"))
    ax.text(3.0, 1.75, _("random minibatch", "随机抽取小批量"), ha="center", va="center",
            fontsize=9, rotation=32)
    # The target network computes the targets.
    ax.add_patch(FancyArrowPatch((8.9, 0.6), (8.9, 3.4), arrowstyle="-|>", mutation_scale=12,
                                 color=ORANGE, lw=1.3))
    words_and_math(ax, 9.05, 2.0, _("targets", "目标值"),
                   "$r + \\gamma \\, \\mathrm{max}_{a'} \\, \\hat{Q}(s', a')$", gap=0.05, ha="left",
                   fontsize=9)
    # Every C steps the Q-network's weights are copied into the target network.
    ax.add_patch(FancyArrowPatch((7.1, 3.4), (7.1, 0.6), arrowstyle="-|>", mutation_scale=12,
                                 color=BLUE, lw=1.3, linestyle="--"))
    ax.text(6.95, 2.0, _("copy weights\nevery C steps", "每 C 步\n复制权重"), ha="right",
            va="center", fontsize=9)
    ax.set_xlim(-2.6, 13.6)
    ax.set_ylim(-1.5, 6)


def outlined(ax, x, y, w, h, text, edge, fontsize=9, **kw):
    """A white rounded box with a coloured edge, centred at (x, y)."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                facecolor="white", edgecolor=edge, lw=1.2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, **kw)


def path_arrow(ax, points, color=GREY, lw=1.1, **kw):
    """Straight segments through `points`, with an arrowhead on the last one."""
    xs, ys = zip(*points[:-1])
    ax.plot(xs, ys, color=color, lw=lw, solid_capstyle="butt", **kw)
    ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>", mutation_scale=10,
                                 color=color, lw=lw, shrinkA=0, shrinkB=1, **kw))


def fit_loop(ax):
    """What Keras 3's fit does, in order, and where it calls each callback hook."""
    mono = {"family": "DejaVu Sans Mono"}
    width, h = 4.6, 0.55

    def hook(y, text):
        box(ax, 0, y, width, h, text, color=ORANGE, fontsize=8.5, alpha=0.95)

    def note(y, text):
        ax.text(2.55, y, text, ha="left", va="center", fontsize=8, color=GREY)

    def check(y):
        outlined(ax, 0, y, 3.5, 0.55, "model.stop_training?", RED, fontsize=8.5, **mono)

    def frame(left, bottom, right, top, label):
        ax.add_patch(Rectangle((left, bottom), right - left, top - bottom, fill=False, ls="--",
                               lw=0.9, edgecolor=GREY))
        ax.text(right - 0.15, top - 0.12, label, ha="right", va="top", fontsize=8.5, color=GREY)

    box(ax, 0, 13.0, width, h, "model.fit(...)", color=GREY, fontsize=9)
    hook(12.1, "on_train_begin()")
    # The loop over the epochs, and inside it the loop over the batches.
    frame(-4.1, 2.35, 8.4, 11.55, _("for each epoch", "每一轮"))
    hook(10.95, "on_epoch_begin(epoch)")
    note(10.95, _("the metrics start again from zero", "评估指标从零开始重新累积"))
    frame(-3.3, 5.95, 7.9, 10.4, _("for each batch", "每个批次"))
    hook(9.75, "on_train_batch_begin(batch)")
    box(ax, 0, 8.8, width, 0.8, _("training step: forward pass, loss,\ngradients, optimizer update",
                                  "训练步骤：前向计算、损失、\n梯度、优化器更新"),
        color=BLUE, fontsize=8.5)
    hook(7.85, "on_train_batch_end(batch, logs)")
    note(7.85, _("logs: the epoch's loss and metrics so far",
                 "logs：本轮到此为止的损失和评估指标"))
    check(6.85)
    for y1, y2 in [(12.8, 12.4), (11.85, 11.25), (10.7, 10.05), (9.5, 9.2), (8.4, 8.12),
                   (7.6, 7.15)]:
        arrow(ax, (0, y1), (0, y2))
    # False: the next batch. True: leave the loop over the batches at once.
    path_arrow(ax, [(-1.8, 6.85), (-2.85, 6.85), (-2.85, 9.75), (-2.35, 9.75)])
    ax.text(-2.6, 8.3, _("False: next batch", "False：下一个批次"), ha="center", va="center",
            fontsize=8, rotation=90, color=GREY)
    path_arrow(ax, [(1.8, 6.85), (7.3, 6.85), (7.3, 5.0), (2.35, 5.0)], color=RED)
    ax.text(2.1, 6.95, _("True: skip the epoch's other batches", "True：跳过本轮其余的批次"),
            ha="left", va="bottom", fontsize=8, color=RED)
    arrow(ax, (0, 6.55), (0, 5.45))
    ax.text(0.12, 6.2, _("after the last batch", "最后一个批次之后"), ha="left", va="center",
            fontsize=8, color=GREY)
    box(ax, 0, 5.0, width, 0.8, _("validation (with validation_data):\n"
                                  "evaluate() and its on_test_* hooks",
                                  "验证（给了 validation_data 时）：\n"
                                  "evaluate()，调用 on_test_* 钩子"), color=GREEN, fontsize=8.5)
    arrow(ax, (0, 4.6), (0, 4.28))
    hook(4.0, "on_epoch_end(epoch, logs)")
    note(4.0, _("logs: loss, metrics, val_loss, val_...;\nEarlyStopping decides here",
                "logs：损失、评估指标、val_loss、val_…；\nEarlyStopping 在这里做出决定"))
    arrow(ax, (0, 3.72), (0, 3.3))
    check(3.0)
    path_arrow(ax, [(-1.8, 3.0), (-3.75, 3.0), (-3.75, 10.95), (-2.35, 10.95)])
    ax.text(-3.5, 7.0, _("False: next epoch", "False：下一轮"), ha="center", va="center",
            fontsize=8, rotation=90, color=GREY)
    path_arrow(ax, [(1.8, 3.0), (8.8, 3.0), (8.8, 1.5), (2.35, 1.5)], color=RED)
    ax.text(2.1, 3.1, "True", ha="left", va="bottom", fontsize=8, color=RED)
    arrow(ax, (0, 2.7), (0, 1.78))
    ax.text(0.12, 2.05, _("after the last epoch", "最后一轮之后"), ha="left", va="center",
            fontsize=8, color=GREY)
    hook(1.5, "on_train_end(logs)")
    arrow(ax, (0, 1.22), (0, 0.86))
    box(ax, 0, 0.6, width, h, _("returns model.history", "返回 model.history"), color=GREY,
        fontsize=9)
    ax.set_xlim(-4.5, 9.2)
    ax.set_ylim(0.1, 13.5)


def tracing_cache(ax):
    """A call of a tf.function: the signature of its arguments is looked up among the graphs
    traced so far (the four traces of the graphs page's listing)."""
    mono = {"family": "DejaVu Sans Mono"}
    box(ax, -0.2, 2.2, 4.6, 1.0, "", color=GREY)
    ax.text(-0.2, 2.42, _("call", "调用"), ha="center", va="center", color="white", fontsize=8.5)
    ax.text(-0.2, 1.98, "traced_leaky_relu(x, slope)", ha="center", va="center", color="white",
            fontsize=8, **mono)
    arrow(ax, (2.15, 2.2), (3.05, 2.2))
    box(ax, 5.2, 2.2, 4.2, 1.0, _("the arguments' signature:\ntensor → its shape and dtype\n"
                                  "Python value → the value",
                                  "参数的签名：\n张量 → 形状和数据类型\nPython 值 → 值本身"),
        color=BLUE, fontsize=8)
    arrow(ax, (7.35, 2.2), (8.15, 2.2))
    outlined(ax, 9.3, 2.2, 2.2, 0.7, _("in the cache?", "在缓存中？"), RED, fontsize=9)
    # Hit: run the stored graph. Miss: trace, store the new graph, then run it.
    path_arrow(ax, [(9.8, 2.6), (9.8, 3.8), (11.15, 3.8)], color=GREEN)
    ax.text(9.92, 3.2, _("hit", "命中"), ha="left", va="center", fontsize=9, color=GREEN)
    box(ax, 14.0, 3.8, 5.6, 1.0, _("run the concrete function:\nits graph computes the result,\n"
                                   "no Python code runs",
                                   "运行具体函数：\n由它的计算图算出结果，\n不执行任何 Python 代码"),
        color=GREEN, fontsize=8)
    path_arrow(ax, [(9.8, 1.8), (9.8, 0.6), (11.15, 0.6)], color=ORANGE)
    ax.text(9.92, 1.2, _("miss", "未命中"), ha="left", va="center", fontsize=9, color=ORANGE)
    box(ax, 14.0, 0.6, 5.6, 1.0, _("trace: run the Python body once\nwith symbolic tensors "
                                   "→ a new graph",
                                   "追踪：用符号张量把 Python 函数体\n执行一遍 → 一张新的计算图"),
        color=ORANGE, fontsize=8)
    arrow(ax, (14.0, 1.15), (14.0, 3.25), color=ORANGE)
    ax.text(14.12, 2.2, _("then run it", "然后运行它"), ha="left", va="center", fontsize=8,
            color=ORANGE)
    # The cache: one concrete function per signature.
    ax.add_patch(Rectangle((0.3, -3.35), 10.3, 2.75, facecolor="#f2f2f2", edgecolor=GREY,
                           lw=0.8))
    ax.text(0.5, -0.75, _("the cache: one concrete function (one graph) per signature",
                          "缓存：每个签名对应一个具体函数（一张计算图）"),
            ha="left", va="top", fontsize=8.5, color=GREY)
    rows = [("()", "0.1"), ("(2,)", "0.1"), ("()", "0.2"), ("()", "0.3")]
    for k, (shape, slope) in enumerate(rows):
        y = -1.4 - 0.48 * k
        ax.text(0.8, y, f"x: shape {shape}, float32 | slope: {slope}", ha="left", va="center",
                fontsize=8, **mono)
        ax.text(7.3, y, "→", ha="center", va="center", fontsize=9)
        ax.text(7.8, y, _(f"graph {k + 1}", f"计算图 {k + 1}"), ha="left", va="center",
                fontsize=8.5)
    path_arrow(ax, [(8.8, 1.85), (8.8, -0.6)], color=GREY, ls=":")
    ax.text(8.65, 0.4, _("look up", "查找"), ha="right", va="center", fontsize=8, color=GREY)
    path_arrow(ax, [(14.0, 0.05), (14.0, -1.95), (10.65, -1.95)], color=ORANGE)
    ax.text(14.12, -1.0, _("store it under\nits signature", "按签名\n存入缓存"), ha="left",
            va="center", fontsize=8, color=ORANGE)
    ax.set_xlim(-2.8, 17.0)
    ax.set_ylim(-3.6, 4.5)


# name: (drawing function, figure size in inches)
FIGURES = {"mlp": (mlp, (7, 3.6)), "cnn": (cnn, (10, 3.4)), "conv_window": (conv_window, (9, 4)),
           "rnn_unrolled": (rnn, (9, 3)), "neuron": (neuron, (7, 2.8)),
           "broadcasting": (broadcasting, (8, 3.4)), "tape": (tape, (8, 5.2)),
           "lstm": (lstm, (8, 5)), "dqn": (dqn, (9, 4.4)), "fit_loop": (fit_loop, (8, 9)),
           "tracing_cache": (tracing_cache, (10, 4.4))}


def draw(name: str, folder: Path, language: str) -> Path:
    """Draw one diagram in one language into folder/language/name.png."""
    global LANG
    LANG = language
    draw_fn, size = FIGURES[name]
    fig, ax = plt.subplots(figsize=size)
    draw_fn(ax)
    ax.set_aspect("equal")
    ax.axis("off")
    path = folder / language / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    # 240 dpi: twice the pixels of the size pages show them at (a `:width:` in each figure
    # directive), sharp on HiDPI screens and in print.
    fig.savefig(path, dpi=240, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


if __name__ == "__main__":
    require_cjk_font()
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for language in LANGUAGES:
        for name in FIGURES:
            path = draw(name, out, language)
            print("drew", path.relative_to(out.parent) if out == HERE else path)
