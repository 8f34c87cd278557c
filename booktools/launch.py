"""Stage 6: launch notebooks, the flavour that Binder, Colab and the download button open.

The site renders MyST; plain Jupyter (JupyterLab, classic Notebook, Colab, GitHub's viewer)
shows MyST directives as code. So every stored notebook gets a twin under ``launch/``
with the same code cells and outputs, and Markdown cells in plain CommonMark:

- admonitions become block quotes headed by their title;
- figures become images embedded as cell attachments (Colab opens one file, so a path
  into the repository could not resolve), with the caption under them;
- ``{math}`` blocks become ``$$`` blocks; ``{ref}``, ``{doc}``, ``{numref}`` become links to
  the page on the book's site; ``{cite}`` becomes a link to the bibliography (roles are
  converted across line breaks: a link's text may wrap);
- exercises become block quotes headed "Exercise N: title"; each solution (the cells
  between ``{solution-start}`` and ``{solution-end}``, at the end of the page) is headed
  "Solution to exercise N: title";
- MyST targets ``(label)=`` and comments ``% ...`` are dropped.

Any MyST syntax left after conversion (a role, a directive fence or option, a target) is an
error (``launch-myst``), whatever its form: plain Jupyter would show it.
"""
from __future__ import annotations

import base64
import copy
import re
from pathlib import Path

import nbformat

from .layout import Layout
from .listings import CELL_KEY
from .problems import BookError, Problem

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<mark>`{3,}|~{3,}|:{3,})\s*\{(?P<name>[\w-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
ROLE = re.compile(r"\{(ref|doc|numref|cite|cite:p|cite:t|math|eq)\}`([^`]*)`")
TARGET = re.compile(r"^\(([\w.:-]+)\)=\s*$")
ADMONITIONS = {"note": ("注意", "Note"), "tip": ("提示", "Tip"), "warning": ("警告", "Warning"),
               "important": ("重要", "Important"), "caution": ("小心", "Caution"),
               "hint": ("提示", "Hint"), "attention": ("注意", "Attention"),
               "danger": ("危险", "Danger"), "error": ("错误", "Error"), "seealso": ("参见", "See also")}
EXERCISE = {"zh": "练习 {number}：{title}", "en": "Exercise {number}: {title}"}
SOLUTION = {"zh": "练习 {number}（{title}）的参考答案", "en": "Solution to exercise {number}: {title}"}


def launch_path(notebook: Path, layout: Layout) -> Path:
    """notebooks/en/model/mlp.ipynb -> launch/en/model/mlp.ipynb"""
    return layout.root / "launch" / notebook.relative_to(layout.notebooks)


class Converter:
    """MyST Markdown of one notebook -> plain Jupyter Markdown (and attachments)."""

    def __init__(self, layout: Layout, notebook: Path, site: str, labels: dict[str, str],
                 exercises: dict[str, tuple[int, str]] | None = None):
        self.layout, self.notebook, self.site, self.labels = layout, notebook, site.rstrip("/"), labels
        self.lang = notebook.relative_to(layout.notebooks).parts[0]
        self.exercises = exercises or {}  # label -> (number on the page, title)
        self.attachments: dict[str, dict] = {}

    def fail(self, line: str, cause: str, fix: str):
        raise BookError(Problem("launch-syntax", self.layout.rel(self.notebook), None,
                                f"{cause}: {line.strip()[:60]!r}", fix))

    def markdown(self, text: str) -> str:
        lines, out, plain, index = text.split("\n"), [], [], 0
        while index < len(lines):
            match = FENCE.match(lines[index])
            if not match:
                line = lines[index]
                if not TARGET.match(line) and not line.startswith("% "):
                    plain.append(line)
                index += 1
                continue
            out.append(self.roles("\n".join(plain)))  # roles whose text wraps a line too
            plain = []
            end = self._close(lines, index, match["mark"])
            options, body = self._options(lines[index + 1:end])
            out += self.directive(match["name"], match["arg"].strip(), options, body, lines[index])
            index = end + 1
        out.append(self.roles("\n".join(plain)))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")

    def _close(self, lines: list[str], start: int, mark: str) -> int:
        for index in range(start + 1, len(lines)):
            stripped = lines[index].strip()
            if stripped.startswith(mark[0] * len(mark)) and set(stripped) == {mark[0]}:
                return index
        self.fail(lines[start], "a directive that is never closed", f"close it with {mark}")

    @staticmethod
    def _options(body: list[str]) -> tuple[dict[str, str], list[str]]:
        options = {}
        while body and OPTION.match(body[0]):
            key, value = OPTION.match(body[0]).groups()
            options[key], body = value, body[1:]
        return options, body

    def directive(self, name, arg, options, body, line) -> list[str]:
        inner = self.markdown("\n".join(body)).split("\n")
        if name == "admonition" or name in ADMONITIONS:
            title = arg or ADMONITIONS[name][0 if self.lang == "zh" else 1]
            quoted = [f"> {l}" if l.strip() else ">" for l in inner]
            return ["", f"> **{self.roles(title)}**", ">", *quoted, ""]
        if name in ("figure", "image"):
            return ["", self.image(arg, line, "\n".join(inner).strip()), ""]
        if name == "exercise":
            if "label" not in options:
                self.fail(line, "an exercise without a :label:", "add ':label: NAME'; its solution names it")
            number, title = self.exercises[options["label"]]
            quoted = [f"> {l}" if l.strip() else ">" for l in inner]
            heading = EXERCISE[self.lang].format(number=number, title=self.roles(title))
            return ["", f"> **{heading}**", ">", *quoted, ""]
        if name == "solution-start":
            if arg not in self.exercises:
                self.fail(line, f"the solution names {arg!r}, which no exercise on this page has",
                          "give the {exercise} a :label: and name that label here")
            number, title = self.exercises[arg]
            return ["", "#### " + SOLUTION[self.lang].format(number=number, title=self.roles(title)), ""]
        if name == "solution-end":
            return ["", "---", ""]
        if name == "math":
            return ["", "$$", *body, "$$", ""]
        if name in ("code-block", "code", "sourcecode"):
            return ["```" + arg, *body, "```"]
        if name == "eval-rst":
            return ["```rst", *body, "```"]
        self.fail(line, f"the directive {{{name}}} has no plain-Jupyter form",
                  "use an admonition, figure, math or code block, or teach booktools/launch.py")

    def image(self, path: str, line: str, caption: str) -> str:
        source = (self.layout.book / self.notebook.relative_to(self.layout.notebooks)).parent / path
        source = source.resolve()
        if not source.is_file():
            self.fail(line, f"the figure {path} does not exist", "fix the path or draw the figure")
        mime = {".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}[source.suffix]
        self.attachments[source.name] = {mime: base64.b64encode(source.read_bytes()).decode()}
        text = caption.replace("\n", " ")
        alt = re.sub(r"[\[\]]", "", text) or source.stem
        return f"![{alt}](attachment:{source.name})" + (f"\n\n*{text}*" if text else "")

    def roles(self, line: str) -> str:
        return ROLE.sub(self._role, line)

    def _role(self, match: re.Match) -> str:
        kind, content = match[1], match[2]
        if kind == "math":
            return f"${content}$"
        if kind == "eq":
            return f"({content})"
        titled = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, re.S)
        text, target = (re.sub(r"\s+", " ", titled[1]), titled[2]) if titled else ("", content.strip())
        if kind.startswith("cite"):
            keys = [k.strip() for k in target.split(",")]
            return f"[{', '.join(keys)}]({self.site}/book/references.html)"
        if kind == "doc":
            page = (self.notebook.relative_to(self.layout.root).parent / target).as_posix()
            page = re.sub(r"[^/]+/\.\./", "", page)
            return f"[{text or target}]({self.site}/{page}.html)"
        url = self.labels.get(target.lower())
        if url is None:
            raise BookError(Problem("launch-syntax", self.layout.rel(self.notebook), None,
                                    f"{{{kind}}} names the label {target!r}, which no page defines",
                                    "define it with (label)= above a heading"))
        return f"[{text or target}]({self.site}/{url})"


def labels(layout: Layout) -> dict[str, str]:
    """MyST targets of every chapter -> their page and anchor on the site."""
    found = {}
    for path in sorted(layout.book.rglob("*.md")):
        page = layout.notebook_for(path).relative_to(layout.root).with_suffix(".html").as_posix() \
            if path.parent != layout.book else path.relative_to(layout.root).with_suffix(".html").as_posix()
        for line in path.read_text(encoding="utf-8").split("\n"):
            match = TARGET.match(line)
            if match:
                found[match[1].lower()] = f"{page}#{match[1].lower().replace('_', '-')}"
    return found


def exercises(nb: nbformat.NotebookNode) -> dict[str, tuple[int, str]]:
    """The page's exercises in order: label -> (number, title)."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.split("\n")
        for index, line in enumerate(lines):
            match = FENCE.match(line)
            if match and match["name"] == "exercise":
                options, _ = Converter._options(lines[index + 1:])
                found[options.get("label", f"#{len(found)}")] = (len(found) + 1, match["arg"].strip())
    return found


# What plain Jupyter would show as MyST syntax: a role, a directive fence, a directive
# option, a target or a MyST comment.
MYST_LEFT = re.compile(r"(?<!`)\{[a-z][\w:-]*\}`|^\s{0,3}(?:`{3,}|~{3,}|:{3,})\s*\{[\w-]+\}|^:[\w-]+:\s|"
                       r"^\([\w.:-]+\)=\s*$|^%\s", re.M)


def myst_left(source: str) -> str | None:
    """The first piece of MyST syntax in converted Markdown, outside code blocks."""
    prose = re.sub(r"^(`{3,}|~{3,})(?!\s*\{)[^\n]*\n.*?^\1\s*$", "", source, flags=re.M | re.S)
    found = MYST_LEFT.search(prose)
    return found[0].strip() if found else None


def convert(nb: nbformat.NotebookNode, notebook: Path, layout: Layout, site: str,
            known: dict[str, str]) -> nbformat.NotebookNode:
    """The launch flavour of one stored notebook."""
    out = copy.deepcopy(nb)
    out.metadata.pop(CELL_KEY, None)  # where cells came from is the repository's business
    numbered = exercises(nb)
    for number, cell in enumerate(out.cells, 1):
        cell.metadata.pop(CELL_KEY, None)
        cell.metadata.pop("tags", None)  # set-up cells are whole in plain Jupyter
        cell.metadata.pop("mystnb", None)
        if cell.cell_type != "markdown":
            continue
        converter = Converter(layout, notebook, site, known, numbered)
        cell.source = converter.markdown(cell.source)
        left = myst_left(cell.source)
        if left:
            raise BookError(Problem(
                "launch-myst", layout.rel(notebook), None,
                f"MyST syntax {left!r} would show in plain Jupyter in cell {number}",
                "teach booktools/launch.py to convert it (or write plain Markdown there)"))
        if converter.attachments:
            cell.attachments = converter.attachments
    return out


def site_url(layout: Layout) -> str:
    """The book's site, from html.baseurl in _config.yml (links in launch notebooks)."""
    import yaml

    config = layout.root / "_config.yml"
    if config.exists():
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
        url = (data.get("html") or {}).get("baseurl")
        if url:
            return url
    return "https://example.org/book"


def expected(notebook: Path, layout: Layout, known: dict[str, str]) -> str:
    from .notebooks import read

    nb = convert(read(notebook), notebook, layout, site_url(layout), known)
    return nbformat.writes(nb) + "\n"


def refresh(notebook: Path, layout: Layout) -> bool:
    """Write the launch twin of ``notebook`` if its content changed; say whether it did."""
    from .fileio import write_if_changed

    return write_if_changed(launch_path(notebook, layout), expected(notebook, layout, labels(layout)))


def problems(layout: Layout) -> list[Problem]:
    """Launch notebooks that are missing, stale or orphaned."""
    out, known = [], labels(layout)
    stored = sorted(layout.notebooks.rglob("*.ipynb"))
    fix = "run `make notebooks` (it writes the launch notebooks)"
    for notebook in stored:
        target = launch_path(notebook, layout)
        try:
            want = expected(notebook, layout, known)
        except (BookError, ValueError) as err:
            problem = getattr(err, "problem", None)
            out.append(problem or Problem("launch-syntax", layout.rel(notebook), None, str(err), fix))
            continue
        if not target.exists():
            out.append(Problem("stale-launch", layout.rel(target), None, "it does not exist", fix))
        elif target.read_text(encoding="utf-8") != want:
            out.append(Problem("stale-launch", layout.rel(target), None,
                               f"it is not the plain-Jupyter form of {layout.rel(notebook)} today", fix))
    wanted = {launch_path(n, layout) for n in stored}
    for orphan in sorted((layout.root / "launch").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in orphan.parts:
            continue
        if orphan not in wanted:
            out.append(Problem("orphan-notebook", layout.rel(orphan), None,
                               "no stored notebook makes this launch notebook", f"delete {layout.rel(orphan)}"))
    return out
