"""The site as a reader sees it, in headless Chromium, served from 127.0.0.1 only."""
import re

import pytest

from conftest import ROOT, SCREENSHOTS, SITE, close
from interface import other_language
from layout import FIRST_SCREEN, clipped_blocks, first_listing, is_forward, opens_with_theory

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
    if is_forward(path):
        return
    first = first_listing(v.page)  # before any fold is opened
    if path in CODE_CHAPTERS:
        _shows_code_outputs_and_math(v, path)
    if path in CHAPTERS:
        _declares_its_language(v, path)
        _speaks_its_language(v, path)
        _solutions_are_folded_until_opened(v, path)
        _language_switch_lands_on_the_counterpart(v, path)
    _nothing_is_cut_off_and_code_comes_early(v, path, first)


def _nothing_is_cut_off_and_code_comes_early(v, path: str, first):
    """At 1440×900 no listing and no output scrolls sideways, folded ones included; and the
    first code a page teaches (the first cell that is not folded) starts on the first screen:
    the set-up and option cells are folded, and what comes before it is short."""
    clipped = clipped_blocks(v.page)
    assert not clipped, f"{path}: {len(clipped)} block(s) scroll sideways: " + "; ".join(
        f"{c['hidden']} px of {c['line'][:90]!r}" for c in clipped)
    if path in CODE_CHAPTERS and not opens_with_theory(path):
        assert first is not None, f"{path}: no unfolded code cell"
        assert first <= FIRST_SCREEN, f"{path}: the first listing starts at {first:.0f} px"


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


def _speaks_its_language(v, path: str):
    """The interface (contents, search, previous/next, buttons, figure numbers, citations,
    footer) is in the page's language: interface.py lists what is not."""
    lang = "zh" if "/zh/" in path else "en"
    wrong = other_language(v.page, lang)
    assert not wrong, f"{path}: interface words in the other language: {wrong}"


@pytest.mark.parametrize("path, lang, done", [("search-zh.html?q=梯度带", "zh", "搜索完毕"),
                                              ("search.html?q=gradient", "en", "Search finished")])
def test_each_language_has_its_own_search_page(visit, path, lang, done):
    """A Chinese page's search box leads to the Chinese search page, whose words (results
    and messages included) are Chinese; an English page's to the English one."""
    v = visit(path)
    v.page.wait_for_function(f"() => document.body.innerText.includes({done!r})", timeout=30_000)
    assert v.page.locator("#search-results li").count() > 0, f"{path}: no results"
    wrong = other_language(v.page, lang)
    assert not wrong, f"{path}: interface words in the other language: {wrong}"


def test_chapters_and_figures_are_numbered_alike_in_both_languages():
    """Each language numbers its chapters from 1 (the preface has no number) and its
    figures per chapter: the same figure has the same number in zh and en."""
    def numbers(path):
        """The page's chapter number (a section page's is its chapter page's) and figures."""
        chapter_page = re.sub(r"/[^/]+\.html$", "/index.html", path) if path.count("/") > 2 else path
        number = re.search(r'<h1><span class="section-number">(\d+)\. </span>',
                           (SITE / chapter_page).read_text(encoding="utf-8"))
        figures = re.findall(r'<span class="caption-number">(?:图|Fig\.) ([\d.]+) </span>',
                             (SITE / path).read_text(encoding="utf-8"))
        return number and number[1], figures
    zh_pages = [p for p in CHAPTERS if "/zh/" in p]
    assert zh_pages
    chapters = set()
    for zh in zh_pages:
        en = zh.replace("/zh/", "/en/")
        assert numbers(zh) == numbers(en), f"{zh}: {numbers(zh)}, {en}: {numbers(en)}"
        chapter, figures = numbers(zh)
        assert (chapter is None) == zh.endswith("/preface.html"), f"{zh}: chapter number {chapter}"
        assert all(f.startswith(f"{chapter}.") for f in figures), f"{zh}: figures {figures}"
        chapters.add(chapter)
    assert sorted(chapters - {None}, key=int) == [str(n) for n in range(1, len(chapters))]


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
    target = v.page.locator("a.language-switch").first.evaluate("a => a.href")
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
        close(page)


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


def test_the_landing_page_lists_both_languages_under_its_title_once(visit):
    v = visit("book/index.html")
    shown = [a.evaluate("a => a.href") for a in v.page.locator(".bd-links a").all() if a.is_visible()]
    for lang in ("zh", "en"):
        assert [h for h in shown if f"/notebooks/{lang}/" in h], f"the landing page's sidebar lacks {lang}"
    title = v.page.locator("h1").first.inner_text().rstrip("#").strip()
    seen = v.page.evaluate("""title => { let seen = 0;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n; (n = walker.nextNode());)
          if (n.textContent.trim() === title && n.parentElement.checkVisibility()) seen++;
        return seen; }""", title)
    assert seen == 1, f"the landing page shows its title {seen} times"
    assert v.page.title() == title, f"the browser's tab says {v.page.title()!r}"


def test_each_term_links_to_the_glossary_once_per_language_where_its_chapter_first_uses_it():
    """The terminology table's terms are linked from the book (glossary.py): each anchor exists
    on the terminology page, each term is linked once per language, the book's central terms
    are among them, and no page before the linked one in its chapter uses the term."""
    glossary = (SITE / "book" / "terminology.html").read_text(encoding="utf-8")
    link = re.compile(r'<a class="glossary-link[^"]*" href="[^"#]*terminology\.html#(term-[\w-]+)"'
                      r'[^>]*>([^<]+)</a>')
    for lang, central in (("zh", {"term-tensor": "张量", "term-learning-rate": "学习率",
                                  "term-overfitting": "过拟合", "term-input-pipeline": "输入流水线"}),
                          ("en", {"term-tensor": "tensor", "term-learning-rate": "learning rate",
                                  "term-overfitting": "overfitting", "term-input-pipeline": "input pipeline"})):
        pages = [p for p in CHAPTERS if f"/{lang}/" in p]
        found: dict[str, tuple[str, str]] = {}
        for page in pages:
            for anchor, text in link.findall((SITE / page).read_text(encoding="utf-8")):
                assert anchor not in found, f"{anchor} linked on {found[anchor][0]} and on {page}"
                assert f'id="{anchor}"' in glossary, f"{page}: no row {anchor} in the glossary"
                found[anchor] = (page, text)
        assert len(found) > 100, f"{lang}: only {len(found)} terms linked"
        for anchor, word in central.items():
            assert anchor in found and word in found[anchor][1].lower(), f"{lang}: {anchor} not linked"
        for anchor, (page, text) in found.items():  # not used on an earlier page of its chapter
            chapter = page.rsplit("/", 1)[0]
            earlier = [p for p in _reading_order(lang) if p.rsplit("/", 1)[0] == chapter]
            for before in earlier[:earlier.index(page)]:
                html = (SITE / before).read_text(encoding="utf-8")
                article = html[html.index('<article'):html.index('</article>')]  # not the menus
                prose = re.sub(r"<(pre|code|h\d|a)\b[^>]*>.*?</\1>", "", article, flags=re.S)
                assert f">{text}<" not in prose, f"{anchor}: '{text}' on {before}, linked on {page}"


def _reading_order(lang: str) -> list[str]:
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    return [f"{f}.html" for f in re.findall(rf"file:\s*(notebooks/{lang}/\S+)", toc)]
