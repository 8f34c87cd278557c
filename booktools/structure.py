"""The zh and en pages of a chapter tell the same story: the same skeleton in the same order.

A page's skeleton is its headings (by level), admonitions (by class), figures, display
math, tables, listings, exercises and their solutions. Prose between them is each
language's own.

Exercises are ``{exercise}`` directives with a ``:label:``; each has one worked solution on
the same page, between ``{solution-start} label`` and ``{solution-end}`` (sphinx-exercise),
so that the solution can hold listings. `exercise_problems` checks that.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .layout import Layout
from .problems import Problem

EXERCISE_TITLES = {"exercises", "练习", "习题"}
CLASS = re.compile(r"^:class:\s*(\S+)", re.M)
NAMED = {"note", "tip", "warning", "important", "caution", "hint", "attention", "danger",
         "error", "seealso", "dropdown"}


@dataclass(frozen=True)
class Element:
    kind: str   # "heading 2", "admonition tip", "figure", "math", "table", "listing", "exercise"
    line: int
    label: str = ""  # exercises: their label; solutions: the label they answer


def skeleton(path: Path) -> list[Element]:
    """The skeleton of a MyST page, in order."""
    return list(_skeleton(path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=256)  # `make check` compares each page's skeleton three times
def _skeleton(text: str) -> tuple[Element, ...]:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "dollarmath",
                                                                "amsmath"}), RendererHTML)
    tokens = parser.parse(text)
    out, in_exercises, exercise_level = [], False, 0
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 0
        if token.type == "heading_open":
            level = int(token.tag[1])
            title = tokens[index + 1].content.strip().lower()
            if in_exercises and level <= exercise_level:
                in_exercises = False
            if title in EXERCISE_TITLES:
                in_exercises, exercise_level = True, level
            out.append(Element(f"heading {level}", line))
        elif token.type in ("fence", "colon_fence"):
            kind = _directive(token.info.strip(), token.content)
            if kind:
                out.append(Element(kind, line, _label(token.info.strip(), token.content)))
        elif token.type in ("math_block", "math_block_label", "amsmath"):
            out.append(Element("math", line))
        elif token.type == "table_open":
            out.append(Element("table", line))
        elif token.type == "list_item_open" and in_exercises and token.level == 1:
            out.append(Element("exercise item", line))
    return tuple(out)


def _directive(info: str, content: str) -> str | None:
    match = re.match(r"\{([\w-]+)\}", info)
    if not match:
        return None
    name = match[1]
    if name == "admonition":
        found = CLASS.search(content)
        return f"admonition {found[1] if found else 'plain'}"
    if name in NAMED:
        return f"admonition {name}"
    return {"figure": "figure", "image": "figure", "math": "math", "list-table": "table",
            "table": "table", "literalinclude": "listing", "exercise": "exercise",
            "solution-start": "solution", "solution-end": "solution end"}.get(name)


def _label(info: str, content: str) -> str:
    if info.startswith("{solution-start}"):
        return info[len("{solution-start}"):].strip()
    found = re.search(r"^:label:\s*(\S+)", content, re.M)
    return found[1] if found else ""


def exercise_problems(layout: Layout, path: Path) -> list[Problem]:
    """Every exercise is a labelled {exercise} with exactly one solution on its page."""
    elements, out = skeleton(path), []
    rel = layout.rel(path)
    labels = [e.label for e in elements if e.kind == "exercise"]
    solved = [e.label for e in elements if e.kind == "solution"]
    open_solution = None
    for e in elements:
        if e.kind == "exercise" and not e.label:
            out.append(Problem("exercise", rel, e.line, "an exercise without a :label:",
                               "add ':label: NAME' (unique in the book); its solution names it"))
        elif e.kind == "exercise" and rel.parts[1] == "zh" and not e.label.endswith("-zh"):
            out.append(Problem("exercise", rel, e.line,
                               f"the label {e.label!r} of a Chinese page does not end in -zh",
                               f"write :label: {e.label}-zh (labels are unique across the site; the "
                               "English page has the plain one) and name it so in its solution-start"))
        elif e.kind == "exercise" and e.label not in solved:
            out.append(Problem("exercise", rel, e.line, f"the exercise {e.label!r} has no solution",
                               f"add ```{{solution-start}} {e.label}``` ... ```{{solution-end}}``` "
                               "with a worked solution under the Solutions heading"))
        elif e.kind == "solution":
            if e.label not in labels:
                out.append(Problem("exercise", rel, e.line,
                                   f"a solution to {e.label!r}, which no exercise on this page is",
                                   "name the :label: of one of the page's exercises"))
            elif solved.count(e.label) > 1:
                out.append(Problem("exercise", rel, e.line, f"a second solution to {e.label!r}",
                                   "merge the solutions into one"))
            if open_solution:
                out.append(Problem("exercise", rel, open_solution.line, "a solution that is never ended",
                                   "close it with ```{solution-end}``` before the next one starts"))
            open_solution = e
        elif e.kind == "solution end":
            if not open_solution:
                out.append(Problem("exercise", rel, e.line, "{solution-end} without a solution-start",
                                   "remove it, or start the solution above"))
            open_solution = None
        elif e.kind == "exercise item":
            out.append(Problem("exercise", rel, e.line, "an exercise written as a list item",
                               "write it as an {exercise} directive with a :label:, and solve it"))
    if open_solution:
        out.append(Problem("exercise", rel, open_solution.line, "a solution that is never ended",
                           "close it with ```{solution-end}```"))
    return out


def problems(layout: Layout, zh: Path, en: Path) -> list[Problem]:
    """Where the two skeletons part, each with the place to fix in both files."""
    a, b = skeleton(zh), skeleton(en)
    out = []
    matcher = difflib.SequenceMatcher(a=[e.kind for e in a], b=[e.kind for e in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        zh_at = a[i1].line if i1 < len(a) else (a[-1].line if a else 1)
        en_at = b[j1].line if j1 < len(b) else (b[-1].line if b else 1)
        zh_has = ", ".join(e.kind for e in a[i1:i2]) or "nothing"
        en_has = ", ".join(e.kind for e in b[j1:j2]) or "nothing"
        if op == "delete":
            fix = f"add the {zh_has} to {layout.rel(en)} near line {en_at}, or drop it from zh"
        elif op == "insert":
            fix = f"add the {en_has} to {layout.rel(zh)} near line {zh_at}, or drop it from en"
        else:
            fix = "make both pages have the same element here (same kind, level or class)"
        out.append(Problem("structure", layout.rel(zh), zh_at,
                           f"vs {layout.rel(en)}:{en_at}: zh has {zh_has} where en has {en_has}",
                           fix))
    return out
