"""Launch notebooks as a reader sees them in JupyterLab: a real JupyterLab server from the
book's environment, on 127.0.0.1, driven by headless Chromium. No MyST syntax on screen,
every image loaded, math typeset. Screenshots go beside the site's."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, SCREENSHOTS, SITE, close

LAUNCH = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "launch").rglob("*.ipynb")
                if ".ipynb_checkpoints" not in p.parts)
# MyST as it shows once rendered: a role's backticks become code, so "{doc}" sits right
# before its text; a directive's fence or option line stays as text.
MYST = re.compile(r"\{[a-z][\w:-]*\}(?=\S)|```\{|:::\{|^:[\w-]+:\s", re.M)
TOKEN = "book-test"
BASEURL = re.search(r"baseurl:\s*(\S+)", (ROOT / "_config.yml").read_text(encoding="utf-8"))[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    home = tmp_path_factory.mktemp("lab")
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell, not only those in view, so the whole page can be checked.
    # Should a kernel start after all, closing its notebook stops it.
    (settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none", "kernelShutdown": True}))
    notices = home / "settings" / "@jupyterlab" / "apputils-extension"
    notices.mkdir(parents=True)
    (notices / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # A reader's view only: never write the notebooks back.
    docmanager = home / "settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={ROOT}",
         f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", "--allow-root",
         # window.jupyterapp: the test opens each notebook with the app's own command.
         "--LabApp.expose_app_in_browser=True",
         # Checkpoints outside the repository: the test leaves the tree as it found it.
         f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=home,
        start_new_session=True,  # its own process group: the server and its kernels
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(home / "runtime")})
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        os.killpg(server.pid, signal.SIGKILL)
        raise RuntimeError("JupyterLab did not start")
    yield url
    # Stop the server and any kernel it started together.
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    """JupyterLab loaded once per worker; each test opens its notebook in it, as a reader
    opens one from the file browser, and closes it afterwards."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    # No ?reset: each worker's server has a workspace folder of its own, empty at start, and
    # ?reset makes JupyterLab reload the page once restored, which can cut off a test.
    page.goto(f"{lab}/lab?token={TOKEN}")
    _wait_for_app(page)
    yield page
    close(page)


def _wait_for_app(page):
    page.wait_for_function("window.jupyterapp !== undefined", timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")


# The notebook is opened without starting a kernel: the test reads what is rendered, which a
# kernel does not change (a kernel per notebook made the test 145 s instead of 122 s here).
OPEN = """async path => {
    const app = window.jupyterapp;
    app.docRegistry.getWidgetFactory('Notebook')._preferKernel = false;
    const widget = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await widget.context.ready;
    window.bookNotebook = widget;
}"""
CLOSE = "() => window.bookNotebook && window.bookNotebook.dispose()"


@pytest.mark.parametrize("notebook", LAUNCH)
def test_launch_notebook_renders_in_jupyterlab(lab_page, notebook):
    page = lab_page
    try:
        page.evaluate(OPEN, notebook)
    except Exception:  # noqa: BLE001 - the page reloaded under us: wait for the app, once more
        page.wait_for_load_state()
        _wait_for_app(page)
        page.evaluate(OPEN, notebook)
    name = notebook.replace("/", "_").replace(".ipynb", "")
    try:
        page.wait_for_selector(".jp-MarkdownCell .jp-RenderedMarkdown", state="attached",
                               timeout=60_000)
        _check_rendered(page, notebook, name)
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / f"lab_{name}_failed.png"))
        raise
    finally:
        page.evaluate(CLOSE)


RENDERED = ".jp-Notebook .jp-MarkdownCell .jp-RenderedMarkdown"


def _check_rendered(page, notebook: str, name: str):
    cells = json.loads((ROOT / notebook).read_text(encoding="utf-8"))["cells"]
    markdown = [c for c in cells if c["cell_type"] == "markdown"]
    # Wait for what a reader waits for: every Markdown cell rendered, every image loaded,
    # MathJax done where there is math (or the checks below fail with the reason).
    try:
        page.wait_for_function(f"n => document.querySelectorAll('{RENDERED}').length >= n",
                               arg=len(markdown), timeout=30_000)
        page.wait_for_function("() => [...document.querySelectorAll('.jp-RenderedMarkdown img')]"
                               ".every(img => img.complete)", timeout=30_000)
        if any("$" in "".join(c["source"]) for c in markdown):
            page.wait_for_selector(".jp-RenderedMarkdown mjx-container", state="attached",
                                   timeout=30_000)
    except Exception:  # noqa: BLE001 - the assertions below say what is missing
        pass
    page.wait_for_timeout(300)  # the last typeset formulas settle
    rendered = page.locator(RENDERED)
    texts = rendered.all_inner_texts()
    assert len(texts) == len(markdown), f"{len(texts)} of {len(markdown)} Markdown cells rendered"
    for text in texts:
        shown = MYST.findall(text)
        assert not shown, f"MyST syntax {shown} on screen: {text[:200]!r}"
    images = page.locator(".jp-RenderedMarkdown img")
    for index in range(images.count()):
        width = images.nth(index).evaluate("img => img.complete ? img.naturalWidth : 0")
        assert width > 0, f"image {index + 1} did not load"
    if any("$" in "".join(c["source"]) for c in markdown):
        assert page.locator(".jp-RenderedMarkdown mjx-container").count() > 0, "math not typeset"
    page.screenshot(path=str(SCREENSHOTS / f"lab_{name}.png"))


@pytest.mark.parametrize("notebook", LAUNCH)
def test_links_in_launch_notebooks_point_at_pages_of_the_site(notebook):
    text = (ROOT / notebook).read_text(encoding="utf-8")
    for url in re.findall(re.escape(BASEURL.rstrip("/")) + r"/([^)#\s\"]+)", text):
        assert (SITE / url).is_file(), f"{notebook} links to {url}, which the site does not have"
