"""Glossary links: each term of the terminology table is linked to its row, once per
language, where the book first uses it: in reading order, within the chapter whose group of
the table lists it (the table groups its terms by the chapter that introduces them).

A reader meets 学习率 / "learning rate" first on some page; there the word becomes a link to
``terminology.html#term-learning-rate``, with the other language's term as its tooltip. Later
uses stay plain text, so pages do not fill with links. A few words the book also uses in
another sense ("returns a tensor") are never linked. Only prose counts: code, outputs,
headings, captions, existing links and folded solutions are left alone. Chinese text is
split into words by jieba with the table's terms as its dictionary, so 梯度 is not found
inside 梯度带; English terms match whole words, plural included.

The links are made for the HTML site only: in the PDF, the glossary is a chapter of its own
and a link into ``terminology.html`` would lead nowhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

GLOSSARY = "book/terminology"
GLOSS = re.compile(r"[（(][^）)]*[）)]")  # 梯度带（gradient tape） -> 梯度带
HAN = re.compile(r"[\u4e00-\u9fff]")
# Words the book also uses in another sense: "returns a tensor", a variable's 状态, "split the
# lines" (the table's split is a TFDS split), "map traces its function" (a profiler's trace).
AMBIGUOUS = {"return", "state", "状态", "split", "trace"}


@dataclass(frozen=True)
class Term:
    anchor: str          # term-learning-rate
    chapter: int | None  # the chapter whose group lists it (None: the table of one translation)
    zh: tuple[str, ...]  # 学习率
    en: tuple[str, ...]  # learning rate
    tooltip_zh: str      # shown on a zh page: the English term
    tooltip_en: str      # shown on an en page: the Chinese term


def _slug(text: str) -> str:
    text = re.sub(r"[^\w\s-]", "", text.lower(), flags=re.U)
    return re.sub(r"[\s_-]+", "-", text).strip("-") or "section"


def read_terms(table: Path) -> list[Term]:
    """The table's rows, with the anchor `anchor_the_terms` gives each row (the first row
    that names an English term owns its anchor; later rows add no link)."""
    terms, anchors, chapter = [], set(), None
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            number = re.match(r"## 第 (\d+) 章", line)
            chapter = int(number[1]) if number else None
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or set(cells[0]) <= set("-: "):
            continue
        if cells[0].startswith(("中文", "用 ·")):
            continue  # a header row
        zh_cell, en_cell = cells[0], cells[2 if len(cells) > 3 else 1]
        en_cell = en_cell.replace("`", "")
        anchor = "term-" + _slug(re.split(r"[,(（]", en_cell)[0])
        if anchor in anchors:
            continue
        anchors.add(anchor)
        if "/" in zh_cell + en_cell:  # 训练 / 测试集: two terms in one row, neither alone
            continue
        zh = tuple(p.strip() for p in re.split(r"[，,、]", GLOSS.sub("", zh_cell))
                   if HAN.search(p) and len(p.strip()) > 1 and " " not in p.strip()
                   and p.strip() not in AMBIGUOUS)
        en = tuple(" ".join(p.split()) for p in re.split(r",", GLOSS.sub("", en_cell))
                   if len(p.strip()) > 2 and not HAN.search(p) and p.strip() not in AMBIGUOUS)
        terms.append(Term(anchor, chapter, zh, en, tooltip_zh=en_cell, tooltip_en=GLOSS.sub("", zh_cell)))
    return terms


def _prose_texts(doctree):
    """The Text nodes a reader reads as prose, in document order."""
    from docutils import nodes
    from sphinx import addnodes

    skip = (nodes.literal, nodes.literal_block, nodes.title, nodes.reference, nodes.raw,
            nodes.math, nodes.math_block, nodes.caption, nodes.rubric, nodes.comment,
            nodes.target, nodes.citation_reference, addnodes.pending_xref, nodes.subtitle,
            nodes.field_name, nodes.term, nodes.image)

    def hidden(node):
        classes = node.get("classes", []) if isinstance(node, nodes.Element) else []
        return (isinstance(node, skip) or "cell_output" in classes or "cell_input" in classes
                or any("solution" in c or "dropdown" in c for c in classes)
                or type(node).__name__.startswith(("solution", "CellOutput")))

    def walk(node):
        if isinstance(node, nodes.Text):
            yield node
            return
        if hidden(node):
            return
        for child in node.children:
            yield from walk(child)

    yield from walk(doctree)


class Matcher:
    """Finds the table's terms in a text of one language."""

    def __init__(self, terms: list[Term], language: str):
        self.language = language
        self.by_word: dict[str, Term] = {}
        for term in terms:
            for word in (term.zh if language == "zh" else term.en):
                self.by_word.setdefault(word if language == "zh" else word.lower(), term)
        if language == "zh":
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            self.tokenizer = jieba.Tokenizer()
            self.tokenizer.initialize()
            for word in self.by_word:
                self.tokenizer.add_word(word, freq=100000)
        else:
            words = sorted(self.by_word, key=len, reverse=True)
            self.pattern = re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
                + r")(?:s|es)?(?![\w-])", re.I)

    def find(self, text: str):
        """(start, end, term) for each term in ``text``, in order."""
        if self.language == "zh":
            at = 0
            for word in self.tokenizer.cut(text, HMM=False):
                if word in self.by_word:
                    yield at, at + len(word), self.by_word[word]
                at += len(word)
        else:
            for match in self.pattern.finditer(text):
                word = " ".join(match.group(1).lower().split())  # a line break inside it
                yield match.start(), match.end(), self.by_word[word]


_MATCHERS: dict[str, Matcher] = {}  # jieba's dictionary takes seconds to load: once a build


def _matcher(terms: list[Term], language: str) -> Matcher:
    if language not in _MATCHERS:
        _MATCHERS[language] = Matcher(terms, language)
    return _MATCHERS[language]


def _language(docname: str) -> str | None:
    for language in ("zh", "en"):
        if f"/{language}/" in f"/{docname}":
            return language
    return None


def _reading_order(env) -> list[str]:
    order, seen = [], set()

    def visit(doc):
        if doc in seen:
            return
        seen.add(doc)
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            visit(child)
    visit(env.config.root_doc)
    return order + sorted(set(env.found_docs) - seen)


def find_first_uses(app, env):
    """After reading: for each language, the page where each term is first used."""
    table = Path(app.confdir) / f"{GLOSSARY}.md"
    env.book_glossary_first = {}
    if not table.is_file() or app.builder.format != "html":
        return
    terms = read_terms(table)
    _MATCHERS.clear()
    matchers = {language: _matcher(terms, language) for language in ("zh", "en")}
    first: dict[tuple[str, str], str] = {}  # (language, anchor) -> docname
    chapters: dict[str, list[str]] = {"zh": [], "en": []}  # chapter folders, in reading order
    for docname in _reading_order(env):
        language = _language(docname)
        if language is None or docname == GLOSSARY:
            continue
        folder = docname.rsplit("/", 1)[0]
        if folder.count("/") >= 2 and folder not in chapters[language]:
            chapters[language].append(folder)  # notebooks/en/basics: chapter 1
        number = chapters[language].index(folder) + 1 if folder in chapters[language] else None
        for text in _prose_texts(env.get_doctree(docname)):
            for _, _, term in matchers[language].find(str(text)):
                if term.chapter in (None, number):  # first used in the chapter that lists it
                    first.setdefault((language, term.anchor), docname)
    env.book_glossary_first = first
    env.book_glossary_terms = terms


def link_first_uses(app, doctree, docname):
    """On the page where a term is first used, its first use links to the glossary row."""
    first = getattr(app.env, "book_glossary_first", {})
    language = _language(docname)
    mine = {anchor for (lang, anchor), doc in first.items() if doc == docname and lang == language}
    if not mine or app.builder.format != "html":
        return
    from docutils import nodes

    matcher = _matcher(app.env.book_glossary_terms, language)
    uri = app.builder.get_relative_uri(docname, GLOSSARY)
    for text in list(_prose_texts(doctree)):
        hits = [(s, e, t) for s, e, t in matcher.find(str(text)) if t.anchor in mine]
        if not hits:
            continue
        parts, at = [], 0
        for start, end, term in hits:
            if term.anchor not in mine:
                continue  # linked earlier in this same text
            mine.discard(term.anchor)
            parts.append(nodes.Text(str(text)[at:start]))
            link = nodes.reference("", str(text)[start:end], internal=True,
                                   refuri=f"{uri}#{term.anchor}", classes=["glossary-link"],
                                   reftitle=term.tooltip_zh if language == "zh" else term.tooltip_en)
            parts.append(link)
            at = end
        parts.append(nodes.Text(str(text)[at:]))
        text.parent.replace(text, [p for p in parts if not isinstance(p, nodes.Text) or str(p)])
        if not mine:
            break


def setup(app):
    app.connect("env-updated", find_first_uses)
    app.connect("doctree-resolved", link_first_uses)
