"""The page's layout as a reader meets it: no listing or output cut off on the right, and
the first teaching listing of a page on its first screen."""
import pytest

from conftest import SITE, close
from test_site import CODE_CHAPTERS, PAGES

# A page that only forwards the reader (the site's root index.html: a meta refresh to the book's
# first page) is replaced while it is measured ("Execution context was destroyed", a CI failure);
# the page it forwards to is measured in its own right.
READ = [p for p in PAGES if 'http-equiv="Refresh"' not in (SITE / p).read_text("utf-8")]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# The first listing starts within this many px of the page's top at 1440×900: the first
# screen (900 px) and a little more. Measured 2026-12-07: 571 to 1014 px on the pages below
# the threshold (before the set-up cells were folded: 658 to 1101 px on those pages).
FIRST_SCREEN = 1100
# Pages that open with the idea their code then implements, in sections of prose, formulas
# and figures before the first listing: their first listing is further down by design.
OPENS_WITH_THEORY = {
    "model/layers": "explains layers, models and call() before the linear model",
    "model/mlp": "the four steps of every project and the dataset come first",
    "model/cnn": "how convolution computes, with a figure, before the code that checks it",
    "model/rnn": "recurrent networks and their equations come first",
    "model/dqn": "reinforcement learning, Q-learning and CartPole come first",
    "custom/loop": "the Wide & Deep model and why it needs two optimizers come first",
    "keras/reuse": "what transfer learning is, and why it may help, come before the code",
}

# Open every fold (set-up cells, solutions), so that folded code is measured too: a reader
# who opens it must not find it cut off either.
UNFOLD = """() => {
  document.querySelectorAll('.bd-article details').forEach(d => { d.open = true; });
  document.querySelectorAll('.bd-article .toggle-hidden').forEach(
    e => e.classList.remove('toggle-hidden'));
}"""
# Every code listing and every printed output is a <pre>; one that scrolls sideways hides
# the end of its longest lines until the reader scrolls it.
CLIPPED = """() => {
  const width = s => [...s].reduce((w, c) => w + (c.codePointAt(0) >= 0x2e80 ? 2 : 1), 0);  // CJK: 2
  return [...document.querySelectorAll('.bd-article pre')]
  .filter(pre => pre.clientWidth > 0 && pre.scrollWidth > pre.clientWidth + 1)
  .map(pre => ({output: !!pre.closest('.cell_output'),
                hidden: pre.scrollWidth - pre.clientWidth,
                line: pre.innerText.split('\\n').reduce((a, b) => width(b) > width(a) ? b : a, '')}));
}"""
BLOCKS = "() => [...document.querySelectorAll('.bd-article pre')].filter(p => p.clientWidth > 0).length"
# The first code cell a reader meets that is not folded (the set-up and options cells are).
FIRST_LISTING = """() => {
  const cell = [...document.querySelectorAll('.bd-article div.cell')]
    .find(c => !c.classList.contains('tag_hide-input') && !c.closest('.admonition.dropdown'));
  return cell ? cell.getBoundingClientRect().top + window.scrollY : null;
}"""


@pytest.fixture(scope="module")
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.pages_viewport = "desktop"
    yield context
    context.close()


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    context.pages_viewport = "phone"
    yield context
    context.close()


_measured: dict = {}  # (viewport, path) -> measure(): each page is loaded once per viewport


def measure(context, server: str, path: str) -> dict:
    """The first listing's top, the blocks shown and the clipped ones, on one page."""
    key = (context.pages_viewport, path)
    if key not in _measured:
        page = context.new_page()
        try:
            page.goto(f"{server}/{path}", wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")  # widths are measured in the page's fonts
            first = page.evaluate(FIRST_LISTING)
            page.evaluate(UNFOLD)
            _measured[key] = {"first": first, "blocks": page.evaluate(BLOCKS),
                              "clipped": page.evaluate(CLIPPED)}
        finally:
            close(page)
    return _measured[key]


@pytest.mark.parametrize("path", READ)
def test_nothing_is_cut_off_on_a_desktop(desktop, server, path):
    """At 1440×900 no listing and no output scrolls sideways, folded ones included; and the
    first code a page teaches (the first cell that is not folded) starts on the first
    screen: the set-up and option cells are folded, and what comes before it is short. One
    test per page, so that each page is loaded once."""
    measured = measure(desktop, server, path)
    clipped = measured["clipped"]
    assert not clipped, f"{path}: {len(clipped)} block(s) scroll sideways: " + "; ".join(
        f"{c['hidden']} px of {c['line'][:90]!r}" for c in clipped)
    if path in CODE_CHAPTERS and not _opens_with_theory(path):
        first = measured["first"]
        assert first is not None, f"{path}: no unfolded code cell"
        assert first <= FIRST_SCREEN, f"{path}: the first listing starts at {first:.0f} px"


@pytest.mark.parametrize("path", [p for p in CODE_CHAPTERS if p.endswith(("/mlp.html", "/cnn.html",
                                                                          "/models.html"))])
def test_on_a_phone_outputs_wrap(phone, server, path):
    """At 390×844 printed text wraps instead of running off the screen; listings keep their
    lines (Python's indentation matters) and scroll inside their box, as do Keras's tables."""
    clipped = measure(phone, server, path)["clipped"]
    wrapped_outputs = [c for c in clipped if c["output"] and "━" not in c["line"] and "─" not in c["line"]]
    assert not wrapped_outputs, f"{path}: printed lines run off the screen: " + "; ".join(
        repr(c["line"][:60]) for c in wrapped_outputs)


def _opens_with_theory(path: str) -> bool:
    page = path.split("/", 2)[2].removesuffix(".html")  # notebooks/zh/model/cnn.html -> model/cnn
    return page in OPENS_WITH_THEORY

