"""Stage 5: every script under code/ runs to completion on its own."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .layout import Layout
from .problems import Problem

TIMEOUT = 1800


def run(script: Path, layout: Layout) -> tuple[Problem | None, float]:
    """Run one script from an empty folder, as a reader would; return (problem, seconds)."""
    env = dict(os.environ, MPLBACKEND="Agg")
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as cwd:
        try:
            done = subprocess.run([sys.executable, str(script)], cwd=cwd, env=env,
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
                   f"run `python {layout.rel(script)}` and fix the error"), seconds


def _line(stderr: str, script: Path) -> int | None:
    """The last traceback line that points into the script itself."""
    marker = f'File "{script}", line '
    found = None
    for line in stderr.split("\n"):
        if marker in line:
            found = int(line.split(marker)[1].split(",")[0])
    return found
