"""Search as a reader uses it: every term of the terminology table, Chinese and English,
finds every page whose prose uses it."""
import functools
import json
import re

import pytest

from booktools.quotes import HIDDEN
from booktools.sphinx_book import chinese_terms
from conftest import ROOT, close

TABLE = ROOT / "book" / "terminology.md"


def english_terms() -> list[str]:
    terms = set()
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 3 or set(cells[1]) <= set("-: ") \
                or cells[1] in ("English",) or cells[0].startswith("用"):
            continue
        for part in re.split(r"[,/;]", re.sub(r"\([^)]*\)", "", cells[1])):
            part = part.strip()
            if len(part) > 2 and re.fullmatch(r"[A-Za-z][A-Za-z -]*", part):
                terms.add(part)
    return sorted(terms)


@functools.lru_cache(maxsize=None)  # read once, searched for every term
def prose(notebook) -> str:
    """A page's prose as a reader reads it: its Markdown cells without code and math."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for pattern in HIDDEN:
        text = pattern.sub(" ", text)
    text = re.sub(r"\{\w+(?::\w+)?\}`[^`]*`|<!--.*?-->|\([^()\s]*\)", " ", text, flags=re.S)
    return re.sub(r"\s+", " ", text)


def pages_using(term: str, lang: str) -> list[str]:
    found = []
    for notebook in sorted((ROOT / "notebooks" / lang).rglob("*.ipynb")):
        text = prose(notebook)
        used = term in text if lang == "zh" else re.search(rf"\b{re.escape(term)}\b", text, re.I)
        if used:
            found.append(notebook.relative_to(ROOT).with_suffix("").as_posix())
    return found


# Terms the search cannot find as written, and why; the test searches the word given instead.
UNSEARCHABLE = {
    "ε-贪心": ("贪心", "the search page splits the query at the hyphen and Sphinx indexes no "
                     "one-character word, so ε is not in the index"),
}
QUERY = "q => { const parsed = Search._parseQuery(q); return Search._performSearch(...parsed).map(r => r[0]); }"


@pytest.fixture(scope="module")
def search(reader, server):
    page = reader.new_page()
    page.goto(f"{server}/search.html", wait_until="networkidle")
    page.wait_for_function("() => typeof Search !== 'undefined' && Search.hasIndex()", timeout=30_000)
    yield lambda term: set(page.evaluate(QUERY, term))
    close(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_term_finds_every_page_that_uses_it(search, lang):
    terms = chinese_terms(TABLE) if lang == "zh" else english_terms()
    assert len(terms) > 100
    missed = {}
    for term in terms:
        found = search(UNSEARCHABLE.get(term, (term,))[0])
        lost = [page for page in pages_using(term, lang) if page not in found]
        if lost:
            missed[term] = lost
    assert not missed, f"{len(missed)} of {len(terms)} terms miss pages: " + "; ".join(
        f"{t}: {', '.join(p.split('/', 2)[-1] for p in pages)}" for t, pages in list(missed.items())[:15])
