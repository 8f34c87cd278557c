"""The chapter numbers the prose quotes are the numbers the reader sees.

_toc.yml numbers each language's chapters from 1 (a part with ``numbered:``; the preface
sits in a part of its own, unnumbered), and the site and the PDF print those numbers. So:

- both languages number the same chapters alike (zh chapter N and en chapter N are
  counterparts);
- a page that says "第 3 章" or "chapter 3" means a chapter that exists;
- when the mention comes with a link to one of the book's pages, the page is in that
  chapter: the link it sits in (``{doc}`第 2 章的 LinearLayer <../model/custom>```), one
  right before or after it (``第 3 章{doc}`保存与加载 <...>```, ``the {doc}`saving page <...>`
  of chapter 3``), or else the first link after it in the same sentence. The same holds
  for 下一章 / 上一章 / 本章 (next, previous, this chapter) with a link.

A chapter of another book (``{cite:t}`geron2022hands` 第 12 章``) is not the book's: a
citation next to the mention, in the same sentence, marks it.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .chapters import Chapter, Prose, read_chapter
from .layout import LANGUAGES, Layout
from .problems import BookError, Problem

MENTIONS = {
    "zh": re.compile(r"第\s*(\d+)((?:\s*[、，,和与及]\s*\d+)*)\s*章|(下一章|上一章|本章)"),
    "en": re.compile(r"\bchapters?\s+(\d+)((?:\s*(?:,|and|or|to|–)\s*\d+)*)"
                     r"|\b(next chapter|previous chapter|this chapter)\b", re.I),
}
RELATIVE = {"下一章": 1, "上一章": -1, "本章": 0, "next chapter": 1, "previous chapter": -1,
            "this chapter": 0}
DOC = re.compile(r"\{doc\}`(?:[^`<]*<([^`>]+)>|([^`]+))`")
CITE = re.compile(r"\{cite(?::\w+)?\}`[^`]*`")
SENTENCE_END = re.compile(r"[。！？；]|[.;!?](?=\s)|\n\s*\n")
COMMENT = re.compile(r"<!--.*?-->", re.S)
NEAR = 12  # characters between a mention and the citation or link next to it
FIX = "quote the number _toc.yml gives the chapter (the site and the PDF print it)"


def toc_chapters(root: Path) -> dict[str, dict[str, int]]:
    """Each language's chapter number of every page in a numbered part, counted as Sphinx
    counts (from 1 in each numbered part, unless use_multitoc_numbering goes on counting):
    {"zh": {"notebooks/zh/model/mlp": 2, ...}, "en": {...}}; empty without a _toc.yml."""
    toc_path, config_path = root / "_toc.yml", root / "_config.yml"
    if not toc_path.exists():
        return {}
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) if config_path.exists() else None
    continuous = ((config or {}).get("html") or {}).get("use_multitoc_numbering", True)
    numbers: dict[str, dict[str, int]] = {lang: {} for lang in LANGUAGES}
    count = 0
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        count = count if continuous else 0
        for chapter in part.get("chapters", []):
            count += 1
            for entry in _entries(chapter):
                parts = entry["file"].split("/")
                if len(parts) > 2 and parts[1] in numbers:
                    numbers[parts[1]][entry["file"]] = count
    return numbers


def _entries(entry: dict) -> list[dict]:
    found = [entry]
    for section in entry.get("sections", []):
        found += _entries(section)
    return found


def problems(layout: Layout, pages: dict[Path, Chapter]) -> list[Problem]:
    """`pages`: the chapters of both languages, as read (the landing page and the
    appendices, which quote both languages' numbers, are read here)."""
    chapters = toc_chapters(layout.root)
    if not chapters:
        return []
    out = _parity(chapters)
    for path, page in sorted(pages.items()):
        lang = path.relative_to(layout.book).parts[0]
        name = "notebooks/" + path.relative_to(layout.book).with_suffix("").as_posix()
        out += _page_problems(layout, page, [lang], chapters[lang], chapters[lang].get(name))
    for path in sorted(layout.book.glob("*.md")):
        try:
            page = read_chapter(path, layout.root)
        except BookError as err:
            out.append(err.problem)
            continue
        out += _page_problems(layout, page, list(LANGUAGES), chapters["zh"], None)
    return out


def _parity(chapters: dict[str, dict[str, int]]) -> list[Problem]:
    zh = {page.replace("/zh/", "/en/", 1): number for page, number in chapters["zh"].items()}
    en = chapters["en"]
    differ = [f"{page.replace('notebooks/', '')} is chapter {en.get(page, '-')}, its zh page "
              f"chapter {zh.get(page, '-')}" for page in sorted(set(zh) | set(en))
              if zh.get(page) != en.get(page)]
    if not differ:
        return []
    return [Problem("chapter-number", Path("_toc.yml"), None,
                    "the languages number their chapters differently: " + "; ".join(differ[:3]),
                    "list both languages' chapters in the same order, each language's in a "
                    "numbered part (use_multitoc_numbering: false counts each part from 1)")]


def _page_problems(layout: Layout, page: Chapter, languages: list[str], numbers: dict[str, int],
                   own: int | None) -> list[Problem]:
    count, path = max(numbers.values(), default=0), page.path
    out = []
    for block in (b for b in page.blocks if isinstance(b, Prose)):
        text = COMMENT.sub(lambda m: re.sub(r"\S", " ", m[0]), block.text)
        for lang in languages:
            for match in MENTIONS[lang].finditer(text):
                out += _mention_problems(layout, path, block.line, text, match, lang, numbers,
                                         count, own)
    return out


def _mention_problems(layout, path, first_line, text, match, lang, numbers, count, own):
    sentence = _sentence(text, match)
    if _cited(text, match, sentence):
        return []
    line = first_line + text[:match.start()].count("\n")
    where = f"{match[0]!r} in “{text[max(0, match.start() - 10):match.end() + 20]}”".replace("\n", " ")
    quoted = [int(n) for n in re.findall(r"\d+", match[0])]
    out = [Problem("chapter-number", layout.rel(path), line,
                   f"{where}: the book's chapters are 1 to {count}", FIX)
           for number in quoted if not 1 <= number <= count]
    if out:
        return out
    link = _link(text, match, sentence, MENTIONS[lang], loose=not match[3])
    meant = quoted[0] if len(quoted) == 1 else None
    if match[3] and own:
        meant = own + RELATIVE[match[3].lower()]
    linked = numbers.get(_page(layout, path, link)) if link else None
    if linked and meant and linked != meant:
        out.append(Problem("chapter-number", layout.rel(path), line,
                           f"{where}: it links to {link}, a page of chapter {linked}",
                           f"{FIX}; or link to a page of chapter {meant}"))
    return out


def _sentence(text: str, match: re.Match) -> tuple[int, int]:
    before = [m.end() for m in SENTENCE_END.finditer(text, 0, match.start())]
    after = SENTENCE_END.search(text, match.end())
    return before[-1] if before else 0, after.start() if after else len(text)


def _cited(text: str, match: re.Match, sentence: tuple[int, int]) -> bool:
    """Another book's chapter: a citation right before or after the mention ("{cite:t}`x`
    第 3 章和第 7 章", "chapter 12 of {cite:t}`x`")."""
    return any(0 <= match.start() - cite.end() <= 2 * NEAR or 0 <= cite.start() - match.end() <= NEAR
               for cite in CITE.finditer(text, *sentence))


def _link(text: str, match: re.Match, sentence: tuple[int, int], mention: re.Pattern,
          loose: bool) -> str | None:
    """The {doc} target that goes with a mention (see the module's docstring); a relative
    one (本章, next chapter) takes only a link right next to it."""
    links = [(m.start(), m.end(), m[1] or m[2]) for m in DOC.finditer(text, *sentence)]
    for start, end, target in links:
        if start <= match.start() and match.end() <= end:
            return target
        if end <= match.start() and re.fullmatch(r"\s*(of|in)?\s*", text[end:match.start()]):
            return target
    for start, _, target in links:
        if start >= match.end():
            gap = text[match.end():start]
            if re.fullmatch(r"\s*(?:的|['’]s)?\s*", gap) or (loose and not mention.search(gap)):
                return target
            return None
    return None


def _page(layout: Layout, path: Path, link: str) -> str:
    """{doc}`<../model/custom>` on book/zh/custom/losses.md -> notebooks/zh/model/custom."""
    target = (path.parent / link.strip()).resolve()
    book = layout.book.resolve()
    return "notebooks/" + target.relative_to(book).as_posix() if target.is_relative_to(book) else ""
