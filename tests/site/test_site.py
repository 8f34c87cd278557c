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
    heading = solutions.first.locator("p.admonition-title").first
    title = heading.inner_text()
    want = "参考答案：练习 1（" if "/zh/" in path else "Solution to Exercise 1 ("
    assert title.startswith(want), f"{path}: the first solution is titled {title!r}"
    assert heading.locator("a").count() == 0, f"{path}: the solution's title is a link, not a toggle"
    heading.click()  # where a reader clicks: the title itself opens the solution
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
    """The switch's link, resolved by the browser, is the counterpart page, which the site
    has (and which this test visits on its own: no second load here)."""
    target = v.page.locator("p.language-switch a").first.evaluate("a => a.href")
    lang, other = ("zh", "en") if "/zh/" in path else ("en", "zh")
    counterpart = path.replace(f"/{lang}/", f"/{other}/")
    assert target.split("#")[0].endswith(counterpart), f"{path}: the language switch leads to {target}"
    assert (SITE / counterpart).exists(), f"{path}: the counterpart {counterpart} is not built"


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True)
    yield context
    context.close()


@pytest.mark.parametrize("path", ["notebooks/zh/model/cnn.html", "notebooks/en/custom/loop.html"])
def test_on_a_phone_the_drawer_and_the_outline_open_with_a_tap(phone, server, path):
    page = phone.new_page()
    try:
        page.goto(f"{server}/{path}", wait_until="networkidle")
        page.locator("button.primary-toggle:visible").tap()
        drawer = page.locator("dialog#pst-primary-sidebar-modal[open]")
        drawer.wait_for(state="visible", timeout=5_000)
        chapters = drawer.locator("a.reference").all_inner_texts()
        assert len(chapters) > 20, f"{path}: the drawer lists {chapters}"
        page.screenshot(path=str(SCREENSHOTS / ("phone_drawer_" + path.replace("/", "_") + ".png")))
        page.keyboard.press("Escape")
        page.locator("button.secondary-toggle:visible").tap()
        outline = page.locator("dialog#pst-secondary-sidebar-modal[open]")
        outline.wait_for(state="visible", timeout=5_000)
        assert outline.locator("nav a").count() > 2, f"{path}: the outline is empty"
    finally:
        page.close()


def test_on_a_desktop_the_menu_button_hides_the_sidebar_and_search_appears_once(visit):
    v = visit("notebooks/en/model/mlp.html")
    assert v.page.locator("input[type=search]:visible, .search-button-field:visible").count() == 1
    sidebar = v.page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible()
    v.page.locator("button.primary-toggle:visible").first.click()
    sidebar.wait_for(state="hidden", timeout=5_000)


@pytest.mark.parametrize("path", ["notebooks/zh/custom/graphs.html", "notebooks/en/preface.html"])
def test_one_language_at_a_time(visit, path):
    """Previous and next never cross into the other language; the sidebar lists the page's
    own language; Chinese text is set in a Chinese font."""
    v = visit(path)
    lang, other = ("zh", "en") if "/zh/" in path else ("en", "zh")
    for link in v.page.locator("a.left-prev, a.right-next").all():
        href = link.evaluate("a => a.href")
        assert f"/{other}/" not in href, f"{path}: previous/next leads into the other language: {href}"
    shown = [a.evaluate("a => a.href") for a in v.page.locator(".bd-links a").all() if a.is_visible()]
    assert shown and not [h for h in shown if f"/notebooks/{other}/" in h], f"{path}: sidebar shows {other}"
    font = v.page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font, f"{path}: no Chinese font in {font}"


def test_the_landing_page_lists_both_languages(visit):
    v = visit("book/index.html")
    shown = [a.evaluate("a => a.href") for a in v.page.locator(".bd-links a").all() if a.is_visible()]
    for lang in ("zh", "en"):
        assert [h for h in shown if f"/notebooks/{lang}/" in h], f"the landing page's sidebar lacks {lang}"
