"""Stage 1: read a chapter (MyST Markdown or reStructuredText) into blocks.

A chapter is prose with listings between it. A listing is a ``literalinclude`` of a
line range from a script under ``code/``; everything else is prose.
"""
from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .problems import BookError, Problem

RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")
MYST_OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
RST_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+literalinclude::\s*(\S+)\s*$")
RST_OPTION = re.compile(r"^\s+:([\w-]+):\s*(.*)$")
RST_CODE = re.compile(r"^\s*\.\.\s+(code-block|code|sourcecode)::\s*(python|py|ipython3?)\s*$")
MYST_INCLUDE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*\{literalinclude\}")


@dataclass(frozen=True)
class Prose:
    text: str
    line: int  # first line of the chunk, 1-based


@dataclass(frozen=True)
class Listing:
    chapter: Path     # the chapter that includes it
    line: int         # the directive's line, 1-based
    lines_line: int   # the line that holds ``:lines:``, 1-based
    written: str      # the path as written in the chapter
    script: Path      # the path resolved
    start: int        # first included line, 1-based
    end: int          # last included line, inclusive
    compare: str | None = None  # the output comparison policy (``:compare:``), if any
    compare_line: int | None = None

    @property
    def span(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass
class Chapter:
    path: Path
    syntax: str  # "myst" or "rst"
    blocks: list[Prose | Listing] = field(default_factory=list)
    # pasted runnable code found in the chapter: (line, first line of the code)
    pasted: list[tuple[int, str]] = field(default_factory=list)

    @property
    def listings(self) -> list[Listing]:
        return [b for b in self.blocks if isinstance(b, Listing)]


def read_chapter(path: Path, root: Path) -> Chapter:
    """Parse ``path``; raise BookError naming the line and the fix on bad input."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".rst":
        return _read_rst(path, root, text)
    return _read_myst(path, root, text)


def _resolve(chapter: Path, root: Path, written: str) -> Path:
    # Sphinx semantics: "/x" is from the source root, anything else from the chapter.
    if written.startswith("/"):
        return (root / written.lstrip("/")).resolve()
    return (chapter.parent / written).resolve()


def _listing(chapter: Path, root: Path, line: int, written: str,
             options: dict[str, tuple[int, str]]) -> Listing:
    rel = chapter.relative_to(root) if chapter.is_relative_to(root) else chapter
    if "lines" not in options:
        raise BookError(Problem(
            "listing-syntax", rel, line, f"literalinclude of {written} has no :lines: option",
            "add ':lines: START-END' so the listing names the exact lines it shows"))
    lines_line, spec = options["lines"]
    match = RANGE.match(spec)
    if not match:
        raise BookError(Problem(
            "listing-syntax", rel, lines_line, f":lines: {spec!r} is not a single range",
            "write ':lines: START-END' (one range, both ends given), e.g. ':lines: 3-12'"))
    start, end = int(match[1]), int(match[2])
    compare_line, compare = options.get("compare", (None, None))
    return Listing(chapter, line, lines_line, written, _resolve(chapter, root, written),
                   start, end, compare or None, compare_line)


def _chunks(lines: list[str], taken: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """Text between the listings: [(first line 1-based, text)], blanks trimmed."""
    out, pos = [], 0
    for begin, stop in sorted(taken) + [(len(lines), len(lines))]:
        chunk = lines[pos:begin]
        while chunk and not chunk[0].strip():
            chunk, pos = chunk[1:], pos + 1
        while chunk and not chunk[-1].strip():
            chunk = chunk[:-1]
        if chunk:
            out.append((pos + 1, "\n".join(chunk)))
        pos = stop
    return out


def _is_runnable(code: str) -> bool:
    """Python that parses and is no template (templates say ``...``)."""
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return "..." not in code


def _read_myst(path: Path, root: Path, text: str) -> Chapter:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    lines = text.split("\n")
    chapter = Chapter(path, "myst")
    parser = create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "dollarmath"}),
                              RendererHTML)
    found: dict[int, tuple[int, int, Listing]] = {}
    for token in parser.parse(text):
        if token.type not in ("fence", "colon_fence") or token.map is None:
            continue
        info = token.info.strip()
        first = token.map[0] + 1
        if info.startswith("{literalinclude}"):
            written = info[len("{literalinclude}"):].strip()
            options = {}
            for offset, raw in enumerate(token.content.split("\n")):
                opt = MYST_OPTION.match(raw.strip())
                if opt:
                    options[opt[1]] = (first + 1 + offset, opt[2].strip())
            found[first] = (token.map[0], token.map[1],
                            _listing(path, root, first, written, options))
        elif info in ("python", "py", "ipython3", "{code-block} python", "{code-cell}",
                      "{code-cell} python", "{code-cell} ipython3"):
            if info.startswith("{code-cell}") or _is_runnable(token.content):
                chapter.pasted.append((first, token.content.split("\n")[0]))
    for number, raw in enumerate(lines, start=1):
        if MYST_INCLUDE.match(raw) and number not in found:
            raise BookError(Problem(
                "listing-syntax", path.relative_to(root), number,
                "literalinclude nested inside another block is not supported",
                "move the listing out to the top level of the chapter"))
    taken = [(a, b) for a, b, _ in found.values()]
    prose = [(n, Prose(t, n)) for n, t in _chunks(lines, taken)]
    chapter.blocks = [b for _, b in sorted(prose + [(n, l) for n, (_, _, l) in found.items()],
                                           key=lambda item: item[0])]
    return chapter


def _read_rst(path: Path, root: Path, text: str) -> Chapter:
    lines = text.split("\n")
    chapter = Chapter(path, "rst")
    listings: list[tuple[int, Listing]] = []
    taken: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        directive = RST_DIRECTIVE.match(lines[index])
        if RST_CODE.match(lines[index]):
            body = _rst_body(lines, index + 1)
            if _is_runnable(body):
                chapter.pasted.append((index + 1, body.split("\n")[0]))
        if not directive:
            index += 1
            continue
        if directive[1]:
            raise BookError(Problem(
                "listing-syntax", path.relative_to(root), index + 1,
                "literalinclude nested inside another directive is not supported",
                "move the listing out to the top level of the chapter"))
        options, stop = {}, index + 1
        while stop < len(lines) and RST_OPTION.match(lines[stop]):
            opt = RST_OPTION.match(lines[stop])
            options[opt[1]] = (stop + 1, opt[2].strip())
            stop += 1
        listings.append((index + 1, _listing(path, root, index + 1, directive[2], options)))
        taken.append((index, stop))
        index = stop
    prose = [(n, Prose(t, n)) for n, t in _chunks(lines, taken)]
    chapter.blocks = [b for _, b in sorted(prose + listings, key=lambda item: item[0])]
    return chapter


def _rst_body(lines: list[str], index: int) -> str:
    """The indented body of an RST directive that starts at ``index``."""
    body = []
    while index < len(lines) and RST_OPTION.match(lines[index]):
        index += 1
    for raw in lines[index:]:
        if raw.strip() and not raw.startswith((" ", "\t")):
            break
        body.append(raw)
    return textwrap.dedent("\n".join(body)).strip("\n")
