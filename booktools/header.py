"""The page's header bar: what a reader does with a page, out of the reading column.

The bar above the text (sphinx-book-theme's article header) carries, in the page's language:

- on the left, beside the menu button, the ways to run the page as text links: 在 Colab 中打开,
  在 Binder 中打开 (Open in Colab, Open in Binder) and Live Code, instead of the theme's
  unlabeled rocket menu;
- on the right, the language switch (the same page in the other language, at the same
  section), then the theme's buttons, whose download menu offers the page's notebook, the
  book's PDFs (when `make pdf` built them: the site serves them under ``downloads/``) and a zip
  of the language's notebooks; the theme's ".pdf", the browser's print dialog, is gone.

Nothing of it is in the article, so search snippets start with the page's own text (the
search page reads snippets from the article alone: ``search.js``).

Live Code loads thebe from the site (``thebe/``, fetched from npm by `make`, like MathJax),
not from a CDN, and ``_static/live-code.js`` tells the reader, in the page's language, when
Binder cannot be reached.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}
TEMPLATES = Path(__file__).with_name("templates")
SEARCH_JS = Path(__file__).with_name("search.js")
THEBE = "thebe/index.js"  # under the site's root: .cache/site-extra/thebe (Makefile)
THEBE_CDN = "https://unpkg.com/thebe@"

WORDS = {
    "zh": {"colab": ("在 ", "Colab", " 中打开"), "binder": ("在 ", "Binder", " 中打开"),
           "colab_tip": "在 Google Colab 中打开本页的 notebook",
           "binder_tip": "在 Binder（mybinder.org）中打开本页的 notebook",
           "live": "Live Code", "live_tip": "在页面上运行代码（Live Code，内核来自 Binder）",
           "switch_tip": "本页的英文版", "downloads": "下载",
           "pdf": {"zh": "下载整本书的中文版 PDF", "en": "下载整本书的英文版 PDF"},
           "zip": {"zh": "下载中文版的全部 notebook", "en": "下载英文版的全部 notebook"}},
    "en": {"colab": ("Open in ", "Colab", ""), "binder": ("Open in ", "Binder", ""),
           "colab_tip": "Open this page's notebook in Google Colab",
           "binder_tip": "Open this page's notebook on Binder (mybinder.org)",
           "live": "Live Code", "live_tip": "Run the code on the page (Live Code, a Binder kernel)",
           "switch_tip": "This page in Chinese", "downloads": "Downloads",
           "pdf": {"zh": "The whole book in Chinese, as a PDF", "en": "The whole book in English, as a PDF"},
           "zip": {"zh": "All the Chinese notebooks", "en": "All the English notebooks"}},
}
# Each file is named in its own language (an English page offers "PDF 中文" beside "PDF English").
FILE_NAMES = {"pdf": {"zh": "PDF 中文", "en": "PDF English"},
              "zip": {"zh": "notebook 合集 (zip)", "en": "notebooks (zip)"}}


def configure(app, config):
    """The two header templates, where the theme places them, and the search page's script."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    options = dict(config.html_theme_options or {})
    options.setdefault("article_header_start", ["toggle-primary-sidebar.html", "book-launch.html"])
    options.setdefault("article_header_end", ["book-language.html", "article-header-buttons.html"])
    config.html_theme_options = options
    config.html_search_scorer = str(SEARCH_JS)


def _launch_links(words: dict, launch: list[dict]) -> str:
    """Colab, Binder and Live Code as labelled links (on a phone the phrase around the name
    folds away, 在 Colab 中打开 becomes Colab, and Live Code keeps its icon)."""
    items = []
    for key in ("colab", "binder"):
        button = next((b for b in launch if b.get("text", "").lower() == key), None)
        if button:
            before, name, after = words[key]
            items.append(
                f'<a class="btn btn-sm book-launch book-launch-{key}" href="{html.escape(button["url"])}" '
                f'target="_blank" rel="noopener" title="{words[key + "_tip"]}">'
                f'<span class="book-launch-more">{before}</span>{name}'
                f'<span class="book-launch-more">{after}</span></a>')
    if any(b.get("label") == "launch-thebe" for b in launch):
        items.append(
            f'<button type="button" class="btn btn-sm book-launch btn-launch-thebe" '
            f'onclick="bookLiveCode(this)" title="{words["live_tip"]}">'
            f'<i class="fas fa-play"></i><span class="book-launch-more"> {words["live"]}</span></button>')
    return "".join(items)


def _downloads(words: dict, lang: str | None, pathto, pdfs) -> list[dict]:
    """The book's PDFs (the page's language first) and its language's notebooks in a zip
    (both languages' on the pages of neither), as items of the theme's download menu."""
    items = []
    for kind, codes, icon in (("pdf", sorted(pdfs, key=lambda c: c != lang), "fas fa-file-pdf"),
                              ("zip", [lang] if lang else list(LANGUAGE_NAMES), "fas fa-file-zipper")):
        for code in codes:
            name = f"book-{code}.pdf" if kind == "pdf" else f"notebooks-{code}.zip"
            items.append({"type": "link", "url": pathto(f"downloads/{name}", 1),
                          "text": FILE_NAMES[kind][code], "tooltip": words[kind][code],
                          "icon": icon, "label": f"download-{kind}-{code}"})
    return items


def arrange(context: dict, *, lang: str | None, pdfs, switch: tuple | None) -> None:
    """Runs after the theme made its buttons (and after they point at the launch notebooks):
    the launch menu becomes labelled links, the download menu offers the book's files."""
    words = WORDS[lang or "en"]
    buttons = context.get("header_buttons") or []
    launch = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if launch:
        buttons.remove(launch)
        context["book_launch"] = _launch_links(words, launch.get("buttons", []))
    for group in buttons:
        if group.get("label") == "download-buttons":
            group["tooltip"] = words["downloads"]
            group["buttons"] = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
            group["buttons"] += _downloads(words, lang, context["pathto"], pdfs)
    if switch:
        context["book_language_switch"] = _switch(words, *switch)


def _switch(words: dict, uri: str, other: str, own_sections: list, other_sections: list) -> str:
    data = "".join(f' data-{key}="{html.escape(json.dumps(ids))}"'
                   for key, ids in (("own", own_sections), ("sections", other_sections)))
    return (f'<a class="btn btn-sm language-switch" href="{uri}" hreflang="{other}" lang="{other}" '
            f'title="{words["switch_tip"]}"{data}><i class="fas fa-language"></i> '
            f'{LANGUAGE_NAMES[other]}</a>\n' + SWITCH_SCRIPT)


def serve_thebe_locally(app, pagename, templatename, context, doctree):
    """sphinx-thebe names thebe's address on unpkg.com in an inline script; the page names
    the site's copy instead, relative to the page."""
    scripts = context.get("script_files", [])
    for index, script in enumerate(scripts):
        body = getattr(script, "attributes", {}).get("body", "")
        if "THEBE_JS_URL" in body and THEBE_CDN in body:
            start = body.index('"', body.index("THEBE_JS_URL"))
            end = body.index('"', start + 1)
            local = context["pathto"](THEBE, 1)
            scripts[index] = type(script)(None, priority=script.priority,
                                          **{**script.attributes,
                                             "body": body[:start + 1] + local + body[end:]})


def check_thebe_is_served(app, exception):
    if exception is None and app.builder.format == "html" and app.config.html_extra_path:
        if not (Path(app.outdir) / THEBE).is_file():
            from sphinx.util import logging
            logging.getLogger(__name__).warning(
                f"the site does not serve {THEBE}, so Live Code cannot start: run `make html`, "
                "which fetches thebe from npm into .cache/site-extra/thebe")


# On a click, the switch's link gets the other page's n-th section, where n is the section
# the reader is in: the one the address names, else the last heading above the top of the
# window (both pages have the same skeleton, so the n-th sections match).
SWITCH_SCRIPT = """<script>
document.querySelectorAll("a.language-switch[data-sections]").forEach(function (a) {
  a.addEventListener("click", function () {
    var own = JSON.parse(a.dataset.own), other = JSON.parse(a.dataset.sections), at = -1;
    var named = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var section = named && named.closest("section");
    if (section && own.indexOf(section.id) >= 0) at = own.indexOf(section.id);
    else own.forEach(function (id, i) {
      var el = document.getElementById(id);
      if (el && el.getBoundingClientRect().top <= 90) at = i;
    });
    a.href = a.href.split("#")[0] + (at > 0 && other[at] ? "#" + other[at] : "");
  });
});
</script>
"""
