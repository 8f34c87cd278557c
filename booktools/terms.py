"""One translation per term: the Chinese pages use the form the terminology table decides.

The last table of ``book/terminology.md`` ("统一的译法") lists, for each concept, the one
form to use and the forms a Chinese page must not use (separated by 、; a form written
``/.../`` is a regular expression). Code, math and link targets are not prose and are not
read; an inline code span is read as two backticks, so that a rule can say "before code".
"""
from __future__ import annotations

import re
from pathlib import Path

from .chapters import Chapter, Prose
from .layout import Layout
from .problems import BookError, Problem
from .quotes import DERIVED, HIDDEN

TABLE_HEADING = "统一的译法"
INLINE_CODE = r"`[^`\n]+`"


def rules(path: Path, layout: Layout) -> list[tuple[str, str, re.Pattern]]:
    """(form to use, form not to use, its pattern) from the table under TABLE_HEADING."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("#") and TABLE_HEADING in line),
                 None)
    if start is None:
        raise BookError(Problem("term-table", layout.rel(path), None,
                                f"no section headed {TABLE_HEADING!r}",
                                "add the table of forms to use and not to use"))
    found = []
    rows = [(n, l) for n, l in enumerate(lines[start:], start + 1) if l.startswith("|")][2:]
    for number, line in rows:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[1]:
            raise BookError(Problem("term-table", layout.rel(path), number,
                                    "a row needs the form to use, the forms not to use and the English",
                                    "write `| 用 | 不用、不用 | English | note |`"))
        for form in cells[1].split("、"):
            form = form.strip()
            try:
                pattern = re.compile(form[1:-1] if len(form) > 2 and form[0] == form[-1] == "/"
                                     else re.escape(form))
            except re.error as err:
                raise BookError(Problem("term-table", layout.rel(path), number,
                                        f"{form}: not a regular expression ({err})",
                                        "fix the pattern between the slashes")) from err
            found.append((cells[0], form, pattern))
    return found


def problems(chapter: Chapter, table: list[tuple[str, str, re.Pattern]], layout: Layout) -> list[Problem]:
    out = []
    for block in chapter.blocks:
        if not isinstance(block, Prose):
            continue
        text = DERIVED.sub(lambda m: "\n" * m[0].count("\n"), block.text)
        text = re.sub(r"<!--.*?-->", lambda m: "\n" * m[0].count("\n"), text, flags=re.S)
        for pattern in HIDDEN:  # inline code stays as `` so that a rule can see it follow
            keep = "``" if pattern.pattern == INLINE_CODE else ""
            text = pattern.sub(lambda m: keep + "\n" * m[0].count("\n"), text)
        for use, form, pattern in table:
            for match in pattern.finditer(text):
                line = block.line + text[:match.start()].count("\n")
                context = text[max(0, match.start() - 8):match.end() + 8].replace("\n", " ")
                out.append(Problem(
                    "term", layout.rel(chapter.path), line,
                    f"{match[0]!r} in “{context}”: the terminology table says {use!r}",
                    f"write {use} (book/terminology.md, table {TABLE_HEADING})"))
    return out
