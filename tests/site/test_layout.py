"""The page's layout on a phone: printed text wraps. (At 1440×900, no block cut off and the
first listing on the first screen are measured by test_site, in its visit of every page.)"""
import pytest

from conftest import close
from layout import PHONE, clipped_blocks
from test_site import CODE_CHAPTERS


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    yield context
    context.close()


@pytest.mark.parametrize("path", [p for p in CODE_CHAPTERS if p.endswith(("/mlp.html", "/cnn.html",
                                                                          "/models.html"))])
def test_on_a_phone_outputs_wrap(phone, server, path):
    """At 390×844 printed text wraps instead of running off the screen; listings keep their
    lines (Python's indentation matters) and scroll inside their box, as do Keras's tables."""
    page = phone.new_page()
    try:
        page.goto(f"{server}/{path}", wait_until="load")
        clipped = clipped_blocks(page)
    finally:
        close(page)
    wrapped_outputs = [c for c in clipped if c["output"] and "━" not in c["line"] and "─" not in c["line"]]
    assert not wrapped_outputs, f"{path}: printed lines run off the screen: " + "; ".join(
        repr(c["line"][:60]) for c in wrapped_outputs)
