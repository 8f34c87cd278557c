"""Stage 5: every script under code/ runs to completion on its own."""
from __future__ import annotations

import difflib
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from .layout import LANGUAGES, Layout
from .problems import BookError, Problem

TIMEOUT = 1800
SETTINGS = "quick-settings.toml"


def quick_args(layout: Layout) -> dict[str, list[str]]:
    """The small settings for slow scripts, keyed by path under code/<lang>/."""
    path = layout.code / SETTINGS
    if not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("args", {})
    except tomllib.TOMLDecodeError as err:
        raise BookError(Problem("settings", layout.rel(path), err.lineno, str(err),
                                "fix the TOML syntax")) from err
    known = {s.relative_to(layout.code / lang).as_posix()
             for lang in LANGUAGES for s in layout.scripts(lang)}
    for name, args in table.items():
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "remove the entry"
            raise BookError(Problem("settings", layout.rel(path), None,
                                    f"{name!r} names no script under code/<lang>/", hint))
        if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
            raise BookError(Problem("settings", layout.rel(path), None,
                                    f"{name!r} must be a list of strings", 'write ["--flag", "1"]'))
    return table


def run(script: Path, layout: Layout, args: list[str] = ()) -> tuple[Problem | None, float]:
    """Run one script from an empty folder, as a reader would; return (problem, seconds)."""
    env = dict(os.environ, MPLBACKEND="Agg")
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as cwd:
        try:
            done = subprocess.run([sys.executable, str(script), *args], cwd=cwd, env=env,
                                  capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return Problem("script-failed", layout.rel(script), None,
                           f"still running after {TIMEOUT} s",
                           "make it faster or give it smaller default settings"), TIMEOUT
    seconds = time.monotonic() - began
    if done.returncode == 0:
        return None, seconds
    tail = "\n      ".join(done.stderr.strip().split("\n")[-6:])
    return Problem("script-failed", layout.rel(script), _line(done.stderr, script),
                   f"exited with {done.returncode}:\n      {tail}",
                   f"run `python {layout.rel(script)} {' '.join(args)}` and fix the error"), seconds


def _line(stderr: str, script: Path) -> int | None:
    """The last traceback line that points into the script itself."""
    marker = f'File "{script}", line '
    found = None
    for line in stderr.split("\n"):
        if marker in line:
            found = int(line.split(marker)[1].split(",")[0])
    return found
