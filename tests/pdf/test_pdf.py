"""The PDFs that `make pdf` built: every character found a font, every chapter is there,
Chinese body text is real text (not boxes), and the pages render."""
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from booktools.layout import Layout
from booktools.pdf import missing_characters

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = Layout(ROOT)


def pdf_path(lang):
    path = ROOT / "_build" / "pdf" / f"book-{lang}.pdf"
    assert path.exists(), f"{path} is missing: run `make pdf`"
    return path


def chapter_titles(lang):
    """The chapters' titles; the first page of each language is the PDF's front matter."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    titles = []
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            if chapter["file"].startswith(f"notebooks/{lang}/"):
                source = ROOT / "book" / Path(chapter["file"]).relative_to("notebooks")
                source = source.with_suffix(".md")
                first = source.read_text(encoding="utf-8").split("\n", 1)[0]
                titles.append(first.lstrip("# ").strip())
    return titles[1:]


def text_of(lang):
    done = subprocess.run(["pdftotext", "-layout", str(pdf_path(lang)), "-"],
                          capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_character_is_missing_from_the_fonts(lang):
    pdf_path(lang)
    assert missing_characters(LAYOUT, lang) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chapter_title_is_in_the_text(lang):
    text = text_of(lang)
    for title in chapter_titles(lang):
        assert title in text, f"{title!r} not found in book-{lang}.pdf"


def test_chinese_body_text_is_real_text():
    text = text_of("zh")
    for phrase in ["张量", "自动微分", "梯度", "线性回归"]:
        assert phrase in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_render_to_png(lang, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf_path(lang)),
                    str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 1000 for p in pages)
