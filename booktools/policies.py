"""How a cell's fresh outputs are compared with its stored ones (read by `make check` and by
the nbval plugin in ``nbval_plugin.py``).

Exact comparison is the default. A listing whose output depends on floating-point order
amplified by training names a policy from ``code/compare-policies.toml`` with
``:compare: NAME`` on its ``literalinclude``; the notebook cell carries the name in its metadata.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .problems import BookError, Problem

FILE = "compare-policies.toml"  # under code/, beside quick-settings.toml
KINDS = {"tolerance": {"why", "abs", "rel"}, "claims": {"why", "claims"}}
# A number as printed: 3, -0.25, 1.5e-03, 33,284 is two numbers (the comma is text).
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class Policy:
    name: str
    kind: str
    why: str
    abs: float = 0.0
    rel: float = 0.0
    claims: tuple[str, ...] = ()


def load(code: Path) -> dict[str, Policy]:
    """Read and validate ``code/compare-policies.toml`` (none if it does not exist); raise
    BookError naming the entry and the fix."""
    path, rel = code / FILE, Path(code.name) / FILE
    if not path.exists():
        return {}

    def fail(cause: str, fix: str):
        raise BookError(Problem("compare-policy", rel, None, cause, fix))

    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise BookError(Problem("compare-policy", rel, err.lineno, str(err), "fix the TOML syntax"))
    policies = {}
    for name, entry in table.items():
        kind = entry.get("kind") if isinstance(entry, dict) else None
        if kind not in KINDS:
            fail(f"[{name}] has kind {kind!r}", f"set kind to one of {sorted(KINDS)}")
        for key in set(entry) - KINDS[kind] - {"kind"}:
            close = difflib.get_close_matches(key, KINDS[kind], n=1)
            fail(f"[{name}] has an unknown key {key!r}",
                 f"did you mean {close[0]!r}?" if close else f"a {kind} policy takes {sorted(KINDS[kind])}")
        if not str(entry.get("why", "")).strip():
            fail(f"[{name}] does not say why it exists", "add why = \"...\": the measured reason")
        claims = tuple(entry.get("claims", ()))
        for claim in claims:
            try:
                re.compile(claim)
            except re.error as err:
                fail(f"[{name}] claim {claim!r} is not a regex: {err}", "fix the pattern")
        if kind == "claims" and not claims:
            fail(f"[{name}] claims nothing", "list the regexes the output must match")
        policies[name] = Policy(name, kind, entry["why"].strip(), float(entry.get("abs", 0)),
                                float(entry.get("rel", 0)), claims)
    return policies


def reconcile(policy: Policy, stored: str, fresh: str) -> tuple[str, list[str]]:
    """For a tolerance policy: ``fresh`` with every number that lies within tolerance of its
    stored counterpart written as stored, so that an exact comparison then fails only on the
    text around the numbers or on numbers out of tolerance (listed in the second value)."""
    if policy.kind != "tolerance" or NUMBER.split(stored) != NUMBER.split(fresh):
        return fresh, []
    text, out, far = NUMBER.split(fresh), [], []
    for index, (old, new) in enumerate(zip(NUMBER.findall(stored), NUMBER.findall(fresh))):
        if abs(float(new) - float(old)) <= policy.abs + policy.rel * abs(float(old)):
            new = old
        elif new != old:
            far.append(f"{old} -> {new}")
        out += [text[index], new]
    return "".join(out + text[-1:]), far


def unmet_claims(policy: Policy, text: str) -> list[str]:
    """The claims (regexes) that ``text`` does not match."""
    return [claim for claim in policy.claims if not re.search(claim, text, re.M)]


def chapter_problems(policies: dict[str, Policy], used: dict[str, list[tuple[Path, int]]]) -> list[Problem]:
    """Policies a chapter names that do not exist, and policies no chapter uses."""
    problems = []
    for name, places in sorted(used.items()):
        if name not in policies:
            close = difflib.get_close_matches(name, policies, n=1)
            for path, line in places:
                problems.append(Problem(
                    "compare-policy", path, line, f":compare: {name} names no policy",
                    (f"did you mean {close[0]!r}? " if close else "")
                    + f"use a policy defined in code/{FILE}"))
    for name in sorted(set(policies) - set(used)):
        problems.append(Problem("compare-policy", Path("code") / FILE, None,
                                f"policy [{name}] is used by no listing",
                                f"remove [{name}], or name it with :compare: {name} on a listing"))
    return problems
