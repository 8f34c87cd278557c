"""The built site, served from 127.0.0.1, and a headless Chromium to look at it."""
from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
DESKTOP = {"width": 1440, "height": 900}  # the reader's screen, where the layout is measured
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Quiet, local-only Chromium: without these it reaches for Google's services at start-up.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-quic"]


def pytest_collection_modifyitems(config, items):
    missing = [what for what, ok in (("the built site (make html)", (SITE / "index.html").exists()),
                                     (CHROMIUM, Path(CHROMIUM).exists())) if not ok]
    if not missing:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("browser tests cannot run without " + " and ".join(missing))
    for item in items:
        item.add_marker(pytest.mark.skip(reason="missing " + " and ".join(missing)))


def close(page):
    """Close a page without waiting for Chromium to confirm: a plain page.close() once waited
    forever on the landing page (the renderer never answered), which hung the whole run."""
    page.close(run_before_unload=True)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server():
    handler = functools.partial(QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # emptied by `make test-browser`
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


class Visit:
    """One page load, with everything the page asked for and complained about."""

    def __init__(self, context, server: str, path: str):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self._request(r.url, server))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(
            f"HTTP {r.status} for {r.url}"))
        self.page.goto(f"{server}/{path}", wait_until="networkidle")

    def _request(self, url: str, server: str):
        if not url.startswith((server + "/", "data:", "blob:", "about:")):
            self.outside.append(url)


@pytest.fixture(scope="session")
def reader(browser):
    """One browser profile for all the page visits of a worker, as one reader's: the theme's
    scripts and MathJax come from its cache after the first page, as they would for a reader."""
    context = browser.new_context(viewport=DESKTOP)  # where test_site also measures the layout
    yield context
    context.close()


@pytest.fixture
def visit(reader, server):
    opened = []

    def open_page(path: str) -> Visit:
        opened.append(Visit(reader, server, path))
        return opened[-1]

    yield open_page
    for v in opened:
        close(v.page)
