"""Sphinx extension for the book's site.

- Every chapter page gets a link to the same page in the other language, declares its
  language (`<html lang>`) and names both pages as `hreflang` alternates.
- Each page speaks its language: the book's title, authors and footer, and on Chinese pages
  the theme's interface (`interface_zh`: 目录, 上一页, 图 2.1, 搜索 and its own search page).
  The landing page shows the book's title once, as its heading.
- Each language's figures are numbered per chapter on their own (图 2.1 is Fig. 2.1).
- The footer names the book's version and the TensorFlow version its notebooks were
  executed with (the pin in requirements.txt, which `make test` executes them with).
- Binder, Colab and the notebook download open the launch flavour of a page's notebook
  (``launch/``, plain Jupyter Markdown), which the site also serves.
- The header bar above the text (`header`) carries the page's actions in its language:
  Colab, Binder and Live Code as labelled links, the language switch, and a download menu
  with the downloads the site serves under ``downloads/`` (the two PDFs, when `make pdf` has
  built them, and a zip of the language's notebooks); Live Code loads thebe from the site.
- Search lists the reader's language first and quotes the article, not the header
  (``search.js``).
- The Chinese search index is built in linear time (see `LatinTerms`), and jieba, which
  segments it, knows the book's terms (`search_dictionary`: 学习率, 过拟合 and 梯度带 are
  words, not 学习/率, 过/拟合, 梯度/带, whose one-character pieces Sphinx drops).
"""
from __future__ import annotations

import functools
import importlib.metadata
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from sphinx.util import logging

from . import glossary, header, interface_zh
from .header import LANGUAGE_NAMES
from .pdf import AUTHORS, TITLES

OTHER = {"zh": "en", "en": "zh"}
DOWNLOADS = "downloads"
log = logging.getLogger(__name__)


def built_pdfs(confdir: str) -> dict[str, Path]:
    pdfs = {lang: Path(confdir) / "_build" / "pdf" / f"book-{lang}.pdf" for lang in LANGUAGE_NAMES}
    return {lang: path for lang, path in pdfs.items() if path.is_file()}


def write_downloads(app, exception):
    """downloads/: each language's launch notebooks zipped, and the PDFs if built."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / DOWNLOADS
    target.mkdir(exist_ok=True)
    for lang in LANGUAGE_NAMES:
        source = Path(app.confdir) / "launch" / lang
        with zipfile.ZipFile(target / f"notebooks-{lang}.zip", "w", zipfile.ZIP_DEFLATED) as zipped:
            for notebook in sorted(source.rglob("*.ipynb")):
                zipped.write(notebook, Path(f"notebooks-{lang}") / notebook.relative_to(source))
    pdfs = built_pdfs(app.confdir)
    for path in pdfs.values():
        shutil.copyfile(path, target / path.name)
    if len(pdfs) < len(LANGUAGE_NAMES):
        log.info("the PDFs are not built, so the pages offer none: run `make pdf`, then `make html`")


def counterpart(pagename: str) -> str | None:
    """notebooks/zh/model/mlp -> notebooks/en/model/mlp (pages may sit in chapter folders)."""
    parts = pagename.split("/")
    for index, part in enumerate(parts[:-1]):
        if part in OTHER:
            return "/".join(parts[:index] + [OTHER[part]] + parts[index + 1:])
    return None


HTML_LANG = {"zh": "zh-CN", "en": "en"}


def page_language(pagename: str) -> str | None:
    return next((part for part in pagename.split("/")[:-1] if part in OTHER), None)


def interface_language(pagename: str) -> str | None:
    """The language a page speaks in: its folder's; each search page its own."""
    return {interface_zh.SEARCH_PAGE: "zh", "search": "en"}.get(pagename) or page_language(pagename)


def declare_language(app, pagename, templatename, context, doctree):
    """<html lang="zh-CN"> on Chinese pages and "en" on English ones (screen readers, fonts,
    search engines); the pages of both languages, in the site's head, as hreflang links."""
    own = interface_language(pagename)
    if own:
        context["language"] = HTML_LANG[own]
    other = counterpart(pagename)
    if own and other and other in app.env.found_docs:
        links = "".join(
            f'<link rel="alternate" hreflang="{HTML_LANG[lang]}" '
            f'href="{app.builder.get_relative_uri(pagename, page)}">\n'
            for lang, page in ((own, pagename), (OTHER[own], other)))
        context["metatags"] = context.get("metatags", "") + links


# sphinx-exercise numbers exercises as figures: "Exercise 2.5" in chapter 2.
EXERCISE_TITLE = re.compile(r'<span class="caption-number">Exercise ([\d.]+) </span> \((.*?)\)</p>')
SOLUTION_TITLE = re.compile(r'Solution to(<a [^>]*>) Exercise ([\d.]+) \((.*?)\)</a>')
# A solution's title is plain text: as a link back to its exercise, most of the title
# scrolled the page up when a reader clicked it to open the solution.
EXERCISE_WORDS = {"zh": ("练习 {n} ", "（{title}）", "参考答案：练习 {n}（{title}）"),
                  "en": ("Exercise {n} ", " ({title})", "Solution to Exercise {n} ({title})")}


def number_exercises_per_page(app, pagename, templatename, context, doctree):
    """sphinx-exercise numbers exercises through the whole site, in English; a reader
    expects them numbered per page (as the launch notebooks and the PDF do), and titled in
    the page's language: 练习 1（标题） and 参考答案：练习 1（标题） on Chinese pages."""
    lang = page_language(pagename)
    if not lang or "body" not in context:
        return
    body = context["body"]
    local = {m[1]: str(i) for i, m in enumerate(EXERCISE_TITLE.finditer(body), 1)}
    number, title, solution = EXERCISE_WORDS[lang]
    body = EXERCISE_TITLE.sub(lambda m: f'<span class="caption-number">{number.format(n=local[m[1]])}'
                                        f'</span>{title.format(title=m[2])}</p>', body)
    context["body"] = SOLUTION_TITLE.sub(
        lambda m: solution.format(link=m[1], n=local.get(m[2], m[2]), title=m[3]), body)


def number_figures_per_language(app, env):
    """Figures are numbered per chapter (图 2.1, Fig. 2.1), but Sphinx keeps one count per
    chapter number for the whole site, so the English chapter 2 went on from where the
    Chinese chapter 2 stopped (Fig. 2.8 for the MLP diagram that is 图 2.1 in Chinese).
    Each language counts on its own, in the order Sphinx counted; the pages whose numbers
    change are written again."""
    counted: dict[tuple, list] = {}
    for docname, kinds in env.toc_fignumbers.items():
        for kind, numbers in kinds.items():
            for target, number in numbers.items():
                key = (page_language(docname), kind, tuple(number[:-1]))
                counted.setdefault(key, []).append((number[-1], docname, target))
    changed = set()
    for (_, kind, chapter), figures in counted.items():
        for count, (old, docname, target) in enumerate(sorted(figures), 1):
            if count != old:
                env.toc_fignumbers[docname][kind][target] = (*chapter, count)
                changed.add(docname)
    return sorted(changed)


def one_language_at_a_time(app, pagename, templatename, context, doctree):
    """Previous and next stay in the page's language: the last Chinese page has no "next"
    into the English preface; the sidebar lists the page's own language (an inline rule
    hides the other's part). Each search page is its language's; the other pages outside
    a language folder (the landing page, the appendices) keep both."""
    import posixpath

    lang = interface_language(pagename)
    if not lang:
        return
    other = f'a[href*="/{OTHER[lang]}/"]'
    context["metatags"] = context.get("metatags", "") + (
        f'<style>.bd-links li.toctree-l1:has(> {other}), '
        f'.bd-links p.caption:has(+ ul > li > {other}) {{ display: none; }}</style>\n')
    for key in ("prev", "next"):
        link = (context.get(key) or {}).get("link")
        if link:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(pagename), link))
            other = page_language(target)
            if other and other != lang:
                context[key] = None


def arrange_the_header(app, pagename, templatename, context, doctree):
    """The header bar's links and menus (`header.arrange`), with the language switch's
    target and the sections of both pages (a switch keeps the reader's place)."""
    other = counterpart(pagename)
    switch = None
    if other and other in app.env.found_docs and "body" in context:
        switch = (app.builder.get_relative_uri(pagename, other), page_language(other),
                  section_ids(app.env, pagename), section_ids(app.env, other))
    header.arrange(context, lang=page_language(pagename), pdfs=built_pdfs(app.confdir), switch=switch)


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


def point_launch_buttons_at_launch_notebooks(app, pagename, templatename, context, doctree):
    """Runs after the theme made its buttons: notebooks/x.ipynb -> launch/x.ipynb."""
    if not pagename.startswith("notebooks/"):
        return
    stored, launch = f"{pagename}.ipynb", "launch/" + pagename[len("notebooks/"):] + ".ipynb"

    def visit(buttons):
        for button in buttons:
            if "url" in button and "_sources/" + stored in button["url"]:  # the download
                button["url"] = button["url"].split("_sources/")[0] + launch
            elif "url" in button and stored in button["url"]:
                button["url"] = button["url"].replace(stored, launch)
            visit(button.get("buttons", []))
    visit(context.get("header_buttons", []))


def copy_launch_notebooks(app, exception):
    source = Path(app.confdir) / "launch"
    if exception is None and app.builder.format == "html" and source.is_dir():
        shutil.copytree(source, Path(app.outdir) / "launch", dirs_exist_ok=True)


def copy_favicon_to_the_root(app, exception):
    """Browsers ask the site's root for /favicon.ico (the root redirect page names none)."""
    icon = Path(app.confdir) / "_static" / "favicon.png"
    if exception is None and app.builder.format == "html" and icon.is_file():
        shutil.copyfile(icon, Path(app.outdir) / "favicon.ico")


def versions(root: Path) -> tuple[str, str]:
    pins = (root / "requirements.txt").read_text(encoding="utf-8")
    tensorflow = re.search(r"^tensorflow==(\S+)", pins, re.M)
    try:
        book = subprocess.run(["git", "describe", "--tags", "--always"], cwd=root,
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        book = ""
    return book or "dev", tensorflow[1] if tensorflow else "unknown"


FOOTER = {"en": "Book version {book} · notebooks executed with TensorFlow {tensorflow}",
          "zh": "本书版本 {book} · notebook 用 TensorFlow {tensorflow} 执行"}


def add_footer(app, config):
    """The English footer for every page, the Chinese one (in the pages' context) for
    `speak_the_page_language` to put on Chinese pages."""
    book, tensorflow = versions(Path(app.confdir))
    footers = {lang: f'<p class="book-versions">{text.format(book=book, tensorflow=tensorflow)}</p>'
               for lang, text in FOOTER.items()}
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footers["en"] + options.get("extra_footer", "")
    config.html_theme_options = options
    config.html_context = {**(config.html_context or {}), "book_footers": footers}


def add_chinese_search_page(app, config):
    """The search page a second time, for the search box of the Chinese pages."""
    config.html_additional_pages = {**(config.html_additional_pages or {}),
                                    interface_zh.SEARCH_PAGE: "search.html"}


def speak_the_page_language(app, pagename, templatename, context, doctree):
    """A page of one language names the book and its authors in that language (in the
    sidebar, the browser's tab, the footer); Chinese pages speak Chinese (interface_zh).
    The landing page's heading is the book's title, so the sidebar and the tab do not
    repeat it there. Runs after the themes have filled the context."""
    lang = interface_language(pagename)
    if pagename == app.config.root_doc:
        context["docstitle"] = ""
    elif lang:
        footers = context["book_footers"]
        context.update(docstitle=TITLES[lang], author=AUTHORS[lang], theme_extra_footer=context.get(
            "theme_extra_footer", "").replace(footers["en"], footers[lang]))
    if lang == "zh":
        interface_zh.speak_chinese(app, pagename, context)


class LatinTerms(list):
    """Sphinx 7.4's Chinese search keeps every Latin word of the whole site in one list and
    tests each word it indexes for membership in it: quadratic, 150 of a 200-second build
    here. The same list, with a set beside it for the membership test."""

    def __init__(self):
        super().__init__()
        self.seen = set()

    def extend(self, terms):
        terms = list(terms)
        super().extend(terms)
        self.seen.update(terms)

    def __contains__(self, term):
        return term in self.seen


def look_plugins_up_once():
    """pybtex and sphinxcontrib-bibtex look their styles up among the installed packages'
    entry points each time they format a citation: importlib reads the metadata of every
    package in the environment, some 440 times per build (about a tenth of it here). The
    installed packages do not change during a build, so each lookup is made once."""
    import pybtex.plugin
    import sphinxcontrib.bibtex.plugin

    for module in (pybtex.plugin, sphinxcontrib.bibtex.plugin):
        if not hasattr(module.entry_points, "cache_info"):
            module.entry_points = functools.lru_cache(maxsize=None)(importlib.metadata.entry_points)


def index_chinese_in_linear_time():
    from sphinx.search import zh
    if not isinstance(zh.SearchChinese.latin_terms, LatinTerms):
        zh.SearchChinese.latin_terms = LatinTerms()
        zh.SearchChinese.init = _stem_as_the_browser_does(zh.SearchChinese.init)
        zh.SearchChinese.split = _index_terms_inside_longer_words(zh.SearchChinese.split)


def _index_terms_inside_longer_words(split):
    """jieba keeps a table term whole (稀疏分类交叉熵) and, in search mode, adds only its two-
    and three-character parts, so a search for the shorter table term 分类交叉熵 missed a page
    that writes only the longer one. Each word is also indexed as the table terms inside it."""
    @functools.lru_cache(maxsize=None)  # the same words come back on every page
    def terms_inside(word, terms):
        return [t for t in terms if t != word and t in word] if len(word) > 3 else []

    def split_with_terms(self, input):
        words = split(self, input)
        terms = getattr(self, "book_terms", ())
        return words + [t for w in words for t in terms_inside(w, terms)]
    return split_with_terms


def _stem_as_the_browser_does(init):
    """Sphinx's Chinese index stems English words with Snowball's "english" (Porter2), but
    the search page stems the query with the original Porter algorithm, so "replay" was
    indexed as replay and searched as replai: no result. Index with Porter, as queried."""
    import snowballstemmer

    def porter_init(self, options):
        init(self, options)
        self.stemmer = snowballstemmer.stemmer("porter")
        # Sphinx stems each occurrence of a word, up to twice: remember each word's stem.
        self.stemmer.stemWord = functools.lru_cache(maxsize=None)(self.stemmer.stemWord)
        terms = options.get("dict")  # the user dictionary search_dictionary wrote
        self.book_terms = tuple(line.split()[0] for line in Path(terms).read_text("utf-8").splitlines()
                                if line.strip()) if terms and Path(terms).is_file() else ()
    return porter_init


TERM_CELL = re.compile(r"[（(][^）)]*[）)]")


def chinese_terms(terminology: Path) -> list[str]:
    """The Chinese terms of the terminology table (its first column, split at ，/、 and
    without parenthesised glosses): 梯度带（gradient tape） gives 梯度带."""
    terms = []
    for line in terminology.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or set(cells[0]) <= set("-: "):
            continue
        for part in re.split(r"[，,、/／;；]", TERM_CELL.sub("", cells[0])):
            part = part.strip()
            if re.search(r"[\u4e00-\u9fff]", part) and " " not in part and len(part) > 1:
                terms.append(part)
    return sorted(set(terms))


def search_dictionary(app, config):
    """A jieba user dictionary from the terminology table, for the Chinese search index."""
    terminology = Path(app.confdir) / "book" / "terminology.md"
    if not terminology.is_file():
        return
    path = Path(app.doctreedir).parent / "jieba-terms.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{term} 100000 n\n" for term in chinese_terms(terminology)), "utf-8")
    config.html_search_options = {**(config.html_search_options or {}), "dict": str(path)}


def leave_set_up_code_out_of_print(app, doctree, docname):
    """The PDF shows a set-up cell's output (the versions), not its code: what the site folds
    (a cell tagged hide-input), print leaves out."""
    if app.builder.format != "latex":
        return
    from docutils import nodes

    for cell in list(doctree.findall(nodes.container)):
        if "tag_hide-input" in cell.get("classes", []):
            for part in [c for c in cell.children if "cell_input" in c.get("classes", [])]:
                cell.remove(part)


def setup(app):
    look_plugins_up_once()
    index_chinese_in_linear_time()
    register_author_year_labels()
    app.connect("config-inited", add_footer)
    app.connect("config-inited", add_chinese_search_page)
    app.connect("config-inited", search_dictionary)
    app.connect("config-inited", header.configure)
    app.add_js_file("live-code.js")
    app.connect("env-get-updated", number_figures_per_language, priority=900)  # after Sphinx's count
    app.connect("doctree-read", readable_section_ids, priority=400)  # before the outline
    app.connect("doctree-read", anchor_the_terms)
    glossary.setup(app)  # each term linked to its row where the book first uses it
    app.connect("doctree-resolved", leave_set_up_code_out_of_print)
    app.connect("html-page-context", one_language_at_a_time)
    app.connect("html-page-context", declare_language)
    app.connect("html-page-context", number_exercises_per_page)
    app.connect("html-page-context", speak_the_page_language, priority=700)
    app.connect("html-page-context", drop_duplicate_scripts, priority=800)
    app.connect("html-page-context", header.serve_thebe_locally, priority=800)
    app.connect("html-page-context", point_launch_buttons_at_launch_notebooks, priority=900)
    app.connect("html-page-context", arrange_the_header, priority=910)
    app.connect("build-finished", copy_launch_notebooks)
    app.connect("build-finished", copy_favicon_to_the_root)
    app.connect("build-finished", write_downloads)
    app.connect("build-finished", header.check_thebe_is_served)
    # env_version: the doctrees carry readable section ids and term anchors (read again)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}


# -- Readable section links, and a language switch that keeps the reader's place ---------

OPAQUE_ID = re.compile(r"id\d+$")


def slug(title: str) -> str:
    """A heading's anchor, readable in its language: 卷积层的参数 -> 卷积层的参数,
    "Training with fit" -> training-with-fit (Chinese characters kept, as GitHub does)."""
    text = re.sub(r"[^\w\s-]", "", title.lower(), flags=re.U)
    return re.sub(r"[\s_-]+", "-", text).strip("-") or "section"


def readable_section_ids(app, doctree):
    """docutils turns a heading into an ASCII id, so every Chinese heading got an opaque one
    (#id2, #id9). A section whose ids are all opaque gets its title's slug as its first id;
    the old id stays (a link to #id9 still lands), and so do labels that {ref} resolves to.
    Runs before the page outline is collected, so the outline links the readable id."""
    from docutils import nodes

    taken = set(doctree.ids)
    for section in doctree.findall(nodes.section):
        if not headed(section) or not all(OPAQUE_ID.match(i) for i in section["ids"]):
            continue
        base = slug(section[0].astext())
        new, n = base, 1
        while new in taken:
            n += 1
            new = f"{base}-{n}"
        taken.add(new)
        section["ids"].insert(0, new)
        doctree.ids[new] = section


def section_ids(env, docname: str) -> list[str]:
    from docutils import nodes

    return [s["ids"][0] for s in env.get_doctree(docname).findall(nodes.section) if headed(s)]


def headed(section) -> bool:
    """A section with a heading (sphinx-exercise's content blocks are untitled sections)."""
    from docutils import nodes

    return bool(section["ids"] and section.children and isinstance(section[0], nodes.title))


# -- Bibliography labels that read like the citations ------------------------------------

def register_author_year_labels():
    """The bibliography's labels as the text cites them: [Xiao et al., 2017],
    [Kingma and Ba, 2015], [Graves, 2013] (pybtex's default, alpha, printed [XRV17]).
    `bibtex_default_style: author_year` in _config.yml selects the style."""
    from pybtex.plugin import register_plugin
    from pybtex.richtext import Text
    from pybtex.style.formatting.unsrt import Style
    from pybtex.style.labels import BaseLabelStyle

    def surname(person) -> str:
        return Text.from_latex(" ".join(person.prelast_names + person.last_names)).render_as("text")

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = []
            for entry in sorted_entries:
                people = entry.persons.get("author") or entry.persons.get("editor") or []
                names = [surname(p) for p in people]
                if len(names) > 2 or "others" in names:
                    who = f"{names[0]} et al."
                else:
                    who = " and ".join(names) or entry.key
                labels.append(f"{who}, {entry.fields.get('year', 'n.d.')}")
            seen: dict[str, int] = {}
            for label in labels:  # two works of one year: 2016a, 2016b
                seen[label] = seen.get(label, 0) + 1
                yield label + ("abcdefgh"[seen[label] - 1] if labels.count(label) > 1 else "")

    class AuthorYearStyle(Style):
        default_label_style = "author_year"
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.labels", "author_year", AuthorYearLabels, force=True)
    register_plugin("pybtex.style.formatting", "author_year", AuthorYearStyle, force=True)


def anchor_the_terms(app, doctree):
    """Each row of the terminology page gets an anchor from its English term:
    terminology.html#term-tensor, #term-learning-rate (the first row that names it)."""
    from docutils import nodes

    if app.env.docname != "book/terminology":
        return
    for body in doctree.findall(nodes.tbody):
        for row in body.children:
            cells = row.children
            if len(cells) < 2:
                continue
            english = cells[2 if len(cells) > 3 else 1].astext()  # 统一的译法: use, not, English
            new = "term-" + slug(re.split(r"[,(（]", english)[0])
            if new not in doctree.ids:
                row["ids"].insert(0, new)
                doctree.ids[new] = row
