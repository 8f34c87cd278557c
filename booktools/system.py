"""Debian packages a target needs: installed when running as root, else named exactly."""
from __future__ import annotations

import os
import subprocess


def missing(packages: list[str]) -> list[str]:
    out = []
    for name in packages:
        done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name],
                              capture_output=True, text=True)
        if "install ok installed" not in done.stdout:
            out.append(name)
    return out


def require(packages: list[str], why: str) -> None:
    """Install what is missing (as root) or raise RuntimeError with the exact command."""
    todo = missing(packages)
    if not todo:
        return
    line = "apt-get install -y --no-install-recommends " + " ".join(todo)
    if os.geteuid() != 0:
        raise RuntimeError(f"{why} needs Debian packages that are not installed. Run:\n"
                           f"    sudo apt-get update && sudo {line}")
    print(f"==> Installing Debian packages for {why}: {' '.join(todo)}", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.call(line.split(), env=env) != 0:
        subprocess.check_call(["apt-get", "update", "-q"], env=env)
        subprocess.check_call(line.split(), env=env)
    if any(p.startswith("fonts-") for p in todo):
        _forget_matplotlib_fonts()


def _forget_matplotlib_fonts() -> None:
    """Matplotlib lists the fonts once and keeps the list in its cache: a list made before a
    font package was installed hides the new fonts (Chinese labels drawn as boxes)."""
    import glob
    cache = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    for stale in glob.glob(os.path.join(cache, "fontlist-*.json")):
        os.remove(stale)
