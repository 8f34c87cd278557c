"""Binder and Colab buttons: on every chapter page, well-formed, pointing at a notebook
that exists at that path in the repository (address and branch from _config.yml)."""
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SITE

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", CONFIG["repository"]["url"])
BRANCH = CONFIG["repository"]["branch"]
CHAPTERS = sorted(p for p in SITE.glob("notebooks/**/*.html")) if SITE.exists() else []


def test_repository_address_is_a_github_repository():
    assert REPO, "repository.url in _config.yml must look like https://github.com/OWNER/NAME"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.relative_to(SITE).as_posix())
def test_launch_links_open_the_pages_launch_notebook(page):
    html = page.read_text(encoding="utf-8")
    rel = page.relative_to(SITE / "notebooks").with_suffix(".ipynb").as_posix()
    notebook = f"launch/{rel}"
    binder = f"https://mybinder.org/v2/gh/{REPO[1]}/{BRANCH}?urlpath=lab/tree/{notebook}"
    colab = f"https://colab.research.google.com/github/{REPO[1]}/blob/{BRANCH}/{notebook}"
    assert f'href="{binder}"' in html, f"no Binder link to {notebook}"
    assert f'href="{colab}"' in html, f"no Colab link to {notebook}"
    assert (ROOT / notebook).is_file(), f"{notebook} is not in the repository"
    depth = "../" * (len(page.relative_to(SITE).parts) - 1)
    assert f'href="{depth}{notebook}"' in html, "the download button does not offer the launch notebook"
    assert (SITE / notebook).is_file(), f"the site does not serve {notebook}"


def test_binder_installs_the_same_pins_as_the_book():
    def pins(path: Path) -> dict:
        lines = [l.split("#")[0].strip() for l in path.read_text(encoding="utf-8").splitlines()]
        return dict(l.split("==") for l in lines if "==" in l)

    book, binder = pins(ROOT / "requirements.txt"), pins(ROOT / "binder" / "requirements.txt")
    assert binder and all(book.get(name) == version for name, version in binder.items()), \
        "binder/requirements.txt must use the pins of requirements.txt"
