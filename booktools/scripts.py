"""Stage 5: every script under code/ runs to completion on its own.

Every page shows each of its scripts whole and in order (``listings.unshown_lines``), so
nbval executes every script in full in its page's notebook. Here pyflakes reads each
script: it leans on no name that an earlier script left in the kernel (a solution runs
after its page's script there, but starts from empty globals on its own). The scripts that
take settings also run, as a reader runs them, with the small settings of
code/quick-settings.toml: that proves the options the chapters offer. Every script that
takes options must reject an unknown one, and the bad values listed under [bad], with
argparse's usage error (exit 2) before it does any work."""
from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from pyflakes import api as pyflakes_api, reporter as pyflakes_reporter

from .layout import LANGUAGES, Layout
from .problems import BookError, Problem

TIMEOUT = 1800
SETTINGS = "quick-settings.toml"


def quick_args(layout: Layout) -> dict[str, list[str]]:
    """The small settings for slow scripts, keyed by path under code/<lang>/."""
    path = layout.code / SETTINGS
    full = _table(layout)
    table = full.get("args", {})
    known = {s.relative_to(layout.code / lang).as_posix()
             for lang in LANGUAGES for s in layout.scripts(lang)}
    for name, args in [*table.items(), *((n, a) for n, many in full.get("bad", {}).items()
                                          for a in (many if isinstance(many, list) else [many]))]:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "remove the entry"
            raise BookError(Problem("settings", layout.rel(path), None,
                                    f"{name!r} names no script under code/<lang>/", hint))
        if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
            raise BookError(Problem("settings", layout.rel(path), None,
                                    f"{name!r} must be a list of strings", 'write ["--flag", "1"]'))
    return table


UNKNOWN = "--book-no-such-option"


def bad_args(layout: Layout, scripts: list[Path]) -> list[tuple[Path, list[str]]]:
    """What each script that takes options must reject: an unknown option, and the values
    out of range that code/quick-settings.toml lists under [bad]."""
    table = _table(layout).get("bad", {})
    out = []
    for script in scripts:
        if "argparse" not in script.read_text(encoding="utf-8"):
            continue
        out.append((script, [UNKNOWN]))
        lang = layout.rel(script).parts[1]
        for args in table.get(script.relative_to(layout.code / lang).as_posix(), []):
            out.append((script, list(args)))
    return out


def rejected(results: list[dict], layout: Layout) -> list[Problem]:
    """Each run of bad_args must stop at once with argparse's usage error (exit 2)."""
    out = []
    for result in results:
        script, args = Path(result["script"]), " ".join(result["args"])
        named = UNKNOWN in result["stderr"] if UNKNOWN in result["args"] else True
        if result["code"] != 2 or "error:" not in result["stderr"] or not named:
            out.append(Problem(
                "script-accepts-bad-option", layout.rel(script), None,
                f"`python {layout.rel(script)} {args}` exited with {result['code']} instead of "
                "rejecting the option with a message",
                'parse with `parser.parse_args([] if "ipykernel" in sys.modules else None)` and '
                "check each value's range with `parser.error(...)`"))
    return out


def _table(layout: Layout) -> dict:
    path = layout.code / SETTINGS
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise BookError(Problem("settings", layout.rel(path), err.lineno, str(err),
                                "fix the TOML syntax")) from err


def run_all(runs: list[tuple[Path, list[str]]], bad: list[tuple[Path, list[str]]],
            layout: Layout, jobs: int) -> list[Problem]:
    """Run each script with its arguments from an empty folder, as a reader would, `jobs` at
    a time, through one launcher (TensorFlow imported once): the runs must end well, the bad
    options (after them: short runs that fill the workers' tail) must be rejected. Return
    the failures."""
    results = launch_all([(s, a, 0) for s, a in runs] + [(s, a, 2) for s, a in bad], layout, jobs)
    if isinstance(results, Problem):
        return [results]
    return ([_problem(Path(r["script"]), r, layout) for r in results if not r["expect"] and r["code"]]
            + rejected([r for r in results if r["expect"]], layout))


def launch_all(requests: list[tuple[Path, list[str], int]], layout: Layout,
               jobs: int) -> list[dict] | Problem:
    """The launcher's results for each (script, arguments, expected exit code), or the
    Problem that stopped it."""
    payload = [{"script": str(script), "args": list(args), "label": str(layout.rel(script)),
                "expect": expect} for script, args, expect in requests]
    env = dict(os.environ, MPLBACKEND="Agg")
    try:  # the launcher's progress lines go straight to the terminal (its stderr)
        done = subprocess.run([sys.executable, "-m", "booktools.launcher", "--jobs", str(jobs)],
                              input=json.dumps(payload), stdout=subprocess.PIPE, text=True,
                              env=env, cwd=Path(__file__).resolve().parents[1], timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return Problem("script-failed", Path("code"), None, f"still running after {TIMEOUT} s",
                       "make the slow scripts faster or give them smaller settings")
    if done.returncode != 0:
        return Problem("script-failed", Path("booktools/launcher.py"), None,
                       f"the launcher exited with {done.returncode}", "see the error above")
    return json.loads(done.stdout)


def _problem(script: Path, result: dict, layout: Layout) -> Problem:
    tail = "\n      ".join(result["stderr"].strip().split("\n")[-6:])
    return Problem("script-failed", layout.rel(script), _line(result["stderr"], script),
                   f"exited with {result['code']}:\n      {tail}",
                   f"run `python {layout.rel(script)} {' '.join(result['args'])}` and fix the error")


def _line(stderr: str, script: Path) -> int | None:
    """The last traceback line that points into the script itself."""
    marker = f'File "{script}", line '
    found = None
    for line in stderr.split("\n"):
        if marker in line:
            found = int(line.split(marker)[1].split(",")[0])
    return found



class _Collect(pyflakes_reporter.Reporter):
    def __init__(self):
        self.messages = []

    def unexpectedError(self, filename, message):
        self.messages.append((None, str(message)))

    def syntaxError(self, filename, message, lineno, offset, text):
        self.messages.append((lineno, f"syntax error: {message}"))

    def flake(self, message):
        self.messages.append((message.lineno, message.message % message.message_args))


def self_contained(script: Path, layout: Layout) -> list[Problem]:
    """pyflakes on one script: every name it uses is bound in it, every import used."""
    found = _Collect()
    pyflakes_api.check(script.read_text(encoding="utf-8"), str(script), found)
    return [Problem("script-not-self-contained", layout.rel(script), line, text,
                    "import or define the name in this script: it runs on its own, from "
                    "empty globals, not after the page's script")
            for line, text in found.messages]
