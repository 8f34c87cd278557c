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
def test_page_loads_cleanly_and_only_from_the_site(visit, path):
    v = visit(path)
    assert v.errors == [], f"{path}: console errors {v.errors}"
    assert v.outside == [], f"{path}: requests leaving the site {v.outside}"


@pytest.mark.parametrize("path", CODE_CHAPTERS)
def test_chapter_shows_code_outputs_and_typeset_math(visit, path):
    v = visit(path)
    assert v.page.locator("div.cell").count() > 0, "no code cells"
    assert v.page.locator("div.cell_output").count() > 0, "no outputs"
    assert v.page.locator("button.copybtn").count() > 0, "no copy buttons"
    if (SITE / path).read_text(encoding="utf-8").count('class="math'):
        v.page.wait_for_selector("mjx-container", state="attached", timeout=20_000)
        assert v.page.locator("span.math mjx-container, div.math mjx-container").count() > 0
    v.page.screenshot(path=str(SCREENSHOTS / (path.replace("/", "_") + ".png")))


@pytest.mark.parametrize("path", CHAPTERS)
def test_language_switch_lands_on_the_counterpart(visit, path):
    v = visit(path)
    v.page.click("p.language-switch a")
    v.page.wait_for_load_state("networkidle")
    lang, other = ("zh", "en") if "/zh/" in path else ("en", "zh")
    assert v.page.url.endswith(path.replace(f"/{lang}/", f"/{other}/"))


@pytest.mark.parametrize("query", ["张量", "梯度", "gradient", "tensor"])
def test_search_finds_chinese_and_english_words(visit, query):
    v = visit(f"search.html?q={query}")
    v.page.wait_for_selector("ul.search li", timeout=20_000)
    assert v.page.locator("ul.search li").count() > 0
    if query == "张量":
        v.page.screenshot(path=str(SCREENSHOTS / "search_zh.png"))
