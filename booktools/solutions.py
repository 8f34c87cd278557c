"""Each solution shows all of its code.

Solutions are folded on the site, one dropdown each, and a reader opens only the one they
want. A solution's listings may use what the page's own listings define (the reader has
seen them) and what its own earlier listings define; a name that only another solution's
dropdown defines is code the reader cannot see. Such shared code belongs in a listing of
its own under the Solutions heading, before the solutions that use it.
"""
from __future__ import annotations

import builtins
import symtable
from pathlib import Path

from .chapters import Chapter, Listing
from .layout import Layout
from .listings import load_script
from .problems import Problem
from .structure import skeleton

BUILTINS = set(dir(builtins)) | {"__file__", "__name__", "get_ipython", "display"}


def names(code: str) -> tuple[set[str], set[str]]:
    """The module-level names a piece of code defines, and the global names it uses that
    it does not define itself. Raise SyntaxError."""
    top = symtable.symtable(code, "<listing>", "exec")
    defined = {s.get_name() for s in top.get_symbols()
               if s.is_assigned() or s.is_imported() or s.is_namespace()}
    used: set[str] = set()

    def walk(table: symtable.SymbolTable, module: bool):
        for s in table.get_symbols():
            if s.is_referenced() and (s.is_global() if not module else True) \
                    and not (module and (s.is_assigned() or s.is_imported())):
                used.add(s.get_name())
        for child in table.get_children():
            walk(child, False)

    walk(top, True)
    return defined, used - defined - BUILTINS


def solution_of_listings(path: Path) -> dict[int, str]:
    """The label of the solution each listing of a MyST page sits in, by the listing's line
    (listings outside every solution are absent)."""
    inside, out = None, {}
    for element in skeleton(path):
        if element.kind == "solution":
            inside = element.label
        elif element.kind == "solution end":
            inside = None
        elif element.kind == "listing" and inside:
            out[element.line] = inside
    return out


def problems(layout: Layout, chapter: Chapter) -> list[Problem]:
    """Solutions that use a name defined only inside another solution."""
    if chapter.syntax != "myst":
        return []
    where = solution_of_listings(chapter.path)
    if not where:
        return []
    code: dict[int, tuple[set[str], set[str]]] = {}
    for listing in chapter.listings:
        try:
            code[listing.line] = names(_text(listing))
        except (SyntaxError, OSError, ValueError):
            return []  # the listing checks report a range that does not parse
    page: set[str] = set()
    mine: dict[str, set[str]] = {}
    for listing in chapter.listings:
        label = where.get(listing.line)
        if label is None:
            page |= code[listing.line][0]
        else:
            mine.setdefault(label, set()).update(code[listing.line][0])
    out, seen = [], {}
    rel = layout.rel(chapter.path)
    for listing in chapter.listings:
        label = where.get(listing.line)
        if label is None:
            continue
        defined, used = code[listing.line]
        visible = page | seen.get(label, set())
        for other, theirs in mine.items():
            if other == label:
                continue
            borrowed = sorted((used - visible - mine[label]) & theirs)
            if borrowed:
                out.append(Problem(
                    "solution-shared-code", rel, listing.line,
                    f"the solution to {label!r} uses {', '.join(borrowed)}, which only the "
                    f"solution to {other!r} defines: a reader who opens this solution alone "
                    "does not see that code",
                    "move the shared code into a listing of its own under the Solutions "
                    "heading, before the solutions that use it (in both languages)"))
        seen.setdefault(label, set()).update(defined)
    return out


def _text(listing: Listing) -> str:
    return load_script(listing.script).text(listing.start, listing.end)
