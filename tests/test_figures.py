"""Every image a chapter shows is drawn by figures/draw.py, and drawing again gives the
same bytes (so a changed drawing script without `make figures` is caught)."""
import re
import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "figures"))
import draw  # noqa: E402

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)|```\{(?:figure|image)\}\s*(\S+)")


def test_every_image_in_a_chapter_is_drawn_by_the_script():
    for chapter in sorted((ROOT / "book").rglob("*.md")):
        for match in IMAGE.finditer(chapter.read_text(encoding="utf-8")):
            target = (chapter.parent / (match[1] or match[2])).resolve()
            assert target.parent == ROOT / "figures", f"{chapter}: {target} is not in figures/"
            assert target.stem in draw.FIGURES, f"{chapter}: figures/draw.py does not draw {target.name}"


def test_drawing_again_gives_the_committed_images(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "figures" / "draw.py"), str(tmp_path)],
                   check=True, capture_output=True)
    for name in draw.FIGURES:
        fresh, kept = tmp_path / f"{name}.png", ROOT / "figures" / f"{name}.png"
        assert kept.exists(), f"figures/{name}.png is missing: run `make figures`"
        assert fresh.read_bytes() == kept.read_bytes(), \
            f"figures/{name}.png differs from what figures/draw.py draws: run `make figures`"
