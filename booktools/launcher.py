"""Runs scripts as `python script.py args` would, from one process that has already imported
TensorFlow: each script runs in a fresh fork of it, as `__main__`, in an empty folder, with
its own globals and arguments. Importing TensorFlow costs 7-9 s of CPU; paid once, not once
per script. A script that forgets an import still fails (its globals start empty).

    python -m booktools.launcher --jobs 2 < requests.json > results.json

Each request is {"script": path, "args": [...], "label": name to print, "expect": the exit
code that counts as ok (0 unless given)}; each result adds
"code", "seconds", "stdout" and "stderr". The caller sets MPLBACKEND (Agg: no windows).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import runpy
import sys
import tempfile
import time
import traceback
from pathlib import Path

PRELOADED = ["numpy", "matplotlib.pyplot", "tensorflow"]


def _run(request: dict) -> dict:
    """In a fresh fork: run one script with stdout and stderr captured in files."""
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as cwd:
        out, err = (open(os.path.join(cwd, name), "w+", encoding="utf-8") for name in ("o", "e"))
        sys.stdout.flush(), sys.stderr.flush()
        os.dup2(out.fileno(), 1), os.dup2(err.fileno(), 2)
        work = os.path.join(cwd, "work")
        os.mkdir(work)
        os.chdir(work)
        sys.argv = [request["script"], *request["args"]]
        sys.path[0] = os.path.dirname(request["script"])
        code = 0
        try:
            runpy.run_path(request["script"], run_name="__main__")
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:  # noqa: BLE001 - report whatever the script raised
            traceback.print_exc()
            code = 1
        sys.stdout.flush(), sys.stderr.flush()
        out.seek(0), err.seek(0)
        return {**request, "code": code, "seconds": time.monotonic() - began,
                "stdout": out.read(), "stderr": err.read()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=1)
    jobs = parser.parse_args().jobs
    requests = json.load(sys.stdin)
    for name in PRELOADED:  # those that some script imports
        package = name.split(".")[0]
        if any(re.search(rf"^\s*(import|from)\s+{package}\b", Path(r["script"]).read_text("utf-8"),
                         re.MULTILINE) for r in requests):
            __import__(name)
    # A fresh fork per script (maxtasksperchild=1): nothing one script does reaches another.
    pool = multiprocessing.get_context("fork").Pool(max(1, jobs), maxtasksperchild=1)
    results = []
    with pool:
        for result in pool.imap_unordered(_run, requests):
            state = "ok" if result["code"] == result.get("expect", 0) else "FAILED"
            if result.get("expect"):
                state += f" (exit {result['code']}, expected {result['expect']})"
            print(f"==> python {' '.join([result['label'], *result['args']])} {state} "
                  f"({result['seconds']:.0f} s)", file=sys.stderr, flush=True)
            results.append(result)
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
