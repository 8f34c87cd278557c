"""The site as a reader sees it, in headless Chromium, served from 127.0.0.1 only."""
import re

import pytest

from conftest import ROOT, SCREENSHOTS, SITE

PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
               if not p.relative_to(SITE).parts[0].startswith("_")) if SITE.exists() else []
CHAPTERS = [p for p in PAGES if re.match(r"notebooks/(zh|en)/", p)]
# Pages whose notebook runs code (the prefaces are prose only).
CODE_CHAPTERS = [p for p in CHAPTERS
                 if '"cell_type": "code"' in (ROOT / p).with_suffix(".ipynb").read_text("utf-8")]


@pytest.mark.parametrize("path", PAGES)
def test_page_as_a_reader_sees_it(visit, path):
    """One visit per page: it loads cleanly from the site alone; a chapter shows its code,
    outputs and typeset math, and its language switch lands on the counterpart."""
    v = visit(path)
    assert v.errors == [], f"{path}: console errors {v.errors}"
    assert v.outside == [], f"{path}: requests leaving the site {v.outside}"
    if path in CODE_CHAPTERS:
        _shows_code_outputs_and_math(v, path)
    if path in CHAPTERS:
        _declares_its_language(v, path)
        _solutions_are_folded_until_opened(v, path)
        _language_switch_lands_on_the_counterpart(v, path)


def _solutions_are_folded_until_opened(v, path: str):
    """Each exercise has a solution, folded on load; a click on its title opens it. Chinese
    pages title them in Chinese."""
    exercises, solutions = v.page.locator("div.exercise"), v.page.locator("div.solution")
    assert solutions.count() == exercises.count(), f"{path}: exercises and solutions differ in number"
    if not solutions.count():
        return
    first = solutions.first.locator("section, div.cell").first
    assert not first.is_visible(), f"{path}: the first solution is open before a click"
    title = solutions.first.locator("p.admonition-title").inner_text()
    want = "参考答案：练习 1（" if "/zh/" in path else "Solution to Exercise 1 ("
    assert title.startswith(want), f"{path}: the first solution is titled {title!r}"
    solutions.first.locator("button.toggle-button").click()
    first.wait_for(state="visible", timeout=5_000)


def _declares_its_language(v, path: str):
    assert v.page.locator('a[href*="/issues/new"]').count() > 0, f"{path}: no issue button"
    lang = "zh-CN" if "/zh/" in path else "en"
    assert v.page.locator("html").get_attribute("lang") == lang, f"{path}: <html lang> is not {lang}"
    alternates = v.page.locator('link[rel="alternate"][hreflang]')
    assert sorted(alternates.nth(i).get_attribute("hreflang") for i in range(alternates.count())) \
        == ["en", "zh-CN"], f"{path}: no hreflang links to both languages"


def _shows_code_outputs_and_math(v, path: str):
    assert v.page.locator("button.btn-launch-thebe").count() == 1, f"{path}: no Live Code button"
    assert v.page.locator("div.cell").count() > 0, f"{path}: no code cells"
    assert v.page.locator("div.cell_output").count() > 0, f"{path}: no outputs"
    assert v.page.locator("button.copybtn").count() > 0, f"{path}: no copy buttons"
    if (SITE / path).read_text(encoding="utf-8").count('class="math'):
        v.page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
        assert v.page.locator("span.math mjx-container, div.math mjx-container").count() > 0, \
            f"{path}: math not typeset"
    v.page.screenshot(path=str(SCREENSHOTS / (path.replace("/", "_") + ".png")))


def _language_switch_lands_on_the_counterpart(v, path: str):
    v.page.click("p.language-switch a")
    v.page.wait_for_load_state("networkidle")
    lang, other = ("zh", "en") if "/zh/" in path else ("en", "zh")
    assert v.page.url.endswith(path.replace(f"/{lang}/", f"/{other}/")), \
        f"{path}: the language switch led to {v.page.url}"


@pytest.mark.parametrize("query", ["张量", "梯度", "gradient", "tensor"])
def test_search_finds_chinese_and_english_words(visit, query):
    v = visit(f"search.html?q={query}")
    v.page.wait_for_selector("ul.search li", timeout=20_000)
    assert v.page.locator("ul.search li").count() > 0
    if query == "张量":
        v.page.screenshot(path=str(SCREENSHOTS / "search_zh.png"))


@pytest.mark.parametrize("path", ["notebooks/en/basics.html", "notebooks/zh/basics.html"])
def test_live_code_loads_only_when_the_reader_clicks(visit, path):
    v = visit(path)
    assert v.outside == [], f"{path}: requests leaving the site before the click {v.outside}"
    v.page.evaluate("initThebeSBT()")  # what the Live Code button runs
    v.page.wait_for_timeout(2000)
    assert any("thebe" in url or "binder" in url for url in v.outside), \
        f"{path}: Live Code asked for nothing (thebe from unpkg, then a Binder kernel): {v.outside}"


@pytest.mark.parametrize("path", ["notebooks/zh/basics.html", "notebooks/en/model/cnn.html",
                                  "book/terminology.html"])
def test_downloads_are_files_the_site_serves(visit, path):
    v = visit(path)
    links = v.page.locator("p.book-downloads a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert any(h.endswith(".zip") for h in hrefs), f"{path}: no notebooks zip in {hrefs}"
    if (ROOT / "_build" / "pdf" / "book-zh.pdf").exists():  # `make test` builds them first
        assert sum(h.endswith(".pdf") for h in hrefs) == 2, f"{path}: not both PDFs in {hrefs}"
    for href in hrefs:
        served = (SITE / path).parent / href
        assert served.resolve().is_file(), f"{path}: {href} is not in the site"
