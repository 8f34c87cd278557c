"""The command line: the only place that prints and exits.

    python -m booktools check [--stage listings|parity|freshness]
    python -m booktools relink [PAGE ...]
    python -m booktools notebooks [--force] [CHAPTER ...]
    python -m booktools scripts [--jobs N] [SCRIPT ...]
    python -m booktools bench
    python -m booktools spread [--notebook PATH ...] [SETTING ...]
    python -m booktools offline -- COMMAND ...
    python -m booktools data
    python -m booktools pdf [zh|en ...]
    python -m booktools system --why TARGET PACKAGE ...
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path

import os
from concurrent.futures import ThreadPoolExecutor

from . import (data, launch, listings, notebooks, numbering, offline, parity, pdf, policies, scripts,
               solutions, structure, system, terms)
from .chapters import Chapter, read_chapter
from .layout import EXECUTED, LANGUAGES, Layout
from .problems import BookError, Problem
from .spread import SETTINGS as SPREAD_SETTINGS

STAGES = ("listings", "parity", "terms", "numbering", "policies", "freshness")


def load_chapters(layout: Layout, problems: list[Problem]) -> dict[Path, Chapter]:
    chapters = {}
    for lang in LANGUAGES:
        for path in layout.chapters(lang):
            try:
                chapters[path] = read_chapter(path, layout.root)
            except BookError as err:
                problems.append(err.problem)
            except UnicodeDecodeError as err:
                problems.append(Problem("chapter-encoding", layout.rel(path), None,
                                        f"not UTF-8: {err}", "save the file as UTF-8"))
    return chapters


def check(layout: Layout, stages: tuple[str, ...] = STAGES) -> list[Problem]:
    problems: list[Problem] = []
    chapters = load_chapters(layout, problems)
    for chapter in chapters.values():
        for line, head in chapter.pasted:
            problems.append(Problem(
                "pasted-code", layout.rel(chapter.path), line,
                f"runnable code pasted into the chapter ({head.strip()[:50]!r})",
                "move it into a script under code/ and include it with literalinclude :lines:; "
                "a template that cannot run should contain `...`"))
    if "listings" in stages:
        for chapter in chapters.values():
            problems += listings.check_chapter(chapter, layout)
    if "parity" in stages:
        problems += parity.counterpart_problems(layout)
        for script in layout.scripts("zh"):
            problems += parity.script_problems(layout, script)
        for path in layout.chapters("zh"):
            zh, en = chapters.get(path), chapters.get(layout.counterpart(path))
            if zh and en:
                problems += parity.listing_problems(layout, zh, en)
                if zh.syntax == en.syntax == "myst":
                    problems += structure.problems(layout, zh.path, en.path)
            if zh:
                problems += parity.admonition_problems(layout, zh)
        for lang in ("zh", "en"):
            for path in layout.chapters(lang):
                if path.suffix == ".md":
                    problems += structure.exercise_problems(layout, path)
                    if path in chapters:
                        problems += solutions.problems(layout, chapters[path])
    if "terms" in stages:
        problems += term_problems(layout, chapters)
    if "numbering" in stages:
        problems += numbering.problems(layout, chapters)
    if "policies" in stages:
        problems += policy_problems(layout, chapters)
    if "freshness" in stages:
        problems += notebooks.orphan_problems(layout)
        broken = {p.path for p in problems if p.kind.startswith("listing")}
        found = []
        for chapter in chapters.values():
            if layout.rel(chapter.path) not in broken:
                found += notebooks.freshness_problems(chapter, layout)
        problems += found
        if all(p.kind == "quoted-number" for p in found):  # launch notebooks follow the stored ones
            problems += launch.problems(layout)
    return problems


def term_problems(layout: Layout, chapters: dict[Path, Chapter]) -> list[Problem]:
    table_path = layout.book / "terminology.md"
    if not table_path.exists():
        return []
    try:
        table = terms.rules(table_path, layout)
    except BookError as err:
        return [err.problem]
    return [p for path, chapter in chapters.items() if path.is_relative_to(layout.book / "zh")
            for p in terms.problems(chapter, table, layout)]


def policy_problems(layout: Layout, chapters: dict[Path, Chapter]) -> list[Problem]:
    try:
        known = policies.load(layout.code)
    except BookError as err:
        return [err.problem]
    used: dict[str, list] = {}
    for chapter in chapters.values():
        for listing in chapter.listings:
            if listing.compare:
                used.setdefault(listing.compare, []).append(
                    (layout.rel(chapter.path), listing.compare_line))
    return policies.chapter_problems(known, used)


def report(what: str, problems: list[Problem], counted: str) -> int:
    for problem in problems:
        print(problem.format())
    if problems:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(Counter(p.kind for p in problems).items()))
        print(f"{what}: {len(problems)} problem(s) ({kinds}) in {counted}")
        return 1
    print(f"{what}: all good ({counted})")
    return 0


def cmd_check(layout: Layout, args) -> int:
    stages = tuple(args.stage) if args.stage else STAGES
    problems = check(layout, stages)
    counted = (f"chapters: {sum(len(layout.chapters(l)) for l in LANGUAGES)}, "
               f"scripts: {sum(len(layout.scripts(l)) for l in LANGUAGES)}")
    return report("check" if stages == STAGES else "check " + "+".join(stages), problems, counted)


def cmd_relink(layout: Layout, args) -> int:
    problems: list[Problem] = []
    chapters = load_chapters(layout, problems)
    moved = failed = 0
    wanted = _wanted(layout, args.chapters)
    for chapter in chapters.values():
        if wanted and chapter.path.resolve() not in wanted:
            continue
        for result in listings.relink_chapter(chapter, layout):
            where = f"{layout.rel(chapter.path)}:{result.listing.lines_line}"
            if result.new is None:
                failed += 1
                problems.append(Problem(
                    "relink-failed", layout.rel(chapter.path), result.listing.lines_line,
                    f"the code listing {result.listing.span} of {layout.rel(result.listing.script)} showed "
                    f"is no longer in the script (best match {result.similarity:.0%})",
                    "set :lines: by hand, then run `make notebooks`"))
                continue
            moved += 1
            new = f"{result.new[0]}-{result.new[1]}"
            how = "found" if result.similarity == 1 else f"found {result.similarity:.0%} alike"
            print(f"relinked {where}: {layout.rel(result.listing.script)} "
                  f"{result.listing.span} -> {new} ({how})")
            if result.similarity < 1:
                print("    the code was edited: read it, then run `make notebooks`")
    return report("relink", problems, f"{moved} listing(s) found again, {failed} not found")


def _wanted(layout: Layout, names: list[str]) -> set[Path]:
    """The pages named on the command line and their counterparts (empty: every page)."""
    wanted = {Path(c).resolve() for c in names}
    return wanted | {layout.counterpart(p) for p in wanted if p.is_relative_to(layout.book)}


def cmd_notebooks(layout: Layout, args) -> int:
    wanted = _wanted(layout, args.chapters)
    problems = check(layout, ("listings",))
    problems = [p for p in problems if p.kind != "listing-drift" or _moved(p, layout)]
    if wanted:  # pages being built alone: problems elsewhere are not theirs
        problems = [p for p in problems if (layout.root / p.path).resolve() in wanted]
    if problems:
        return report("notebooks", problems, "nothing built; fix these first")
    chapters = load_chapters(layout, problems)
    executed_first = sorted(chapters.items(), key=lambda i: layout.rel(i[0]).parts[1] != EXECUTED)
    for path, chapter in executed_first:
        if wanted and path.resolve() not in wanted:
            continue
        print(f"==> {layout.rel(layout.notebook_for(path))}: ", end="", flush=True)
        try:
            print(notebooks.update(chapter, layout, force=args.force), flush=True)
            if launch.refresh(layout.notebook_for(path), layout):
                print(f"    wrote {layout.rel(launch.launch_path(layout.notebook_for(path), layout))}")
        except Exception as err:  # nbclient's errors carry the failing cell and traceback
            print("FAILED")
            problems.append(Problem("notebook-failed", layout.rel(path), None,
                                    str(err).strip()[-1500:],
                                    "fix the script, then `make notebooks`"))
    return report("notebooks", problems, f"chapters: {len(chapters)}")


def _moved(problem: Problem, layout: Layout) -> bool:
    """A drift that relink would repair by moving the range: the code the listing showed is
    still in the script, elsewhere (so building now would show the wrong code). Code that
    was edited, or a range the author changed, is the author's to review; building from the
    chapter's range is then right."""
    chapter = read_chapter(layout.root / problem.path, layout.root)
    cells = listings.recorded_cells(chapter, layout)
    for listing, cell, code in zip(chapter.listings, cells, listings.recorded(chapter, layout)):
        if listing.lines_line == problem.line and cell is not None:
            if cell["metadata"][listings.CELL_KEY].get("lines") != listing.span:
                return False  # the author changed :lines: on purpose: build from the new range
            new, alike = listings.find_again(code, listings.load_script(listing.script), listing.start)
            return new is not None and alike == 1 and new != (listing.start, listing.end)
    return False


def cmd_scripts(layout: Layout, args) -> int:
    """Every script read by pyflakes; those that take settings (code/quick-settings.toml) also
    run with them, in the executed language (parity proves the twin the same program),
    several at a time with --jobs. The others nbval executes in full in their page's
    notebook (`make check` proves every line shown, in order): each program runs once."""
    targets = [Path(s).resolve() for s in args.scripts] or layout.scripts(EXECUTED)
    quick = scripts.quick_args(layout)

    def settings(script: Path) -> list[str]:
        lang = layout.rel(script).parts[1]
        return quick.get(script.relative_to(layout.code / lang).as_posix(), [])

    run = [s for s in targets if args.scripts or settings(s)]
    problems = [p for s in targets for p in scripts.self_contained(s, layout)]
    bad = scripts.bad_args(layout, targets)
    problems += scripts.run_all([(s, settings(s)) for s in run], bad, layout, args.jobs)
    return report("scripts", problems, f"scripts: {len(run)} run, {len(targets)} read by "
                  f"pyflakes, {len(bad)} bad option(s) rejected")


def cmd_bench(layout: Layout, args) -> int:
    from . import bench
    print(bench.report(layout))
    return 0


def cmd_spread(layout: Layout, args) -> int:
    from . import spread
    print(spread.measure(layout, args.settings or list(spread.SETTINGS), args.notebook))
    return 0


def cmd_offline(layout: Layout, args) -> int:
    argv = args.command[1:] if args.command[:1] == ["--"] else args.command
    return offline.run(argv)


def cmd_data(layout: Layout, args) -> int:
    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    for dataset in data.DATASETS:
        print(data.ensure(dataset, keras_home, layout.root / ".cache"))
    return 0


def cmd_pdf(layout: Layout, args) -> int:
    system.require(pdf.TEX_PACKAGES, "make pdf")
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    problems = []
    print(f"==> Building the {' and '.join(args.languages)} PDFs with xelatex, side by side "
          "(a minute or two)", flush=True)
    with ThreadPoolExecutor(max_workers=len(args.languages)) as pool:  # each build is one process
        targets = list(pool.map(lambda lang: pdf.build(layout, lang, jupyter_book), args.languages))
    for lang, target in zip(args.languages, targets):
        print(f"    {layout.rel(target)}: {target.stat().st_size / 1e6:.1f} MB")
        for char in pdf.missing_characters(layout, lang):
            problems.append(Problem("pdf-missing-character", layout.rel(target), None,
                                    f"no font has {char}", "add a font that has it to booktools/pdf.py"))
    return report("pdf", problems, f"languages: {len(args.languages)}")


def cmd_system(layout: Layout, args) -> int:
    system.require(args.packages, args.why)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m booktools", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the book's root folder")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("check", help="static checks: listings, parity, notebook freshness")
    p.add_argument("--stage", action="append", choices=STAGES)
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("relink", help="re-anchor :lines: ranges after code edits")
    p.add_argument("chapters", nargs="*", metavar="PAGE", help="only these pages (and their twins)")
    p.set_defaults(func=cmd_relink)
    p = sub.add_parser("notebooks", help="build and execute stale notebooks")
    p.add_argument("--force", action="store_true", help="execute even fresh notebooks")
    p.add_argument("chapters", nargs="*", help="only these chapter files")
    p.set_defaults(func=cmd_notebooks)
    p = sub.add_parser("scripts", help="run every program under code/ once")
    p.add_argument("scripts", nargs="*", help="only these scripts (default: every English script)")
    p.add_argument("--jobs", type=int, default=1, help="scripts run at a time")
    p.set_defaults(func=cmd_scripts)
    sub.add_parser("bench", help="time the notebooks, and the book's loops next to fit").set_defaults(
        func=cmd_bench)
    p = sub.add_parser("spread", help="how far printed numbers move under other CPU settings")
    p.add_argument("settings", nargs="*", metavar="SETTING",
                   help=f"only these ({', '.join(SPREAD_SETTINGS)}; default: all)")
    p.add_argument("--notebook", action="append", default=[], metavar="PATH",
                   help="only this executed notebook (repeatable); the record is then not rewritten")
    p.set_defaults(func=cmd_spread)
    p = sub.add_parser("offline", help="run a command with the network cut off")
    p.add_argument("command", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_offline)
    sub.add_parser("data", help="link the datasets into $KERAS_HOME").set_defaults(func=cmd_data)
    p = sub.add_parser("pdf", help="build the PDF of each language with xelatex")
    p.add_argument("languages", nargs="*", default=list(LANGUAGES))
    p.set_defaults(func=cmd_pdf)
    p = sub.add_parser("system", help="make sure Debian packages are installed")
    p.add_argument("--why", required=True, help="the target that needs them")
    p.add_argument("packages", nargs="+")
    p.set_defaults(func=cmd_system)
    args = parser.parse_args(argv)
    unknown = [name for name in getattr(args, "settings", []) if name not in SPREAD_SETTINGS]
    if args.cmd == "spread" and unknown:
        parser.error(f"spread: unknown setting {unknown[0]!r} (choose from {', '.join(SPREAD_SETTINGS)})")
    try:
        return args.func(Layout(args.root.resolve()), args)
    except (BookError, RuntimeError, subprocess.CalledProcessError) as err:
        print(err, file=sys.stderr)
        return 2
