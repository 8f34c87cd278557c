"""Draw the book's diagrams into figures/*.png (run by `make figures`; checked by `make check`).

The diagrams use symbols and API names only, so one image serves both languages.
Plots of results (sample images, training curves, cart-pole frames) are not here: the
chapters' own code draws them in the notebooks.
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

HERE = Path(__file__).parent
BLUE, ORANGE, GREY, RED = "#4c72b0", "#dd8452", "#8c8c8c", "#c44e52"
plt.rcParams.update({"font.size": 10, "svg.hashsalt": "book", "font.family": "DejaVu Sans"})


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
    layers = [(784, "input\n784 = 28×28", GREY), (100, "Dense 100\nReLU", BLUE),
              (10, "Dense 10\nsoftmax", ORANGE)]
    points = [column(ax, 3 * i, n, label, color) for i, (n, label, color) in enumerate(layers)]
    for left, right in zip(points, points[1:]):
        for a in left:
            for b in right:
                ax.plot([a[0], b[0]], [a[1], b[1]], color=GREY, lw=0.3, zorder=1)
    ax.text(-1.6, 0, "image\n28×28×1\n→ Flatten", ha="center", va="center")
    ax.set_xlim(-2.6, 7)
    ax.set_ylim(-4.2, 3.2)


def cnn(ax):
    stages = [("28×28×1", "input", 28, 1), ("28×28×16", "Conv2D\n3×3, 16", 28, 16),
              ("14×14×16", "MaxPool\n2×2", 14, 16), ("14×14×32", "Conv2D\n3×3, 32", 14, 32),
              ("7×7×32", "MaxPool\n2×2", 7, 32), ("1568", "Flatten", 1, 1),
              ("128", "Dense\nReLU", 1, 1), ("10", "Dense\nsoftmax", 1, 1)]
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
    ax.text(3.5, 7.3, "image 7×7", ha="center")
    grid(ax, kernel, 8.5, 4, highlight=((0, 0), 3), color=BLUE)
    ax.text(10, 5.3, "kernel W, b = 1", ha="center")
    ax.text(10, 0.4, "Σ (window ⊙ W) + b", ha="center", fontsize=9)
    grid(ax, out, 13, 5, highlight=((0, 0), 1))
    ax.text(15.5, 6.3, "output 5×5", ha="center")
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
    ax.set_xlim(-0.5, 9.2)
    ax.set_ylim(-2, 2)


FIGURES = {"mlp": (mlp, (7, 3.6)), "cnn": (cnn, (10, 3.4)), "conv_window": (conv_window, (9, 4)),
           "rnn_unrolled": (rnn, (9, 3)), "neuron": (neuron, (7, 2.6))}


def draw(name: str, folder: Path) -> Path:
    draw_fn, size = FIGURES[name]
    fig, ax = plt.subplots(figsize=size)
    draw_fn(ax)
    ax.set_aspect("equal")
    ax.axis("off")
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=120, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    out.mkdir(parents=True, exist_ok=True)
    for name in FIGURES:
        print("drew", draw(name, out).relative_to(out.parent) if out == HERE else draw(name, out))
