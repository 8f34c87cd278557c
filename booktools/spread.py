"""`make spread`: how far the printed numbers move when the notebooks run under other CPU
settings, the measurement that the tolerances in code/compare-policies.toml are set from.

For each setting of SETTINGS, every executed notebook runs again (two at a time, in kernels
forked from a server started with that setting's environment, as `make test` runs them), and
each cell's printed text is compared with the stored one as `make test` compares it
(policies.py). The report gives, per policy and setting, the largest movement and the cell it
was seen in, and every cell that `make test` would fail under that setting. It is printed and
written to code/compare-spread.md with the date, the machine and the library versions.
"""
from __future__ import annotations

import configparser
import copy
import json
import multiprocessing
import os
import platform
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .fileio import write_if_changed
from .layout import EXECUTED, Layout
from .listings import CELL_KEY
from .problems import BookError, Problem
from .policies import NUMBER, Policy, load, reconcile, unmet_claims

CPU_ENV = ("ONEDNN_MAX_CPU_ISA", "TF_NUM_INTRAOP_THREADS")
# name: (what it is, its environment); "native" is how `make notebooks` executed them.
SETTINGS = {
    "native": ("this machine's defaults (all instruction sets, one thread per core)", {}),
    "avx2-1": ("oneDNN capped at AVX2, 1 intra-op thread (make test's foreign setting)",
               {"ONEDNN_MAX_CPU_ISA": "AVX2", "TF_NUM_INTRAOP_THREADS": "1"}),
    "avx2-2": ("oneDNN capped at AVX2, 2 intra-op threads",
               {"ONEDNN_MAX_CPU_ISA": "AVX2", "TF_NUM_INTRAOP_THREADS": "2"}),
    "sse41-1": ("oneDNN capped at SSE4.1, 1 intra-op thread",
                {"ONEDNN_MAX_CPU_ISA": "SSE41", "TF_NUM_INTRAOP_THREADS": "1"}),
    "sse41-2": ("oneDNN capped at SSE4.1, 2 intra-op threads",
                {"ONEDNN_MAX_CPU_ISA": "SSE41", "TF_NUM_INTRAOP_THREADS": "2"}),
}
RECORD = "compare-spread.md"  # under code/, beside compare-policies.toml
WORKERS = 2


@dataclass
class Worst:
    """The largest movement of one policy's numbers under one setting."""
    cells: int = 0  # cells whose printed text moved
    failed: int = 0  # of those, cells `make test` would fail
    diff: float = 0.0
    diff_at: str = ""
    rel: float = 0.0
    rel_at: str = ""
    notes: list[str] = field(default_factory=list)


def measure(layout: Layout, names: list[str], only: list[str] = ()) -> str:
    """Run SETTINGS `names` over every executed notebook, or over `only` (paths of executed
    notebooks), which re-measures a changed page and leaves the record of the whole book alone."""
    policies = load(layout.code)
    paths = _longest_first(layout)
    if only:
        known = {p.resolve() for p in paths}
        wanted = {(layout.root / name).resolve() for name in only}
        missing = [name for name in only if (layout.root / name).resolve() not in known]
        if missing:
            raise BookError(Problem("spread", Path(missing[0]), None, "not an executed notebook",
                                    f"name one under {layout.rel(layout.notebooks / EXECUTED)}/"))
        paths = [p for p in paths if p.resolve() in wanted]
    results, minutes, problems = {}, {}, {}
    for name in names:
        began = time.monotonic()
        print(f"==> {name}: {SETTINGS[name][0]}: {len(paths)} notebooks", flush=True)
        results[name], problems[name] = _compare_setting(layout, policies, paths, SETTINGS[name][1])
        minutes[name] = (time.monotonic() - began) / 60
        print(f"    {minutes[name]:.1f} min, {len(problems[name])} cell(s) make test would fail",
              flush=True)
    text = _report(layout, policies, names, results, minutes, problems)
    if only:
        return text + f"\n(only {len(paths)} notebook(s): {layout.rel(layout.code / RECORD)} left as it was)"
    write_if_changed(layout.code / RECORD, text)
    return text + f"\n(written to {layout.rel(layout.code / RECORD)})"


def _longest_first(layout: Layout) -> list[Path]:
    record = layout.notebooks / "seconds.json"
    seconds = json.loads(record.read_text("utf-8")) if record.exists() else {}
    paths = sorted((layout.notebooks / EXECUTED).rglob("*.ipynb"))
    return sorted(paths, key=lambda p: -seconds.get(layout.rel(p).as_posix(), float("inf")))


def _compare_setting(layout, policies, paths, env):
    from . import warm_kernel

    saved = {key: os.environ.pop(key, None) for key in CPU_ENV}
    os.environ.update(env)  # read by the server's TensorFlow and inherited by its kernels
    try:
        with warm_kernel.serving() as kernel:
            jobs = [(path, kernel) for path in paths]
            with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
                ran = pool.map(_execute, jobs, chunksize=1)
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None)
            if value is not None:
                os.environ[key] = value
    worst, problems = {}, []
    for path, (cells, error) in zip(paths, ran):
        where = layout.rel(path).as_posix()
        if error:
            problems.append(f"{where}: {error}")
            continue
        for index, policy_name, before, after in cells:
            _compare_cell(policies.get(policy_name), policy_name or "exact", before, after,
                          f"{where} cell {index}", worst, problems)
    return worst, problems


def _execute(job):
    """One notebook, in a pool worker: each code cell's (index, policy, stored, fresh) text."""
    from nbclient.exceptions import CellExecutionError

    from . import notebooks
    path, kernel = job
    stored = notebooks.read(path)
    fresh = copy.deepcopy(stored)
    try:
        notebooks.execute(fresh, path.parent, kernel)
    except CellExecutionError as err:
        return [], f"a cell failed: {str(err).strip().splitlines()[-1][:200]}"
    return [(index, (old.metadata.get(CELL_KEY) or {}).get("compare"), _printed(old), _printed(new))
            for index, (old, new) in enumerate(zip(stored.cells, fresh.cells), 1)
            if old.cell_type == "code"], None


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    """nbval's sanitizers (booktools/nbval_sanitize.cfg): make test compares text after them."""
    config = configparser.ConfigParser()
    config.read(Path(__file__).with_name("nbval_sanitize.cfg"), encoding="utf-8")
    return [(re.compile(config[name]["regex"]), config[name]["replace"]) for name in config.sections()]


SANITIZERS = _sanitizers()


def _sanitized(text: str) -> str:
    for pattern, replacement in SANITIZERS:
        text = pattern.sub(replacement, text)
    return text


def _compare_cell(policy: Policy | None, name: str, before: str, after: str, where: str,
                  worst: dict, problems: list) -> None:
    raw = after  # claims are read in the printed text, as the nbval plugin reads them
    before, after = _sanitized(before), _sanitized(after)
    if before == after:
        return
    entry = worst.setdefault(name, Worst())
    entry.cells += 1
    if policy is not None and policy.kind == "claims":
        unmet = unmet_claims(policy, raw)
        if unmet:
            entry.failed += 1
            problems.append(f"{where} [{name}]: no match for {', '.join(map(repr, unmet))}")
        return
    if NUMBER.split(before) != NUMBER.split(after):
        entry.failed += 1
        problems.append(f"{where} [{name}]: the text differs, not only its numbers")
        return
    for old, new in zip(NUMBER.findall(before), NUMBER.findall(after)):
        diff = abs(float(new) - float(old))
        rel = diff / abs(float(old)) if float(old) else float("inf") if diff else 0.0
        if diff > entry.diff:
            entry.diff, entry.diff_at = diff, f"{where}: {old} -> {new}"
        if rel > entry.rel:
            entry.rel, entry.rel_at = rel, f"{where}: {old} -> {new}"
    if policy is None:
        far, what = [f"{a} -> {b}" for a, b in zip(NUMBER.findall(before), NUMBER.findall(after))
                     if a != b], "changed"
    else:
        far, what = reconcile(policy, before, after)[1], "beyond the tolerance"
    if far:
        entry.failed += 1
        problems.append(f"{where} [{name}]: {what}: {', '.join(far[:6])}")


def _printed(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(out["text"])
        elif "text/plain" in out.get("data", {}):
            parts.append(out["data"]["text/plain"])
    return "".join(parts)


def _machine() -> str:
    model, flags = platform.processor() or platform.machine(), set()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name":
                model = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
    isa = [name for name, flag in [("SSE4.1", "sse4_1"), ("AVX2", "avx2"),
                                   ("AVX-512", "avx512f"), ("AMX", "amx_tile")] if flag in flags]
    return f"{model}, {os.cpu_count()} cores{', ' + ' '.join(isa) if isa else ''}"


def _versions() -> str:
    from importlib.metadata import version
    return ", ".join(f"{name} {version(name)}" for name in ("tensorflow", "keras", "numpy"))


def _report(layout, policies, names, results, minutes, problems) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    lines = [
        "# How far the printed numbers move between CPU settings",
        "",
        f"Measured by `make spread` on {when}: {_machine()}; {_versions()}. Each setting "
        f"re-executed all {EXECUTED} notebooks and compared every printed number with the stored "
        "one (executed with the native setting). Per policy, the largest absolute and relative "
        "movement and the cell it was seen in; \"fails\" counts the cells `make test` would fail "
        "under that setting.",
        "",
        "| setting | what it is | minutes | cells `make test` would fail |",
        "|---|---|---|---|",
    ]
    for name in names:
        lines.append(f"| {name} | {SETTINGS[name][0]} | {minutes[name]:.1f} | {len(problems[name])} |")
    lines += ["", "| policy | allows | setting | cells moved | fails | largest change | largest relative change |",
              "|---|---|---|---|---|---|---|"]
    for policy_name in ["exact", *policies]:
        policy = policies.get(policy_name)
        allows = ("nothing" if policy is None else f"{policy.abs:g} + {policy.rel:.0%} of the stored"
                  if policy.kind == "tolerance" else "what its claims match")
        for name in names:
            w = results[name].get(policy_name)
            if w is None:
                lines.append(f"| {policy_name} | {allows} | {name} | 0 | 0 | | |")
                continue
            if policy is not None and policy.kind == "claims":
                change = ["another run; claims checked"] * 2
            else:
                change = [f"{w.diff:.4g} ({w.diff_at})", f"{w.rel:.2%} ({w.rel_at})"]
            lines.append(f"| {policy_name} | {allows} | {name} | {w.cells} | {w.failed} | "
                         f"{change[0]} | {change[1]} |")
    for name in names:
        if problems[name]:
            lines += ["", f"Cells `make test` would fail under {name}:", ""]
            lines += [f"- {problem}" for problem in problems[name]]
    return "\n".join(lines) + "\n"
