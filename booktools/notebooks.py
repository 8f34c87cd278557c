"""Stage 4: a chapter becomes a notebook; notebooks are executed and kept fresh.

Prose becomes markdown cells (reStructuredText prose is wrapped in an ``{eval-rst}``
block, which MyST-NB renders), each listing becomes a code cell that records where its
code came from (and its comparison policy, if the listing names one). Staleness is
decided by content: a notebook is rebuilt and executed only when its cells differ from
what the chapter and scripts give today.

Each program is executed once: the notebooks of ``EXECUTED`` (English) run in a kernel;
a Chinese notebook is its own chapter's cells carrying the outputs of its English twin,
cell for cell (the two run the same code, which the parity checks prove).

A Chinese script may write a figure's labels in Chinese (``parity.translated``). Its
notebook is then executed too, for its figures: it keeps its twin's text outputs, which the
Chinese run must print as well (compared as nbval compares them, with the cell's policy),
and takes the figures of its own run. It records which run of its twin it was made
against, so a new run of the twin makes it stale.
"""
from __future__ import annotations

import copy
import re
import subprocess
import time
from pathlib import Path

import nbformat

from .chapters import Chapter, Listing, Prose
from .fileio import write_if_changed
from .layout import EXECUTED, LANGUAGES, Layout
from .listings import CELL_KEY, load_script
from .parity import first_difference, has_translations
from .problems import Problem
from . import policies, quotes

KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Set-up cells are folded on the site and left out of the PDF (their outputs stay): the
# preparation listing and the one that parses the script's options. Launch notebooks keep
# them whole.
SETUP_SCRIPT = "prepare.py"
SETUP_CODE = re.compile(r"argparse\.ArgumentParser\(")
FOLDED = ["hide-input"]
FOLD_PROMPTS = {"zh": {"code_prompt_show": "显示准备代码", "code_prompt_hide": "隐藏准备代码"},
                "en": {"code_prompt_show": "Show the set-up code", "code_prompt_hide": "Hide the set-up code"}}
TIMEOUT = 1800  # seconds for one cell; the longest training listing takes a few minutes


def build(chapter: Chapter, layout: Layout) -> nbformat.NotebookNode:
    """The notebook a chapter gives today, without outputs."""
    cells, levels = [], []
    for index, block in enumerate(chapter.blocks):
        if isinstance(block, Prose):
            text = _rst_to_myst(block.text, levels) if chapter.syntax == "rst" else block.text
            cell = nbformat.v4.new_markdown_cell(text)
        else:
            cell = nbformat.v4.new_code_cell(_code(block))
            cell.metadata[CELL_KEY] = {"script": layout.rel(block.script).as_posix(),
                                       "lines": block.span}
            if block.script.name == SETUP_SCRIPT or SETUP_CODE.search(cell.source):
                cell.metadata["tags"] = list(FOLDED)
                cell.metadata["mystnb"] = dict(FOLD_PROMPTS[layout.rel(chapter.path).parts[1]])
            if block.compare:
                cell.metadata[CELL_KEY]["compare"] = block.compare
        cell.id = f"c{index:03d}"
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata.kernelspec = dict(KERNEL)
    nb.metadata.language_info = {"name": "python"}
    nb.metadata[CELL_KEY] = {"chapter": layout.rel(chapter.path).as_posix()}
    return nb


ADORNMENT = re.compile(r"^([=\-~^\"'*+#`:.])\1{2,}\s*$")


def _rst_to_myst(text: str, levels: list[str]) -> str:
    """RST section titles become Markdown headings (so the page gets its title and
    sections); everything between them is passed to Sphinx in ``{eval-rst}`` blocks.
    ``levels`` carries the adornment order across the chapter, as RST defines it."""
    lines, out, body = text.split("\n"), [], []

    def flush():
        if any(line.strip() for line in body):
            out.append("```{eval-rst}\n" + "\n".join(body).strip("\n") + "\n```")
        body.clear()

    index = 0
    while index < len(lines):
        over = ADORNMENT.match(lines[index]) and index + 2 < len(lines) \
            and ADORNMENT.match(lines[index + 2]) and lines[index + 1].strip()
        title = over and lines[index + 1] or lines[index]
        under = lines[index + 2] if over else (lines[index + 1] if index + 1 < len(lines) else "")
        if title.strip() and not ADORNMENT.match(title) and ADORNMENT.match(under) \
                and len(under.strip()) >= len(title.strip()):
            mark = ("over" if over else "") + under.strip()[0]
            if mark not in levels:
                levels.append(mark)
            flush()
            out.append("#" * (levels.index(mark) + 1) + " " + title.strip())
            index += 3 if over else 2
            continue
        body.append(lines[index])
        index += 1
    flush()
    return "\n\n".join(out)


def _code(listing: Listing) -> str:
    return load_script(listing.script).text(listing.start, listing.end)


def _shape(nb: nbformat.NotebookNode, policies: bool = True) -> list[tuple]:
    def record(cell):
        meta = dict(cell.metadata.get(CELL_KEY) or {}) or None
        if meta and not policies:
            meta.pop("compare", None)
        return meta
    return [(c.cell_type, c.source, record(c), c.metadata.get("tags", []), c.metadata.get("mystnb"))
            for c in nb.cells]


def read(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook; raise ValueError saying what is wrong."""
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several unrelated types
        raise ValueError(str(err).split("\n")[0]) from err
    return nb


def freshness_problems(chapter: Chapter, layout: Layout) -> list[Problem]:
    """A notebook that must be rebuilt, or whose prose quotes numbers it did not print."""
    problems = staleness(chapter, layout)
    target = layout.notebook_for(chapter.path)
    if not problems:
        problems += quotes.problems(chapter, read(target), layout)
    return problems


def staleness(chapter: Chapter, layout: Layout) -> list[Problem]:
    """Why the chapter's notebook must be rebuilt (none: it is fresh)."""
    target = layout.notebook_for(chapter.path)
    rel, fix = layout.rel(target), "run `make notebooks`"
    if not target.exists():
        return [Problem("stale-notebook", rel, None,
                        f"no notebook yet for {layout.rel(chapter.path)}", fix)]
    try:
        stored = read(target)
    except ValueError as err:
        return [Problem("malformed-notebook", rel, None, f"not a valid notebook: {err}",
                        f"delete {rel} and run `make notebooks`")]
    want, have = _shape(build(chapter, layout)), _shape(stored)
    for index, (a, b) in enumerate(zip(want, have), start=1):
        if a != b:
            return [Problem("stale-notebook", rel, None,
                            f"cell {index} differs from what {layout.rel(chapter.path)} and its "
                            f"scripts give today: {_difference(b, a)}", fix)]
    if len(want) != len(have):
        return [Problem("stale-notebook", rel, None,
                        f"has {len(have)} cells, its chapter gives {len(want)}", fix)]
    unrun = [i for i, c in enumerate(stored.cells, 1)
             if c.cell_type == "code" and c.execution_count is None]
    if unrun:
        return [Problem("stale-notebook", rel, None,
                        f"cell {unrun[0]} was never executed, so its outputs are missing", fix)]
    if layout.rel(chapter.path).parts[1] != EXECUTED:
        return twin_problems(target, stored, layout)
    return []


def twin_problems(path: Path, nb: nbformat.NotebookNode, layout: Layout) -> list[Problem]:
    """A notebook that is not executed must hold its executed twin's code, once comments are
    dropped, and exactly its twin's outputs, code cell for code cell."""
    twin_path, rel = layout.counterpart(path), layout.rel(path)
    fix = "run `make notebooks` (it gives this notebook the outputs of its twin's run)"
    try:
        twin = read(twin_path)
    except (ValueError, FileNotFoundError):
        return []  # the twin's own check reports it
    mine, theirs = _code_cells(nb), _code_cells(twin)
    if len(mine) != len(theirs):
        return [Problem("output-parity", rel, None, f"has {len(mine)} code cells, "
                        f"{layout.rel(twin_path)} has {len(theirs)}", fix)]
    own_figures = translates(nb, twin)
    if own_figures and nb.metadata.get(CELL_KEY, {}).get("twin-run") != run_digest(twin):
        return [Problem("output-parity", rel, None,
                        f"its figures come from a run against an older run of {layout.rel(twin_path)}",
                        "run `make notebooks` (it executes this notebook again for its figures)")]
    for (index, cell), (other_index, other) in zip(mine, theirs):
        if first_difference(cell.source, other.source) is not None:
            return [Problem("code-parity", rel, None,
                            f"cell {index} runs other code than cell {other_index} of "
                            f"{layout.rel(twin_path)} (comments and translated labels aside)",
                            "edit the chapter or script, never a notebook; then `make notebooks`")]
        if _outputs(cell, figures=not own_figures) != _outputs(other, figures=not own_figures):
            return [Problem("output-parity", rel, None,
                            f"cell {index}'s outputs differ from cell {other_index} of "
                            f"{layout.rel(twin_path)}, the run they must show", fix)]
    return []


FIGURES = ("image/png", "image/jpeg", "image/svg+xml")


def translates(nb: nbformat.NotebookNode, twin: nbformat.NotebookNode) -> bool:
    """Whether a Chinese notebook's code writes labels in Chinese that its twin writes in English."""
    return any(has_translations(cell.source, other.source)
               for (_, cell), (_, other) in zip(_code_cells(nb), _code_cells(twin)))


def run_digest(nb: nbformat.NotebookNode) -> str:
    """A fingerprint of a notebook's run: its code and every output."""
    import hashlib

    cells = [(c.source, _outputs(c)) for _, c in _code_cells(nb)]
    return hashlib.sha256(repr(cells).encode()).hexdigest()[:16]


def _code_cells(nb: nbformat.NotebookNode) -> list[tuple[int, nbformat.NotebookNode]]:
    return [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]


def _outputs(cell: nbformat.NotebookNode, figures: bool = True) -> list:
    """A cell's outputs; without figures, each figure's data is left out (not its place)."""
    outputs = nbformat.from_dict(cell.get("outputs", []))
    if figures:
        return outputs
    return [{**o, "data": {k: v for k, v in o.get("data", {}).items() if k not in FIGURES}}
            for o in outputs]


def _first_change(stored: str, fresh: str) -> str:
    for a, b in zip(stored.split("\n"), fresh.split("\n")):
        if a != b:
            return f"{a[:60]!r} became {b[:60]!r}"
    return f"{len(stored)} characters became {len(fresh)}"


def with_own_figures(nb: nbformat.NotebookNode, ran: nbformat.NotebookNode,
                     twin: nbformat.NotebookNode, known: dict) -> nbformat.NotebookNode:
    """``nb`` with its twin's outputs, each figure replaced by the one the Chinese run drew;
    raise RuntimeError where the Chinese run printed other text than the twin."""
    import configparser

    sanitize = configparser.ConfigParser()
    sanitize.read(Path(__file__).with_name("nbval_sanitize.cfg"))
    volatile = [(re.compile(sanitize[k]["regex"]), sanitize[k]["replace"]) for k in sanitize.sections()]

    def text(cell):
        printed = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                          for o in cell.get("outputs", []))
        for pattern, replacement in volatile:
            printed = pattern.sub(replacement, printed)
        return printed

    nb = with_twin_outputs(nb, twin)
    for (index, cell), (_, own), (_, other) in zip(_code_cells(nb), _code_cells(ran), _code_cells(twin)):
        name = (cell.metadata.get(CELL_KEY) or {}).get("compare")
        policy = known.get(name)
        stored, fresh = text(other), text(own)
        if policy and policy.kind == "tolerance":
            fresh, far = policies.reconcile(policy, stored, fresh)
        if policy and policy.kind == "claims":
            if policies.unmet_claims(policy, fresh):
                raise RuntimeError(f"cell {index}: the Chinese run does not make the claims of [{name}]")
        elif fresh != stored:
            raise RuntimeError(f"cell {index}: the Chinese run printed other text than its twin "
                               f"(a translated string must only label a figure): {_first_change(stored, fresh)}")
        drawn = iter(o for o in own.get("outputs", []) if set(o.get("data", {})) & set(FIGURES))
        for output in cell.outputs:
            if set(output.get("data", {})) & set(FIGURES):
                figure = next(drawn, None)
                if figure is None:
                    raise RuntimeError(f"cell {index}: the Chinese run drew fewer figures than its twin")
                output["data"] = {**output["data"], **{k: v for k, v in figure["data"].items()
                                                      if k in FIGURES}}
    nb.metadata.setdefault(CELL_KEY, {})["twin-run"] = run_digest(twin)
    return nb


def with_twin_outputs(nb: nbformat.NotebookNode, twin: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with the outputs and execution counts of ``twin``'s code cells."""
    for (_, cell), (_, other) in zip(_code_cells(nb), _code_cells(twin), strict=True):
        cell.outputs = _outputs(other)
        cell.execution_count = other.execution_count
    return nb


def orphan_problems(layout: Layout) -> list[Problem]:
    """Notebooks whose chapter is gone."""
    chapters = {layout.notebook_for(c) for lang in LANGUAGES for c in layout.chapters(lang)}
    return [Problem("orphan-notebook", layout.rel(nb), None, "no chapter makes this notebook",
                    f"delete {layout.rel(nb)}, or restore its chapter")
            for nb in sorted(layout.notebooks.rglob("*.ipynb")) if nb not in chapters]


def _difference(stored: tuple, today: tuple) -> str:
    if stored[0] != today[0]:
        return f"it is a {stored[0]} cell, the chapter now gives a {today[0]} cell"
    if stored[2] != today[2]:
        return f"it came from {stored[2]}, the chapter now includes {today[2]}"
    if stored[3:] != today[3:]:
        return f"its tags are {stored[3:]}, the chapter now gives {today[3:]}"
    old, new = stored[1].split("\n"), today[1].split("\n")
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            return f"its line {number} reads {a.strip()[:50]!r}, the chapter now has {b.strip()[:50]!r}"
    return f"it has {len(old)} lines, the chapter now gives {len(new)}"


def execute(nb: nbformat.NotebookNode, workdir: Path, kernel_name: str = KERNEL["name"]
            ) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel (``kernel_name``: another kernel spec, such as
    warm_kernel.serving()'s); raise nbclient's CellExecutionError on failure."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name=kernel_name,
                            record_timing=False, resources={"metadata": {"path": str(workdir)}})
    # The kernel's own stderr holds only TensorFlow's C++ start-up log (see kernel_config.py);
    # everything a cell prints still reaches the notebook.
    client.execute(stderr=subprocess.DEVNULL)
    return nb


def update(chapter: Chapter, layout: Layout, force: bool = False) -> str:
    """Build, execute (or take the outputs of its executed twin) and store one chapter's
    notebook; say what was done. Call it for the executed language first."""
    target = layout.notebook_for(chapter.path)
    if not force and not staleness(chapter, layout):
        return "up to date"
    nb = build(chapter, layout)
    if layout.rel(chapter.path).parts[1] != EXECUTED:
        twin_path = layout.counterpart(target)
        twin = read(twin_path)
        if not translates(nb, twin):
            _save(target, with_twin_outputs(nb, twin))
            return f"outputs taken from {layout.rel(twin_path)}"
        if not force and target.exists() and _same_code(nb, target) \
                and read(target).metadata.get(CELL_KEY, {}).get("twin-run") == run_digest(twin):
            _save(target, _with_outputs(read(target), nb))
            return "code unchanged: prose updated, outputs and figures kept"
        began = time.monotonic()
        ran = execute(copy.deepcopy(nb), target.parent)
        _save(target, with_own_figures(nb, ran, twin, policies.load(layout.code)))
        return (f"executed in {time.monotonic() - began:.0f} s for its figures; "
                f"text outputs taken from {layout.rel(twin_path)}")
    if not force and target.exists() and _same_code(nb, target):
        _save(target, _with_outputs(read(target), nb))
        return "code unchanged: prose and comparison policies updated, outputs kept"
    target.parent.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    nb = execute(nb, target.parent)
    changed = _save(target, nb)
    took = f"executed in {time.monotonic() - began:.0f} s"
    return f"{took}, written" if changed else f"{took}, outputs unchanged"


def _save(target: Path, nb: nbformat.NotebookNode) -> bool:
    return write_if_changed(target, nbformat.writes(nb) + "\n")


def _same_code(nb: nbformat.NotebookNode, target: Path) -> bool:
    """The stored notebook ran exactly this code, cell for cell: only prose or policies differ."""
    try:
        stored = read(target)
    except ValueError:
        return False
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    ran = [c for c in stored.cells if c.cell_type == "code"]
    return code == [c.source for c in ran] and all(c.execution_count is not None for c in ran)


def _with_outputs(stored: nbformat.NotebookNode, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` (today's prose and metadata) with the outputs of the stored run of its code."""
    ran = iter(c for c in stored.cells if c.cell_type == "code")
    for cell in nb.cells:
        if cell.cell_type == "code":
            old = next(ran)
            cell.outputs, cell.execution_count = old.outputs, old.execution_count
    book = {**stored.metadata.get(CELL_KEY, {}), **nb.metadata.get(CELL_KEY, {})}
    nb.metadata = {**stored.metadata, **nb.metadata, CELL_KEY: book}
    return nb
