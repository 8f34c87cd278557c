"""Sample books: each test copies tests/books/base, changes it, runs the tooling on it and
compares what the tooling printed with tests/expected/<name>.txt.

Set UPDATE_EXPECTED=1 to rewrite the expected files after an intended change of wording.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
BASE = HERE / "books" / "base"
EXPECTED = HERE / "expected"
ROOT = HERE.parent


class SampleBook:
    def __init__(self, root: Path):
        self.root = root

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        self.path(rel).parent.mkdir(parents=True, exist_ok=True)
        self.path(rel).write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new))

    def run(self, *args: str) -> tuple[int, str]:
        """Run `python -m booktools --root <book> ARGS`; return (exit code, output)."""
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        done = subprocess.run([sys.executable, "-m", "booktools", "--root", str(self.root), *args],
                              capture_output=True, text=True, env=env, cwd=self.root)
        return done.returncode, done.stdout + done.stderr


@pytest.fixture
def book(tmp_path: Path) -> SampleBook:
    root = tmp_path / "book"
    shutil.copytree(BASE, root)
    return SampleBook(root)


def expect(name: str, output: str) -> None:
    """Compare with tests/expected/<name>.txt (or write it, with UPDATE_EXPECTED=1)."""
    path = EXPECTED / f"{name}.txt"
    if os.environ.get("UPDATE_EXPECTED") == "1":
        path.write_text(output, encoding="utf-8")
    assert path.exists(), f"no expected output {path}; run with UPDATE_EXPECTED=1 once"
    assert output == path.read_text(encoding="utf-8")
