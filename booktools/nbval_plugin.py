"""pytest plugin: nbval with the book's comparison policies (``-p booktools.nbval_plugin``).

nbval executes each notebook and compares every cell's outputs with the stored ones
exactly (after the sanitizers in nbval_sanitize.cfg). A cell whose listing names a policy
in ``code/compare-policies.toml`` is compared by that policy instead:

- tolerance: numbers within the policy's tolerance of the stored ones are written as
  stored before nbval's own exact comparison, which then fails only on the text around
  the numbers or on numbers out of tolerance;
- claims: the stored and the fresh output must both match every claim (regex) of the
  policy, which states what the chapter's text says of the run.

Use ``--book-nbval`` instead of ``--nbval``; nbval's other options work as usual.
``--book-warm-kernel`` runs each notebook in a kernel forked from a server that has
imported TensorFlow already (booktools/warm_kernel.py): 7 s of CPU less per notebook.
"""
from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

from .listings import CELL_KEY
from .policies import Policy, load, reconcile, unmet_claims
from . import warm_kernel

def pytest_addoption(parser):
    parser.getgroup("nbval").addoption(
        "--book-nbval", action="store_true",
        help="nbval with the comparison policies of code/compare-policies.toml")
    parser.getgroup("nbval").addoption(
        "--book-warm-kernel", action="store_true",
        help="kernels forked from a server that has imported TensorFlow (one per process)")


_server = {}  # this process's kernel server, started by its first notebook


def _use_warm_kernel(config) -> None:
    """Start the server (once per process) and make nbval start its kernels through it."""
    if not _server:
        _server["stack"] = contextlib.ExitStack()
        _server["name"] = _server["stack"].enter_context(warm_kernel.serving())
    config.option.nbval_current_env = False
    config.option.nbval_kernel_name = _server["name"]


def pytest_unconfigure(config):
    if _server:
        _server.pop("stack").close()
        _server.clear()


def pytest_collect_file(file_path, parent):
    if parent.config.option.book_nbval and file_path.suffix == ".ipynb":
        return BookNotebook.from_parent(parent, path=file_path)


def pytest_collection_modifyitems(config, items):
    """The longest notebooks first (their times as `make bench` last recorded them, in the
    language it executes: the other language's notebook runs the same code; unknown ones first
    of all), so that two workers do not end on one long notebook. Run xdist with
    --no-loadscope-reorder to keep this order."""
    record = Path(config.rootpath) / "notebooks" / "seconds.json"
    if not (config.option.book_nbval and record.exists()):
        return
    seconds = json.loads(record.read_text(encoding="utf-8"))

    def cost(item) -> float:
        name = Path(str(item.fspath)).resolve().relative_to(Path(config.rootpath).resolve())
        name = re.sub(r"^notebooks/\w+/", "notebooks/en/", name.as_posix())
        return -seconds.get(name, float("inf"))
    items.sort(key=cost)


class BookNotebook(IPyNbFile):
    def setup(self):
        if self.config.option.book_warm_kernel:
            _use_warm_kernel(self.config)
        super().setup()

    def collect(self):
        root = Path(self.config.rootpath)
        self.policies = load(root / "code")
        for item in super().collect():
            yield BookCell.from_parent(self, name=item.name, cell_num=item.cell_num,
                                       cell=item.cell, options=item.options)


class BookCell(IPyNbCell):
    def policy(self) -> Policy | None:
        name = (self.cell.metadata.get(CELL_KEY) or {}).get("compare")
        if name and name not in self.parent.policies:
            raise pytest.UsageError(f"{self.fspath}: cell {self.cell_num} names the comparison "
                                    f"policy {name!r}, which code/compare-policies.toml lacks")
        return self.parent.policies.get(name) if name else None

    def compare_outputs(self, test, ref, skip_compare=None):
        policy = self.policy()
        if policy is None:
            return super().compare_outputs(test, ref, skip_compare)
        if policy.kind == "claims":
            return self._compare_claims(policy, test, ref)
        test, far = _reconciled(policy, test, ref)
        same = super().compare_outputs(test, ref, skip_compare)
        if not same and far:
            self.comparison_traceback.insert(0, (
                f"policy [{policy.name}] allows {policy.abs} + {policy.rel} x |stored| per number; "
                f"out of tolerance (stored -> fresh): {', '.join(far[:8])}"))
        return same

    def _compare_claims(self, policy: Policy, test, ref) -> bool:
        self.comparison_traceback = []
        for which, outputs in (("stored", ref), ("fresh", test)):
            unmet = unmet_claims(policy, _text(outputs))
            if unmet:
                self.comparison_traceback.append(
                    f"policy [{policy.name}]: the {which} output does not show what the chapter "
                    f"claims of this run: no match for {', '.join(map(repr, unmet))}\n"
                    f"{which} output:\n{_text(outputs)[-1500:]}")
        return not self.comparison_traceback


def _text(outputs) -> str:
    parts = []
    for out in outputs:
        if "text" in out:
            parts.append(out["text"])
        elif "text/plain" in out.get("data", {}):
            parts.append(out["data"]["text/plain"])
    return "\n".join(parts)


def _reconciled(policy: Policy, test, ref):
    """A copy of ``test`` with each text within tolerance of ``ref`` written as stored."""
    fresh, far = [nbformat.from_dict(dict(out)) for out in test], []
    for new, old in zip(fresh, ref):
        if "text" in new and "text" in old:
            new["text"], out_of = reconcile(policy, old["text"], new["text"])
            far += out_of
        new_data, old_data = new.get("data", {}), old.get("data", {})
        if "text/plain" in new_data and "text/plain" in old_data:
            new["data"] = dict(new_data)
            new["data"]["text/plain"], out_of = reconcile(policy, old_data["text/plain"],
                                                          new_data["text/plain"])
            far += out_of
    return fresh, far
