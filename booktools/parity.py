"""Stage 3: the zh and en editions match.

Every page and script has its counterpart; a zh script and its en twin are the same
program line for line once comments are dropped; a zh chapter and its en twin include
the same listings in the same order.

One more difference is allowed: a string literal that the zh script writes in Chinese where
the en script writes it in English (a figure's axis label, legend or title). Such a program
prints the same text in both languages (the Chinese notebook is executed for its figures,
and its printed text must equal its twin's, see ``notebooks.py``), so a translated literal
can only change what a figure shows.
"""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from .chapters import Chapter
from .layout import LANGUAGES, Layout
from .problems import Problem


def counterpart_problems(layout: Layout) -> list[Problem]:
    problems = []
    for top in (layout.book, layout.code):
        for lang in LANGUAGES:
            for path in sorted((top / lang).rglob("*")):
                if not path.is_file() or "__pycache__" in path.parts:
                    continue
                twin = layout.counterpart(path)
                if not twin.exists():
                    problems.append(Problem(
                        "missing-counterpart", layout.rel(path), None,
                        f"it has no counterpart {layout.rel(twin)}",
                        f"write {layout.rel(twin)} in the other language (or remove this file)"))
    return problems


def without_comments(source: str) -> list[str]:
    """The lines of a Python source with comments removed and right-stripped."""
    lines = source.split("\n")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col]
    return [line.rstrip() for line in lines]


CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def _rows(source: str) -> dict[int, list[tuple[int, str]]]:
    """The tokens of a source by the row they start on, comments and line ends dropped."""
    rows: dict[int, list[tuple[int, str]]] = {}
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            rows.setdefault(token.start[0], []).append((token.type, token.string))
    return rows


def translated(zh: str, en: str) -> bool:
    """A literal the zh program writes in Chinese and the en program in English."""
    return CJK.search(zh) is not None and CJK.search(en) is None


def first_difference(zh_source: str, en_source: str) -> int | None:
    """The first line where two sources are not the same program (comments aside, translated
    string literals allowed), or None. Raise tokenize.TokenError or SyntaxError."""
    zh, en = _rows(zh_source), _rows(en_source)
    for number in sorted(set(zh) | set(en)):
        a, b = zh.get(number, []), en.get(number, [])
        if len(a) != len(b) or any(x != y and not (x[0] == y[0] == tokenize.STRING
                                                   and translated(x[1], y[1]))
                                   for x, y in zip(a, b)):
            return number
    return None


def has_translations(zh_source: str, en_source: str) -> bool:
    """Whether the zh source writes a string literal in Chinese that the en one writes in English."""
    zh, en = _rows(zh_source), _rows(en_source)
    return any(x != y for n in zh for x, y in zip(zh[n], en.get(n, [])))


def script_problems(layout: Layout, zh_script: Path) -> list[Problem]:
    en_script = layout.counterpart(zh_script)
    if not en_script.exists():
        return []  # reported by counterpart_problems
    try:
        zh_source = zh_script.read_text(encoding="utf-8")
        en_source = en_script.read_text(encoding="utf-8")
        zh, en = without_comments(zh_source), without_comments(en_source)
        number = first_difference(zh_source, en_source)
    except (tokenize.TokenError, SyntaxError) as err:
        return [Problem("script-syntax", layout.rel(zh_script), None, str(err), "fix the script")]
    if number is not None and number <= min(len(zh), len(en)):
        a, b = zh[number - 1], en[number - 1]
        return [Problem(
            "parity", layout.rel(en_script), number,
            f"differs from {layout.rel(zh_script)}:{number} once comments are dropped: "
            f"{b.strip()!r} vs {a.strip()!r}",
            "make the two scripts the same program line for line; only comments (and a "
            "string the zh script writes in Chinese, such as a figure label) may differ")]
    if len(zh) != len(en):
        return [Problem(
            "parity", layout.rel(en_script), min(len(zh), len(en)),
            f"has {len(en)} lines, {layout.rel(zh_script)} has {len(zh)}",
            "keep the scripts line for line: a comment line in one is a comment line in the other")]
    return []


def listing_problems(layout: Layout, zh: Chapter, en: Chapter) -> list[Problem]:
    def shape(chapter: Chapter) -> list[tuple[str, str]]:
        out = []
        for listing in chapter.listings:
            parts = list(layout.rel(listing.script).parts)
            if len(parts) > 1 and parts[0] == "code":
                parts[1] = "<lang>"
            out.append(("/".join(parts), listing.span))
        return out

    a, b = shape(zh), shape(en)
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            line = en.listings[index].line
            return [Problem(
                "parity", layout.rel(en.path), line,
                f"listing {index + 1} includes {y[0]} lines {y[1]}, but listing {index + 1} of "
                f"{layout.rel(zh.path)} includes {x[0]} lines {x[1]}",
                "include the same listings in the same order in both languages")]
    if len(a) != len(b):
        return [Problem(
            "parity", layout.rel(en.path), None,
            f"has {len(b)} listings, {layout.rel(zh.path)} has {len(a)}",
            "include the same listings in the same order in both languages")]
    return []


ENGLISH_TITLED = re.compile(r"^\s*(?:`{3,}|:{3,})\{(note|tip|warning|important|caution|hint|attention|"
                            r"danger|error|seealso)\}")
ZH_TITLES = {"note": "注意", "tip": "提示", "warning": "警告", "important": "重要",
             "caution": "小心", "hint": "提示", "attention": "注意", "danger": "危险",
             "error": "错误", "seealso": "参见"}


def admonition_problems(layout: Layout, chapter: Chapter) -> list[Problem]:
    """A zh page must not show Sphinx's English admonition titles ("Note", "Warning")."""
    if chapter.syntax != "myst" or layout.rel(chapter.path).parts[1] != "zh":
        return []
    problems = []
    for number, line in enumerate(chapter.path.read_text(encoding="utf-8").split("\n"), 1):
        match = ENGLISH_TITLED.match(line)
        if match:
            kind = match[1]
            problems.append(Problem(
                "english-title", layout.rel(chapter.path), number,
                f"{{{kind}}} is titled in English on a Chinese page",
                f"write ```{{admonition}} {ZH_TITLES[kind]} with :class: {kind} on the next line"))
    return problems
