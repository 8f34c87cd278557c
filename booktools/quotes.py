"""Numbers the prose quotes from a run are in the page's stored outputs.

Three kinds of quoted number, in prose (not in code or math), are checked:

- a decimal with three or more digits after the point (``0.8523``): it must appear in the
  outputs of the page's notebook;
- a percentage (``75%``, ``75.0 %``): the outputs must print it as a percentage;
- a multiple (``3 倍``, ``5 to 12 times faster``, ``a factor of two``, ``三分之一``, ``2.5x``):
  the outputs must print it as a multiple (``2.5x``, ``2.5×``, ``2.5 times``), or the page
  derives it.

A claim the text derives from printed numbers is listed, as written, in an HTML comment on
its page, ``<!-- derived: 13% = (0.6433 - 0.5704) / 0.5704 -->``, which readers do not see
and this check reads. Sizes such as ``28×28`` are not claims.
"""
from __future__ import annotations

import re

import nbformat

from .chapters import Chapter, Prose
from .layout import Layout
from .problems import Problem

DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d{3,}(?!\w|\.\d)")
NUMBER = r"\d+(?:\.\d+)?"
PERCENT = re.compile(rf"(?<![\w.])({NUMBER})\s?[%％]")
WORD_NUMBER = (r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|fifty|"
               r"a hundred|hundreds|a thousand|thousands|several|many|a few)")
COMPARATIVE = (r"(?:faster|slower|larger|smaller|more|less|fewer|longer|shorter|bigger|higher|"
               r"lower|as\b|the\b|that\b|what\b|its\b|their\b|cheaper|quicker|heavier|wider)")
ZH_NUMBER = r"[一二两三四五六七八九十百千几数]+"
MULTIPLE = re.compile("|".join([
    rf"(?<![\w.]){NUMBER}(?:\s*(?:to|-|–|or|到|至)\s*{NUMBER})?\s*(?:times|-fold)\s+{COMPARATIVE}",
    rf"\b{WORD_NUMBER}(?:\s*(?:to|-|or)\s*{WORD_NUMBER})?\s*(?:times|-fold)\s+{COMPARATIVE}",
    rf"\btwice\s+(?:as|the|faster|slower)\b",
    rf"\b(?:a\s+)?factor\s+of\s+(?:{NUMBER}|{WORD_NUMBER})\b",
    rf"(?<![\w.×x*])(?:{NUMBER}|{ZH_NUMBER})(?:\s*(?:到|至|-|–)\s*(?:{NUMBER}|{ZH_NUMBER}))?\s*倍",
    rf"(?<![\w.×x*]){NUMBER}\s?[x×](?!\s*\d|\w)",
    rf"[一二三四五六七八九十百]分之[一二三四五六七八九十百]+",
    r"\b(?:a|one|two)\s+(?:third|quarter|fifth|tenth)s?\b(?=\s+(?:of|as)\b)",
]), re.I)
HIDDEN = [re.compile(p, re.S) for p in (r"```.*?```", r"~~~.*?~~~", r"\$\$.*?\$\$", r"\$[^$\n]+\$",
                                         r"`[^`\n]+`", r"\{math\}`[^`]*`", r"\]\([^)]*\)",
                                         r"<[^<>\n]+>")]
DERIVED = re.compile(r"<!--\s*derived:(.*?)-->", re.S)


def problems(chapter: Chapter, nb: nbformat.NotebookNode, layout: Layout) -> list[Problem]:
    printed = "\n".join(_texts(nb))
    derived = _squeeze(" ".join(DERIVED.findall(chapter.path.read_text(encoding="utf-8"))))
    out = []
    for line, claim, kind in quoted(chapter):
        if _is_printed(claim, kind, printed) or _squeeze(claim) in derived:
            continue
        what = {"decimal": "", "percent": " as a percentage", "multiple": " as a multiple"}[kind]
        out.append(Problem(
            "quoted-number", layout.rel(chapter.path), line,
            f"{claim!r} is not printed{what} in this page's stored outputs",
            "quote what the code printed (make it print the claim); if the text derives it, "
            f"say how and list it in a comment <!-- derived: {claim} = ... --> on the page"))
    return out


def quoted(chapter: Chapter):
    """(line, claim as written, kind) for each number the prose quotes."""
    for block in chapter.blocks:
        if not isinstance(block, Prose):
            continue
        text = DERIVED.sub(lambda m: "\n" * m[0].count("\n"), block.text)
        for pattern in HIDDEN:
            text = pattern.sub(lambda m: "\n" * m[0].count("\n"), text)
        for kind, pattern in (("decimal", DECIMAL), ("percent", PERCENT), ("multiple", MULTIPLE)):
            for match in pattern.finditer(text):
                yield block.line + text[:match.start()].count("\n"), match[0], kind


def _is_printed(claim: str, kind: str, printed: str) -> bool:
    if kind == "decimal":
        return claim in printed
    number = re.match(NUMBER, claim) if claim[:1].isdigit() else None
    if number is None or re.search(r"\d\s*(?:to|-|–|到|至|or)\s*\d", claim):
        return False  # words and ranges are derived, not printed
    value = re.escape(number[0])
    if kind == "percent":
        return re.search(rf"(?<![\d.]){value}(?:\.0+)?\s?%", printed) is not None
    return re.search(rf"(?<![\d.]){value}(?:\.0+)?\s?(?:x|×|times|倍)", printed) is not None


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _texts(nb: nbformat.NotebookNode):
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                yield out["text"]
            for key in ("text/plain", "text/html"):
                if key in out.get("data", {}):
                    yield out["data"][key]
