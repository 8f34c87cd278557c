"""The page's header bar and the search, as a reader meets them: nothing but the page above
its title; Colab, Binder, Live Code and the language switch labelled in the page's language;
the book's own PDFs in the download menu; Live Code from the site, saying so when Binder
cannot be reached; search snippets that quote the page, and the reader's language first."""
import os
import re

import pytest

from booktools.offline import MARK
from conftest import SCREENSHOTS, SITE, close

ZH, EN = "notebooks/zh/model/cnn.html", "notebooks/en/model/cnn.html"
LAUNCH = {"zh": ("在 Colab 中打开", "在 Binder 中打开", "English"),
          "en": ("Open in Colab", "Open in Binder", "中文")}
# What a snippet quoted when the downloads line and the header bar counted as page text.
CHROME = ("下载：", "Downloads:", "PDF English", "notebook 合集", "在 Colab 中打开", "Open in Colab",
          "在 Binder 中打开", "Open in Binder")
FIRST_TEXT = """() => {  // the first visible text of the article, and whether it is the title's
  const walker = document.createTreeWalker(document.querySelector("article.bd-article"),
                                           NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());)
    if (n.textContent.trim() && n.parentElement.checkVisibility())
      return [n.textContent.trim(), !!n.parentElement.closest("h1")];
}"""


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True)
    yield context
    context.close()


def _open(context, server, path):
    page = context.new_page()
    page.goto(f"{server}/{path}", wait_until="networkidle")
    return page


@pytest.mark.parametrize("path", [ZH, EN])
def test_the_title_comes_first_and_the_header_speaks_the_page_language(desktop, server, path):
    lang = "zh" if "/zh/" in path else "en"
    page = _open(desktop, server, path)
    try:
        text, in_title = page.evaluate(FIRST_TEXT)
        assert in_title, f"{path}: {text!r} stands above the title"
        assert page.locator(".book-downloads, p.language-switch").count() == 0
        header = page.locator(".bd-header-article")
        colab, binder, other = LAUNCH[lang]
        for name, text in (("colab", colab), ("binder", binder)):
            link = header.locator(f"a.book-launch-{name}")
            assert link.is_visible() and link.inner_text().strip() == text, \
                f"{path}: the {name} link reads {link.inner_text()!r}, not {text!r}"
        assert header.locator("button.btn-launch-thebe").is_visible(), f"{path}: no Live Code button"
        assert header.locator("a.language-switch").inner_text().strip() == other
        assert page.locator(".dropdown-launch-buttons").count() == 0, f"{path}: the rocket menu is back"
        menu = header.locator(".dropdown-download-buttons")
        assert menu.locator("button.btn-download-pdf-button").count() == 0, \
            f"{path}: the download menu offers the browser's print dialog"
        hrefs = [a.get_attribute("href") for a in menu.locator("a").all()]
        wanted = [f"downloads/notebooks-{lang}.zip"] + [
            f"downloads/{pdf.name}" for pdf in sorted((SITE / "downloads").glob("book-*.pdf"))]
        for name in wanted:
            assert any(h.endswith(name) for h in hrefs), f"{path}: the download menu lacks {name}: {hrefs}"
        page.screenshot(path=str(SCREENSHOTS / ("header_1440_" + path.replace("/", "_") + ".png")))
    finally:
        close(page)


@pytest.mark.parametrize("path", [ZH, EN])
def test_on_a_phone_the_header_fits_and_keeps_its_labels(phone, server, path):
    page = _open(phone, server, path)
    try:
        header = page.locator(".bd-header-article .header-article__inner")
        width, room = header.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert width <= room, f"{path}: the header bar is {width} px wide in {room} px"
        for selector, text in (("a.book-launch-colab", "Colab"), ("a.book-launch-binder", "Binder")):
            link = page.locator(selector)
            assert link.is_visible() and link.inner_text().strip() == text, f"{path}: {selector}"
        assert page.locator("a.language-switch").is_visible()
        text, in_title = page.evaluate(FIRST_TEXT)
        assert in_title, f"{path}: {text!r} stands above the title"
        page.screenshot(path=str(SCREENSHOTS / ("header_390_" + path.replace("/", "_") + ".png")))
    finally:
        close(page)


def test_live_code_loads_thebe_from_the_site_and_says_when_binder_is_unreachable(visit, server):
    v = visit(ZH)
    url = v.page.evaluate("() => new URL(THEBE_JS_URL, location.href).href")
    assert url == f"{server}/thebe/index.js", f"thebe comes from {url}"
    loaded = []
    v.page.on("request", lambda r: loaded.append(r.url))
    v.page.locator("button.btn-launch-thebe").click()
    line = v.page.locator("article.bd-article p.book-live-code")
    line.wait_for(state="visible", timeout=5_000)
    assert "Binder" in line.inner_text() and re.search(r"[\u4e00-\u9fff]", line.inner_text())
    v.page.wait_for_function("() => typeof thebelab !== 'undefined'", timeout=20_000)
    assert f"{server}/thebe/index.js" in loaded
    cdn = [u for u in loaded if re.search(r"unpkg|jsdelivr|cdnjs", u)]
    assert not cdn, f"Live Code loaded from a CDN: {cdn}"
    if os.environ.get(MARK) == "1":  # offline (make test-browser): Binder cannot answer
        v.page.wait_for_selector('p.book-live-code[data-state="failed"]', timeout=30_000)
        assert line.inner_text().startswith("连不上 Binder"), line.inner_text()
        labels = v.page.locator("article.bd-article button.thebe-button").all_inner_texts()
        assert labels and not [t for t in labels if re.search("[A-Za-z]", t)], \
            f"thebe's cell buttons on a Chinese page: {sorted(set(labels))}"
        v.page.screenshot(path=str(SCREENSHOTS / "live_code_offline_zh.png"))


def _search(context, server, page_name, query):
    page = _open(context, server, f"{page_name}?q={query}")
    page.wait_for_function("() => /搜索完毕|Search finished/.test(document.body.innerText)",
                           timeout=30_000)
    results = page.locator("#search-results li")
    page.wait_for_function(  # each result fetches its page for the snippet
        "() => document.querySelectorAll('#search-results li p.context').length"
        " >= Math.min(5, document.querySelectorAll('#search-results li').length)", timeout=30_000)
    return page, results


@pytest.mark.parametrize("page_name, lang", [("search-zh.html", "zh"), ("search.html", "en")])
def test_search_lists_the_readers_language_first_and_quotes_the_page(desktop, server, page_name, lang):
    page, results = _search(desktop, server, page_name, "GradientTape")
    try:
        hrefs = [a.get_attribute("href") for a in page.locator("#search-results li > a").all()]
        order = [m[1] for m in (re.search(r"/(zh|en)/", h) for h in hrefs) if m]
        assert order and order[0] == lang, f"{page_name}: first results {hrefs[:3]}"
        assert order == sorted(order, key=lambda code: code != lang), \
            f"{page_name}: the languages are interleaved: {order}"
        snippets = [s.strip() for s in results.locator("p.context").all_inner_texts()]
        quoting = [s[:60] for s in snippets if any(c in s for c in CHROME)]
        assert not quoting, f"{page_name}: snippets quote the page's chrome: {quoting}"
        page.screenshot(path=str(SCREENSHOTS / f"search_{lang}_GradientTape.png"))
    finally:
        close(page)
