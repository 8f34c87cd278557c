"""Every image a chapter shows is drawn by figures/draw.py, in the chapter's language, and
drawing again gives the same bytes (so a changed drawing script without `make figures` is
caught).

Diagrams live in figures/<lang>/NAME.png, one per language (zh labels for book/zh, en
labels for book/en).
"""
import re
import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "figures"))
import draw  # noqa: E402

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)|```\{(?:figure|image)\}\s*(\S+)")
FIGURES = ROOT / "figures"


def test_every_image_in_a_chapter_is_drawn_by_the_script_in_its_language():
    for chapter in sorted((ROOT / "book").rglob("*.md")):
        language = chapter.relative_to(ROOT / "book").parts[0]
        for match in IMAGE.finditer(chapter.read_text(encoding="utf-8")):
            target = (chapter.parent / (match[1] or match[2])).resolve()
            assert target.parent == FIGURES / language, \
                f"{chapter}: {target} is not in figures/{language}/"
            assert target.stem in draw.FIGURES, \
                f"{chapter}: figures/draw.py does not draw {target.name}"


def test_drawing_again_gives_the_committed_images(tmp_path):
    subprocess.run([sys.executable, str(FIGURES / "draw.py"), str(tmp_path)],
                   check=True, capture_output=True)
    for language in draw.LANGUAGES:
        for name in draw.FIGURES:
            relative = f"{language}/{name}.png"
            fresh, kept = tmp_path / relative, FIGURES / relative
            assert kept.exists(), f"figures/{relative} is missing: run `make figures`"
            assert fresh.read_bytes() == kept.read_bytes(), \
                f"figures/{relative} differs from what figures/draw.py draws: run `make figures`"


def test_each_diagram_exists_in_both_languages():
    for name in draw.FIGURES:
        for language in draw.LANGUAGES:
            assert (FIGURES / language / f"{name}.png").exists(), f"figures/{language}/{name}.png"
