"""Numbers the prose quotes from a run are in the page's stored outputs.

A decimal with three or more digits after the point, in prose (not in code or math), must
appear in the outputs of the page's notebook. A number the text derives from printed ones
is listed in an HTML comment on its page, ``<!-- derived: 0.0024 = 0.8547 - 0.8523 -->``,
which readers do not see and this check reads.
"""
from __future__ import annotations

import re

import nbformat

from .chapters import Chapter, Prose
from .layout import Layout
from .problems import Problem

QUOTED = re.compile(r"(?<![\w.])-?\d+\.\d{3,}(?!\w|\.\d)")
HIDDEN = [re.compile(p, re.S) for p in (r"```.*?```", r"~~~.*?~~~", r"\$\$.*?\$\$", r"\$[^$\n]+\$",
                                         r"`[^`\n]+`", r"\{math\}`[^`]*`", r"\]\([^)]*\)")]
DERIVED = re.compile(r"<!--\s*derived:(.*?)-->", re.S)


def problems(chapter: Chapter, nb: nbformat.NotebookNode, layout: Layout) -> list[Problem]:
    printed = "\n".join(_texts(nb))
    derived = " ".join(DERIVED.findall(chapter.path.read_text(encoding="utf-8")))
    out = []
    for block in chapter.blocks:
        if not isinstance(block, Prose):
            continue
        text = DERIVED.sub(lambda m: "\n" * m[0].count("\n"), block.text)
        for pattern in HIDDEN:
            text = pattern.sub(lambda m: "\n" * m[0].count("\n"), text)
        for match in QUOTED.finditer(text):
            number = match[0]
            if number in printed or number in derived:
                continue
            line = block.line + text[:match.start()].count("\n")
            out.append(Problem(
                "quoted-number", layout.rel(chapter.path), line,
                f"{number} is not in this page's stored outputs",
                "quote the number the code printed; if the text derives it, say how and list it "
                f"in a comment <!-- derived: {number} = ... --> on the page"))
    return out


def _texts(nb: nbformat.NotebookNode):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                yield out["text"]
            for key in ("text/plain", "text/html"):
                if key in out.get("data", {}):
                    yield out["data"][key]
