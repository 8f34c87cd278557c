"""The site's interface in Chinese on the Chinese pages.

Jupyter Book builds one Sphinx project, and a Sphinx project has one `language`: the site's
is English, so a Chinese page said "Contents", "previous", "Fig. 2.1", "Click to show" and
"et al." around its Chinese text. Sphinx and the themes look their words up while a page is
rendered, through the template functions `gettext` (Sphinx, pydata-sphinx-theme) and
`translate` (sphinx-book-theme); on a Chinese page `speak_chinese` gives the page's template
context versions of both that answer from `ZH`. Words made before that moment are translated
where they are: the page body (figure numbers, link titles, citations), the theme's header
buttons, the search box's placeholder, and, in one inline script, the messages of Sphinx's
search and highlighting scripts, sphinx-togglebutton's hints and the three labels no
template translates. Nothing is global, so the next page (an English one) is untouched. The search box of a Chinese page leads to search-zh.html,
the search page built a second time (`html_additional_pages`) to be spoken to in Chinese.

Each interface word is translated once, here. `tests/site` lists any English left on a
Chinese page (and any Chinese on an English one).
"""
from __future__ import annotations

import json
import re

SEARCH_PAGE = "search-zh"  # the Chinese search page (sphinx_book adds it to html_additional_pages)
FOUND = "Search finished, found ${resultCount} page(s) matching the search query."
NOTHING_FOUND = ("Your search did not match any documents. Please make sure that all words are "
                 "spelled correctly and that you've selected enough categories.")

ZH = {
    # The page's frame (templates: Sphinx, pydata-sphinx-theme, sphinx-book-theme)
    "Skip to main content": "跳到正文",
    "Back to top": "回到顶部",
    "Search": "搜索",
    "Search this book...": "搜索本书……",
    "Search within %(docstitle)s": "搜索《%(docstitle)s》",
    "Error": "错误",
    "Please activate JavaScript to enable the search functionality.": "搜索需要启用 JavaScript。",
    "Color mode": "配色",
    "Light": "浅色",
    "Dark": "深色",
    "System Settings": "跟随系统",
    "Toggle primary sidebar": "显示或隐藏全书目录",
    "Toggle secondary sidebar": "显示或隐藏本页目录",
    "Contents": "目录",
    "On this page": "本页内容",
    "Section Navigation": "本章导航",
    "Site navigation": "网站导航",
    "Breadcrumb": "导航路径",
    "Home": "首页",
    "Index": "索引",
    "Announcement": "公告",
    "Version warning": "版本提示",
    "previous": "上一页",
    "next": "下一页",
    "previous page": "上一页",
    "next page": "下一页",
    "By": "作者：",
    "© Copyright %(copyright)s.": "© %(copyright)s 版权所有。",
    # The header buttons (sphinx-book-theme, made in Python)
    "Source repositories": "源代码仓库",
    "Source repository": "源代码仓库",
    "Repository": "仓库",
    "Open an issue": "报告问题",
    "Open issue": "报告问题",
    "Download this page": "下载本页",
    "Download source file": "下载源文件",
    "Download notebook file": "下载 notebook 文件",
    "Print to PDF": "打印成 PDF",
    "Fullscreen mode": "全屏",
    "Launch interactive content": "运行本页的代码",
    "Launch on Binder": "在 Binder 中打开",
    "Launch on Colab": "在 Colab 中打开",
    "Launch Thebe": "在页面上运行代码（Live Code）",
    "logo": "图标",
    # In the page body (Sphinx's HTML writer, MyST-NB, the numbering)
    "Link to this heading": "链接到本标题",
    "Link to this image": "链接到本图",
    "Link to this equation": "链接到本公式",
    "Link to this table": "链接到本表",
    "Link to this code": "链接到本代码",
    "Link to this definition": "链接到本定义",
    "Toggle hidden content": "显示或隐藏内容",
    "Fig.": "图",
    "Table": "表",
    # Scripts: Sphinx's search and highlighting, sphinx-togglebutton
    "Search Results": "搜索结果",
    "Searching": "正在搜索",
    "Preparing search...": "正在准备搜索……",
    FOUND: "搜索完毕，找到 ${resultCount} 个页面。",
    NOTHING_FOUND: "没有找到包含这些词的页面。请检查拼写，或者换一个词。",
    ", in ": "，位于 ",
    "Hide Search Matches": "隐藏搜索结果的标记",
    "Click to show": "点击显示",
    "Click to hide": "点击隐藏",
    # Citations (sphinxcontrib-bibtex, author_year)
    "et al.": "等",
    "and": "和",
}
SCRIPT_MESSAGES = ("Search Results", "Searching", "Preparing search...", ", in ", FOUND,
                   NOTHING_FOUND, "Hide Search Matches")


def zh(message: str) -> str:
    return ZH.get(message, message)


def zh_plural(singular: str, plural: str, count: int) -> str:
    return zh(singular if count == 1 else plural)


LINK_TITLE = re.compile(r'(title|aria-label)="(Link to this \w+|Toggle hidden content)"')
NUMBER = re.compile(r'(<span class="(?:caption-number|std std-numref)">)(Fig\.|Table) ')
CITATION = re.compile(r'(<span class="bibtex-citation"[^>]*>)(.*?)(</span>)', re.S)


def _citation(match: re.Match) -> str:
    """Xiao <em>et al.</em>, 2017 -> Xiao 等, 2017; Kingma and Ba -> Kingma 和 Ba. Only the
    text: the link's title (the bibliography entry) stays as it is."""
    parts = re.split(r"(<[^>]+>)", match[2].replace("<em>et al.</em>", zh("et al."))
                     .replace(" and others", " " + zh("et al.")))
    text = "".join(p if p.startswith("<") else re.sub(r"\band\b", zh("and"), p) for p in parts)
    return match[1] + text + match[3]


def body(html: str) -> str:
    html = LINK_TITLE.sub(lambda m: f'{m[1]}="{zh(m[2])}"', html)
    html = NUMBER.sub(lambda m: f"{m[1]}{zh(m[2])} ", html)
    return CITATION.sub(_citation, html)


def _buttons(buttons: list) -> None:
    for button in buttons:
        for key in ("tooltip", "text"):
            if isinstance(button.get(key), str):
                button[key] = zh(button[key])
        _buttons(button.get("buttons", []))


# Labels that no template translates: the theme's sidebar buttons (hard-coded in its
# templates) and sphinx-togglebutton's (made by its script); Bootstrap moves a title into
# data-bs-original-title. Replaced when the page is ready: after both made them.
LABELS = ("Toggle primary sidebar", "Toggle secondary sidebar", "Toggle hidden content")
LABEL_SCRIPT = """document.addEventListener("DOMContentLoaded", () => {
  const zh = %s;
  for (const e of document.querySelectorAll("[title], [aria-label], [data-bs-original-title]"))
    for (const a of ["title", "aria-label", "data-bs-original-title"])
      if (zh[e.getAttribute(a)]) e.setAttribute(a, zh[e.getAttribute(a)]);
});"""


def script() -> str:
    """Runs after Sphinx's doctools.js and sphinx-togglebutton's settings, before either
    uses its words (both wait for the page to load)."""
    def table(words):
        return json.dumps({w: zh(w) for w in words}, ensure_ascii=False)
    return (f'Documentation.addTranslations({{"locale": "zh_CN", "messages": '
            f'{table(SCRIPT_MESSAGES)}, "plural_expr": "0"}});\n'
            f'toggleHintShow = "{zh("Click to show")}"; toggleHintHide = "{zh("Click to hide")}";\n'
            + LABEL_SCRIPT % table(LABELS))


def speak_chinese(app, pagename: str, context: dict) -> None:
    """A Chinese page's template context, body and scripts in Chinese (see the module)."""
    pathto = context["pathto"]
    context.update(
        gettext=zh, ngettext=zh_plural, translate=zh,
        theme_search_bar_text=zh("Search this book..."),
        pathto=lambda name, *args, **kwargs: pathto(
            SEARCH_PAGE if name == "search" and not args and not kwargs else name, *args, **kwargs))
    if pagename == SEARCH_PAGE:  # the theme loads the search scripts in the head of any
        context["pagename"] = "search"  # page but "search", and the search template again
    _buttons(context.get("header_buttons", []))
    if "body" in context:
        context["body"] = body(context["body"])
    app.add_js_file(None, body=script())
