"""What a check reports: a named kind, a place, the cause and the fix."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    kind: str        # e.g. "listing-range", "parity", "stale-notebook"
    path: Path       # the file to look at, relative to the repository root
    line: int | None  # 1-based line in that file, when there is one
    cause: str
    fix: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        joint = " " if self.cause.startswith("vs ") else ": "  # "a.md:3 vs b.md:5: ..."
        return f"[{self.kind}] {where}{joint}{self.cause}\n    fix: {self.fix}"


class BookError(Exception):
    """Bad input that stops a stage at once (the CLI prints it and exits non-zero)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem
