"""Stage 2: every listing's :lines: range, checked and re-anchored.

A range must lie in its script, hold whole top-level statements (so that its notebook
cell runs on its own), and still select the code it selected when the notebook was last
built; the committed notebook records that code in each cell's metadata.
``relink`` finds moved code again and rewrites the ranges in place.
"""
from __future__ import annotations

import ast
import difflib
import functools
import json
from dataclasses import dataclass
from pathlib import Path

from .chapters import Chapter, Listing
from .fileio import write_if_changed
from .layout import Layout
from .parity import without_comments
from .problems import Problem

CELL_KEY = "book"          # notebook cell metadata: {"book": {"script": ..., "lines": ...}}
SIMILAR_ENOUGH = 0.6       # relink accepts edited code down to this similarity


@dataclass(frozen=True)
class Script:
    lines: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # top-level statements, 1-based inclusive, decorators in

    def text(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start - 1:end]).rstrip()


def load_script(path: Path) -> Script:
    """Raise SyntaxError or OSError for a script that cannot be read."""
    return _parse(str(path), path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=512)  # `make check` asks for each script some twenty times
def _parse(name: str, source: str) -> Script:
    tree = ast.parse(source, filename=name)
    spans = []
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        spans.append((first, node.end_lineno))
    return Script(tuple(source.split("\n")), tuple(spans))


def range_problems(listing: Listing, script: Script, layout: Layout) -> list[Problem]:
    chapter = layout.rel(listing.chapter)
    where = f"lines {listing.span} of {layout.rel(listing.script)}"
    n = len(script.lines) - (1 if script.lines and script.lines[-1] == "" else 0)
    if not 1 <= listing.start <= listing.end <= n:
        return [Problem("listing-range", chapter, listing.lines_line,
                        f"{where}: the script has {n} lines",
                        f"choose a range within 1-{n}, or run `make relink`")]
    inside = [s for s in script.spans if listing.start <= s[0] and s[1] <= listing.end]
    if not inside:
        return [Problem("listing-range", chapter, listing.lines_line,
                        f"{where} hold no statement (only blank lines or comments)",
                        "widen the range to the code it should show")]
    problems = []
    for first, last in script.spans:
        if first <= listing.end and last >= listing.start and (first, last) not in inside:
            head = script.lines[first - 1].strip()
            lo, hi = min(first, listing.start), max(last, listing.end)
            problems.append(Problem(
                "listing-cut", chapter, listing.lines_line,
                f"{where} cut the statement on lines {first}-{last} ({head[:50]!r}); "
                "a listing holds whole top-level statements so that its cell runs",
                f"use ':lines: {lo}-{hi}' or move the range off that statement"))
    return problems


def _listing_cells(notebook: Path) -> list[dict]:
    """The code cells of a committed notebook that came from listings."""
    if not notebook.exists():
        return []
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (ValueError, AttributeError):
        return []  # a malformed notebook is reported by the freshness check
    return [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"
            and isinstance(c.get("metadata", {}).get(CELL_KEY), dict)]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def recorded_cells(chapter: Chapter, layout: Layout) -> list[dict | None]:
    """The notebook cell each listing became when its notebook was last built (None: unknown).

    Listings and cells are paired in order when their numbers agree and the script is
    the same; otherwise by (script, lines)."""
    cells = _listing_cells(layout.notebook_for(chapter.path))
    if len(cells) == len(chapter.listings):
        return [c if c["metadata"][CELL_KEY].get("script") == key(l, layout)[0] else None
                for l, c in zip(chapter.listings, cells)]
    by_key = {(c["metadata"][CELL_KEY].get("script"), c["metadata"][CELL_KEY].get("lines")): c
              for c in cells}
    return [by_key.get(key(l, layout)) for l in chapter.listings]


def recorded(chapter: Chapter, layout: Layout) -> list[str | None]:
    """What each listing showed when its notebook was last built (None: unknown)."""
    return [_source(c) if c else None for c in recorded_cells(chapter, layout)]


def key(listing: Listing, layout: Layout) -> tuple[str, str]:
    return (layout.rel(listing.script).as_posix(), listing.span)


def unshown_lines(chapter: Chapter, layout: Layout, skip: set[Path] = frozenset()) -> list[Problem]:
    """A page shows each script it includes whole and in order, so that its notebook runs
    the script exactly: every code line in a listing (or the notebook would run it without,
    say, its seed, and print what the script alone does not), the listings in the script's
    order, none repeating a line. nbval then executes every script in full; test-scripts
    runs only those that take settings (code/quick-settings.toml). Scripts in ``skip`` have
    a listing with a problem of its own already."""
    shown: dict[Path, list[Listing]] = {}
    for listing in chapter.listings:
        if listing.script.exists() and listing.script not in skip:
            shown.setdefault(listing.script, []).append(listing)
    problems = []
    for script, among in shown.items():
        for before, after in zip(among, among[1:]):
            if after.start <= before.end:
                problems.append(Problem(
                    "listings-out-of-order", layout.rel(chapter.path), after.lines_line,
                    f"lines {after.span} of {layout.rel(script)} come after lines {before.span} "
                    "on this page, so its notebook would run the script in another order",
                    "show the script's lines in their order, each once"))
        lines = script.read_text(encoding="utf-8").split("\n")
        missing = [n for n, line in enumerate(lines, start=1)
                   if line.strip() and not line.lstrip().startswith("#")
                   and not any(l.start <= n <= l.end for l in among)]
        if missing:
            problems.append(Problem(
                "script-unshown", layout.rel(chapter.path), among[0].lines_line,
                f"lines {_ranges(missing)} of {layout.rel(script)} are in no listing of this page, "
                "so its notebook never runs them",
                "include them (a script's first listing usually starts at line 1)"))
    return problems


def _ranges(numbers: list[int]) -> str:
    spans, start = [], numbers[0]
    for prev, n in zip(numbers, numbers[1:] + [None]):
        if n != prev + 1:
            spans.append(f"{start}-{prev}" if prev != start else str(start))
            start = n
    return ", ".join(spans)


def check_chapter(chapter: Chapter, layout: Layout) -> list[Problem]:
    problems, troubled = [], set()
    twin = _twin_cells(chapter, layout)
    for index, (listing, before) in enumerate(zip(chapter.listings, recorded(chapter, layout))):
        count = len(problems)
        script, problem = _load(listing, layout)
        if problem:
            problems.append(problem)
            troubled.add(listing.script)
            continue
        found = range_problems(listing, script, layout)
        problems += found
        now = script.text(listing.start, listing.end)
        if not found and before is not None and before != now and index < len(twin) \
                and without_comments(twin[index]) == without_comments(now) \
                and _statements(before) != _statements(now):  # not just comments edited
            notebook = layout.rel(layout.notebook_for(chapter.path))
            problems.append(Problem(
                "notebook-edited", notebook, None,
                f"the cell of listing {index + 1} holds code that neither lines {listing.span} of "
                f"{layout.rel(listing.script)} nor the twin notebook holds: it was edited by hand",
                f"never edit a notebook; delete {notebook} and run `make notebooks`"))
        elif not found and before is not None and before != now:
            problems.append(Problem(
                "listing-drift", layout.rel(chapter.path), listing.lines_line,
                f"lines {listing.span} of {layout.rel(listing.script)} no longer hold the code "
                f"this listing showed: {_difference(before, now)}",
                "run `make relink` to find that code again; if you edited it on purpose, "
                "run `make relink` and then `make notebooks`"))
        if len(problems) > count:
            troubled.add(listing.script)
    return problems + unshown_lines(chapter, layout, skip=troubled)


def _statements(source: str) -> list[str]:
    """The code without comments and blank lines: what a comment-only edit leaves unchanged."""
    return [line for line in without_comments(source) if line.strip()]


def _twin_cells(chapter: Chapter, layout: Layout) -> list[str]:
    """The listing code recorded by the other language's notebook of this chapter."""
    try:
        twin = layout.notebook_for(layout.counterpart(chapter.path))
    except (KeyError, IndexError, ValueError):
        return []
    return [_source(c) for c in _listing_cells(twin)]


def _load(listing: Listing, layout: Layout) -> tuple[Script | None, Problem | None]:
    chapter = layout.rel(listing.chapter)
    if not listing.script.is_file():
        return None, Problem("listing-missing", chapter, listing.line,
                             f"{listing.written} does not exist",
                             "fix the path (relative to the chapter, or /code/... from the root)")
    try:
        return load_script(listing.script), None
    except SyntaxError as err:
        return None, Problem("script-syntax", layout.rel(listing.script), err.lineno,
                             f"the script does not parse: {err.msg}", "fix the script")


def _difference(before: str, now: str) -> str:
    """Where the recorded code and the code in the range part, in a few words."""
    old, new = before.split("\n"), now.split("\n")
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a.rstrip() != b.rstrip():
            return f"its line {number} was {a.strip()[:50]!r}, now {b.strip()[:50]!r}"
    return f"it had {len(old)} lines, the range holds {len(new)}"


# --- relink --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Relinked:
    listing: Listing
    new: tuple[int, int] | None  # None: the code was not found
    similarity: float


def find_again(code: str, script: Script, near: int) -> tuple[tuple[int, int] | None, float]:
    """The range of ``script`` that holds ``code`` now: exact first, else most similar."""
    want = code.split("\n")
    size = len(want)
    exact = [i + 1 for i in range(len(script.lines) - size + 1)
             if [l.rstrip() for l in script.lines[i:i + size]] == [l.rstrip() for l in want]]
    if exact:
        start = min(exact, key=lambda s: abs(s - near))
        return (start, start + size - 1), 1.0
    best, best_score = None, 0.0
    for start in _starts(script):
        for _, end in (s for s in script.spans if s[1] >= start):
            score = difflib.SequenceMatcher(None, want, script.lines[start - 1:end]).ratio()
            if score > best_score or (score == best_score and best and
                                      abs(start - near) < abs(best[0] - near)):
                best, best_score = (start, end), score
    return (best, best_score) if best_score >= SIMILAR_ENOUGH else (None, best_score)


def _starts(script: Script) -> list[int]:
    """Where a listing may begin: a statement, or the comment lines just above one."""
    starts = []
    for first, _ in script.spans:
        starts.append(first)
        line = first - 1
        while line >= 1 and script.lines[line - 1].lstrip().startswith("#"):
            line -= 1
        if line + 1 != first:
            starts.append(line + 1)
    return sorted(set(starts))


def relink_chapter(chapter: Chapter, layout: Layout) -> list[Relinked]:
    """Rewrite drifted ranges of one chapter, and the notebook's record of them, in place."""
    results, edits = [], {}
    for listing, code in zip(chapter.listings, recorded(chapter, layout)):
        if code is None or not listing.script.is_file():
            continue
        script = load_script(listing.script)
        if listing.end <= len(script.lines) and script.text(listing.start, listing.end) == code:
            continue
        new, score = find_again(code, script, listing.start)
        results.append(Relinked(listing, new, score))
        if new and new != (listing.start, listing.end):
            edits[listing] = new
    if edits:
        lines = chapter.path.read_text(encoding="utf-8").split("\n")
        for listing, (start, end) in edits.items():
            head = lines[listing.lines_line - 1].split(":lines:")[0]
            lines[listing.lines_line - 1] = f"{head}:lines: {start}-{end}"
        write_if_changed(chapter.path, "\n".join(lines))
        _move_records(layout.notebook_for(chapter.path), edits, layout)
    return results


def _move_records(notebook: Path, edits: dict[Listing, tuple[int, int]], layout: Layout) -> None:
    """Point the notebook's cells at the new ranges; code and outputs stay as they are."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    moves = {key(l, layout): f"{a}-{b}" for l, (a, b) in edits.items()}
    for cell in nb.cells:
        meta = cell.metadata.get(CELL_KEY)
        if meta and (meta.get("script"), meta.get("lines")) in moves:
            meta["lines"] = moves[(meta["script"], meta["lines"])]
    write_if_changed(notebook, nbformat.writes(nb) + "\n")
