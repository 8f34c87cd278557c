"""What the layout tests measure in a page: the first listing's place and the blocks that
scroll sideways. test_site measures every page at 1440×900 (conftest.DESKTOP) in the visit
it makes anyway, so each page is loaded once; test_layout measures a few on a phone."""
from conftest import SITE

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
# The first code cell a reader meets that is not folded (the set-up and options cells are).
FIRST_LISTING = """() => {
  const cell = [...document.querySelectorAll('.bd-article div.cell')]
    .find(c => !c.classList.contains('tag_hide-input') && !c.closest('.admonition.dropdown'));
  return cell ? cell.getBoundingClientRect().top + window.scrollY : null;
}"""


def is_forward(path: str) -> bool:
    """A page that only forwards the reader (the site's root index.html: a meta refresh to the
    book's first page) is replaced while it is measured ("Execution context was destroyed", a
    CI failure); the page it forwards to is measured in its own right."""
    return 'http-equiv="Refresh"' in (SITE / path).read_text("utf-8")


def opens_with_theory(path: str) -> bool:
    page = path.split("/", 2)[2].removesuffix(".html")  # notebooks/zh/model/cnn.html -> model/cnn
    return page in OPENS_WITH_THEORY


def first_listing(page):
    """The top of the first code cell a reader meets unfolded, in px from the page's top."""
    page.evaluate("document.fonts.ready.then(() => true)")  # measured in the page's fonts
    return page.evaluate(FIRST_LISTING)


def clipped_blocks(page) -> list:
    """Every fold opened, the listings and outputs that scroll sideways."""
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate(UNFOLD)
    return page.evaluate(CLIPPED)
