"""Readable section links in both languages, a language switch that keeps the reader's
place, and appendices a reader can use (term anchors, author-year reference labels)."""
import re

from conftest import SITE

ZH, EN = "notebooks/zh/model/cnn.html", "notebooks/en/model/cnn.html"


def test_chinese_headings_have_readable_anchors():
    html = (SITE / ZH).read_text(encoding="utf-8")
    ids = re.findall(r'<section id="([^"]+)"', html)
    assert "填充与步长" in ids, ids
    assert not [i for i in ids if re.fullmatch(r"id\d+", i)], ids


def test_the_language_switch_keeps_the_section(visit):
    v = visit(f"{ZH}#填充与步长")
    v.page.locator("a.language-switch").first.click()
    v.page.wait_for_url(re.compile(r"/en/model/cnn\.html#padding-and-strides$"))
    v.page.locator("a.language-switch").first.click()
    v.page.wait_for_url(re.compile(r"/zh/model/cnn\.html#"))
    assert v.page.evaluate("decodeURIComponent(location.hash)") == "#填充与步长"


def test_the_glossary_has_anchors_and_the_bibliography_author_year_labels():
    terms = (SITE / "book" / "terminology.html").read_text(encoding="utf-8")
    assert 'id="term-tensor"' in terms and 'id="term-learning-rate"' in terms
    refs = (SITE / "book" / "references.html").read_text(encoding="utf-8")
    labels = re.findall(r'class="label"><span class="fn-bracket">\[</span>([^<]+)<', refs)
    assert "Xiao et al., 2017" in labels and "Kingma and Ba, 2015" in labels, labels
    assert not [l for l in labels if not re.search(r", \d{4}[a-z]?$", l)], labels
    assert " and others" not in refs
