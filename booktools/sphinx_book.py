"""Sphinx extension for the book's site.

- Every chapter page gets a link to the same page in the other language.
- The footer names the book's version and the TensorFlow version its notebooks were
  executed with (the pin in requirements.txt, which `make test` executes them with).
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
OTHER = {"zh": "en", "en": "zh"}


def counterpart(pagename: str) -> str | None:
    """notebooks/zh/model/mlp -> notebooks/en/model/mlp (pages may sit in chapter folders)."""
    parts = pagename.split("/")
    for index, part in enumerate(parts[:-1]):
        if part in OTHER:
            return "/".join(parts[:index] + [OTHER[part]] + parts[index + 1:])
    return None


def add_language_switch(app, pagename, templatename, context, doctree):
    # No favicon: an empty icon keeps the browser from asking the server for one.
    context["metatags"] = context.get("metatags", "") + '<link rel="icon" href="data:,">\n'
    other = counterpart(pagename)
    if not other or other not in app.env.found_docs or "body" not in context:
        return
    lang = next(part for part in other.split("/") if part in OTHER)
    uri = app.builder.get_relative_uri(pagename, other)
    link = (f'<p class="language-switch"><a href="{uri}" hreflang="{lang}" '
            f'lang="{lang}">{LANGUAGE_NAMES[lang]}</a></p>\n')
    context["body"] = link + context["body"]


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """sphinx-thebe's inline settings are registered twice under Jupyter Book 1, and the
    second `const` declaration is a console error; keep each script once."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (str(getattr(script, "filename", script) or ""),
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique  # in place: later handlers (MathJax) add to this list


def versions(root: Path) -> tuple[str, str]:
    pins = (root / "requirements.txt").read_text(encoding="utf-8")
    tensorflow = re.search(r"^tensorflow==(\S+)", pins, re.M)
    try:
        book = subprocess.run(["git", "describe", "--tags", "--always"], cwd=root,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        book = ""
    return book or "dev", tensorflow[1] if tensorflow else "unknown"


def add_footer(app, config):
    book, tensorflow = versions(Path(app.confdir))
    footer = (f'<p class="book-versions">Book version {book} · '
              f'notebooks executed with TensorFlow {tensorflow}</p>')
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer + options.get("extra_footer", "")
    config.html_theme_options = options


def setup(app):
    app.connect("config-inited", add_footer)
    app.connect("html-page-context", add_language_switch)
    app.connect("html-page-context", drop_duplicate_scripts, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
