"""Run a command with the network cut off: a new network namespace with loopback only.

Kernels and local servers still talk over 127.0.0.1; anything else fails at once
(ENETUNREACH), so a test that reaches for the network fails instead of hanging.
"""
from __future__ import annotations

import os
import shutil
import subprocess

MARK = "BOOK_OFFLINE"  # set inside, so tests can tell they are cut off


def command(argv: list[str]) -> list[str]:
    """The argv that runs ``argv`` inside a fresh network namespace."""
    if not shutil.which("unshare"):
        raise RuntimeError("`unshare` (util-linux) is missing: apt-get install util-linux")
    inner = 'ip link set lo up 2>/dev/null || true; exec "$@"'
    return ["unshare", "--net", "--map-root-user", "--", "sh", "-c", inner, "sh", *argv]


def run(argv: list[str]) -> int:
    if os.environ.get(MARK) == "1":  # already inside
        return subprocess.call(argv)
    env = dict(os.environ, **{MARK: "1"})
    probe = subprocess.run(command(["true"]), capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        raise RuntimeError(
            "cannot cut the network off (unshare --net failed: "
            f"{probe.stderr.strip() or probe.returncode}); run as root, or enable "
            "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)")
    return subprocess.call(command(argv), env=env)
