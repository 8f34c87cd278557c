"""Where everything lives. Defined once; every stage takes a Layout."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("zh", "en")
EXECUTED = "en"  # the language whose notebooks run; the other takes their outputs
CHAPTER_SUFFIXES = (".md", ".rst")


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def code(self) -> Path:
        return self.root / "code"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def rel(self, path: Path) -> Path:
        """A path as the reader of an error message wants it: from the root."""
        try:
            return path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return path

    def chapters(self, lang: str) -> list[Path]:
        folder = self.book / lang
        return sorted(p for p in folder.rglob("*") if p.suffix in CHAPTER_SUFFIXES)

    def scripts(self, lang: str) -> list[Path]:
        return sorted((self.code / lang).rglob("*.py"))

    @staticmethod
    def is_solution(script: Path) -> bool:
        """code/<lang>/<chapter>/solutions/<page>.py: worked solutions, run in their page's notebook."""
        return "solutions" in script.parts

    def notebook_for(self, chapter: Path) -> Path:
        """book/zh/basics.md -> notebooks/zh/basics.ipynb (same depth, so relative
        links to figures and code mean the same from both places)."""
        rel = chapter.relative_to(self.book)
        return (self.notebooks / rel).with_suffix(".ipynb")

    def counterpart(self, path: Path) -> Path:
        """The same file in the other language: book/zh/x.md <-> book/en/x.md."""
        rel = path.relative_to(self.root)
        parts = list(rel.parts)
        parts[1] = {"zh": "en", "en": "zh"}[parts[1]]
        return self.root.joinpath(*parts)
