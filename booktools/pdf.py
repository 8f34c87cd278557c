"""`make pdf`: one PDF per language, from the stored notebooks, with xelatex.

Jupyter Book builds one LaTeX document per table of contents, so each language gets a
table of contents of its own (its part of _toc.yml) and a configuration of its own
(_config.yml plus the LaTeX settings below), written under _build/pdf/. Sphinx writes the
LaTeX; `front_matter` turns the preface into an unnumbered chapter, so that the first real
chapter is chapter 1, and `solutions_appendix` moves each page's worked solutions into an
appendix of their own (the site folds them under each page instead), and
`closing_sections_last` moves each chapter's summary and further reading after its
sections; latexmk then makes the PDF.
"""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from .layout import Layout

TEX_PACKAGES = ["texlive-xetex", "texlive-latex-extra", "texlive-lang-chinese",
                "texlive-fonts-recommended", "fonts-noto-cjk", "fonts-freefont-otf", "latexmk",
                "poppler-utils"]
TITLES = {"zh": "TensorFlow 2：从张量到模型", "en": "TensorFlow 2: From Tensors to Models"}
AUTHORS = {"zh": "《从张量到模型》编写组", "en": "The From-Tensors-to-Models authors"}
PREFACE = {"zh": "前言", "en": "Preface"}
SOLUTIONS = {"zh": "参考答案", "en": "Solutions"}
CLOSING = {"zh": "小结", "en": "Summary"}  # a chapter page's closing sections start here
APPENDIX_TITLE = {"zh": "练习参考答案", "en": "Solutions to the exercises"}
# Chinese text appears in both editions (code, outputs, the terminology table).
CJK = (r"\usepackage{xeCJK}" "\n"
       r"\setCJKmainfont{Noto Serif CJK SC}" "\n"
       r"\setCJKsansfont{Noto Sans CJK SC}" "\n"
       r"\setCJKmonofont{Noto Sans Mono CJK SC}" "\n")
ENGLISH_PUNCTUATION = r'\xeCJKDeclareCharClass{Default}{"2018, "2019, "201C, "201D, "2014, "2026}' "\n"
# Chinese book conventions: 目录, 第 1 章 in headings and running heads, 图/表 captions.
# Sphinx's page style writes "\\@chapapp \\thechapter \\@chappos title" in the running head
# when \\@chappos exists (as for Japanese), which gives 第 1 章.
ZH_CONVENTIONS = (r"\usepackage[heading=true]{ctex}" "\n"
                  r"\ctexset{chapter={name={第,章},number=\arabic{chapter}}}" "\n"
                  r"\makeatletter\def\@chapapp{第}\def\@chappos{章}\makeatother" "\n"
                  r"\renewcommand{\contentsname}{目录}" "\n"
                  r"\renewcommand{\figurename}{图}\renewcommand{\tablename}{表}" "\n")
MISSING = re.compile(r"Missing character: There is no (.+?) in font (.+?)!")


def language_toc(layout: Layout, lang: str) -> dict:
    toc = yaml.safe_load((layout.root / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [c for part in toc["parts"] for c in part["chapters"]
                if c["file"].startswith(f"notebooks/{lang}/")]
    appendix = [c for part in toc["parts"] for c in part["chapters"]
                if not c["file"].startswith("notebooks/")]
    return {"format": "jb-book", "root": chapters[0]["file"],
            "chapters": chapters[1:] + appendix} if chapters else {}


def language_config(layout: Layout, lang: str) -> dict:
    config = yaml.safe_load((layout.root / "_config.yml").read_text(encoding="utf-8"))
    config = copy.deepcopy(config)
    config["title"] = TITLES[lang]
    config["latex"] = {"latex_engine": "xelatex", "use_jupyterbook_latex": False,
                       "latex_documents": {"targetname": f"book-{lang}.tex"}}
    # Paths in the configuration are read relative to it: make them absolute.
    config["sphinx"]["local_extensions"] = {
        name: str(layout.root / path) for name, path in config["sphinx"]["local_extensions"].items()}
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    config["author"] = AUTHORS[lang]
    # Sphinx's Chinese default adds \xeCJKVerbAddon to verbatim, which sets each Chinese
    # character two Latin code widths apart: comments in code came out letter-spaced.
    # xeCJK counts curly quotes, dashes and the ellipsis as Chinese punctuation, full-width
    # from the Chinese font: "TensorFlow’s" came out as "TensorFlow’ s". English keeps them Latin.
    elements = {"preamble": CJK + ENGLISH_PUNCTUATION, "papersize": "a4paper",
                "fvset": r"\fvset{fontsize=\small}"}
    if lang == "zh":  # ctex sets the headings; babel's English captions would win otherwise
        elements.update({"babel": "", "fncychap": "", "preamble": CJK + ZH_CONVENTIONS})
    sphinx.update({"language": "zh_CN" if lang == "zh" else "en", "latex_use_xindy": False,
                   "latex_elements": elements})
    return config


def front_matter(tex: str, lang: str) -> str:
    """The preface (the root page, whose sections Sphinx makes chapters) becomes one
    unnumbered chapter with unnumbered sections, listed in the table of contents."""
    start = tex.find("\\pagestyle{normal}")  # right after the table of contents
    body = tex.find("\\sphinxstepscope", start)  # each later page starts a new scope
    if start < 0 or body < 0:
        raise RuntimeError("the LaTeX has no table of contents followed by the first page")
    start += len("\\pagestyle{normal}\n")
    preface = tex[start:body].replace("\\chapter{", "\\section*{")
    heading = (f"\\chapter*{{{PREFACE[lang]}}}\\addcontentsline{{toc}}{{chapter}}{{{PREFACE[lang]}}}"
               f"\\markboth{{{PREFACE[lang]}}}{{}}\n")
    tex = tex[:start] + heading + preface + tex[body:]
    # The pages outside the chapters (terminology, references) are appendices: A, B.
    first_appendix = tex.find("\\label{\\detokenize{book/")
    if first_appendix > 0:
        scope = tex.rfind("\\sphinxstepscope", 0, first_appendix)
        chappos = "\\makeatletter\\def\\@chappos{}\\makeatother\n" if lang == "zh" else ""
        tex = tex[:scope] + "\\appendix\n" + chappos + tex[scope:]  # zh: 附录 A, not 附录 A 章
    return tex


EXERCISE_WORDS = {"zh": ("练习", "解答 练习"), "en": ("Exercise", "Solution to Exercise")}


def number_exercises_per_page(tex: str, lang: str) -> str:
    """Sphinx numbers exercises through the whole book; the site, the launch notebooks and
    the solution scripts number them per page: so does the PDF. Chinese titles read
    练习 1（标题） and 参考答案：练习 1（标题）."""
    exercise, solution = EXERCISE_WORDS[lang]
    title = re.compile(r"(\\begin\{sphinxadmonition\}\{note\}\{)(" + re.escape(solution) + "|"
                       + re.escape(exercise) + r") (\d+) \((.*)\)\}$", re.M)
    pages = tex.split("\\sphinxstepscope")
    for index, page in enumerate(pages):
        local = {}
        for match in title.finditer(page):
            if match[2] == exercise:
                local[match[3]] = str(len(local) + 1)

        def renumber(match):
            number = local.get(match[3], match[3])
            if lang == "zh":
                word = "参考答案：练习" if match[2] == solution else "练习"
                return f"{match[1]}{word} {number}（{match[4]}）}}"
            return f"{match[1]}{match[2]} {number} ({match[4]})}}"

        pages[index] = title.sub(renumber, page)
    return "\\sphinxstepscope".join(pages)


def solutions_appendix(tex: str, lang: str) -> str:
    """Each page's Solutions section (from its heading to the next heading of its level or
    above, or to the end of the page) moves to an appendix, under the title of the page it
    belongs to; the appendix comes first among the appendices. A section after the
    solutions stays in the chapter. A page without solutions is left as it is."""
    heading = re.compile(r"\\((?:sub)*)section\{" + SOLUTIONS[lang] + r"\}\n")
    moved, pos = [], 0
    while (found := heading.search(tex, pos)) is not None:
        end = tex.find("\\sphinxstepscope", found.end())
        appendix = tex.find("\\appendix\n", found.end())
        level = len(found[1]) // len("sub")
        sibling = re.compile(r"\\(?:chapter|(?:sub){0,%d}section)\{" % level).search(tex, found.end())
        sibling = sibling.start() if sibling else -1
        end = min(e for e in (end, appendix, sibling, tex.find("\\end{document}")) if e >= 0)
        page = tex.rfind("\\sphinxstepscope", 0, found.start())
        title = re.search(r"\\(?:chapter|section)\{(.*)\}", tex[page:found.start()])
        moved.append(f"\\section{{{title[1] if title else ''}}}\n{tex[found.end():end]}")
        tex, pos = tex[:found.start()] + tex[end:], found.start()
    if not moved:
        return tex
    chapter = (f"\\sphinxstepscope\n\\chapter{{{APPENDIX_TITLE[lang]}}}\n"
               f"\\label{{solutions-appendix}}\n" + "".join(moved))
    at = tex.find("\\appendix\n")
    at = tex.find("\n", tex.find("\\makeatother", at) if "\\@chappos{}" in tex[at:at + 60] else at) + 1 \
        if at >= 0 else tex.find("\\renewcommand{\\indexname}")
    at = at if at >= 0 else tex.find("\\end{document}")
    return tex[:at] + chapter + tex[at:]


def closing_sections_last(tex: str, lang: str) -> str:
    """A chapter's index page holds its introduction and its closing sections (summary,
    further reading); Sphinx puts the whole page before the chapter's section pages. On the
    site that is one page among others; in print the summary belongs after the sections:
    move it, from its heading to the end of the index page, to the end of the chapter."""
    heading = re.compile(r"\\section\{" + CLOSING[lang] + r"\}\n")
    pos = 0
    while (found := heading.search(tex, pos)) is not None:
        page_end = tex.find("\\sphinxstepscope", found.end())
        if page_end < 0:
            break
        closing = tex[found.start():page_end]
        rest = tex[page_end:]
        ends = [m.start() for m in re.finditer(r"\\sphinxstepscope\n+(?:\\label\{[^\n]*\}\n+)*"
                                              r"(?:\\chapter|\\appendix)|\\appendix\n|"
                                              r"\\renewcommand\{\\indexname\}|\\end\{document\}", rest)]
        chapter_end = ends[0] if ends else len(rest)
        tex = (tex[:found.start()] + rest[:chapter_end] + closing + rest[chapter_end:])
        pos = found.start() + chapter_end + len(closing)
    return tex


def build(layout: Layout, lang: str, jupyter_book: str) -> Path:
    """Build one language's PDF; return its path. Raise RuntimeError naming the log."""
    work = layout.root / "_build" / "pdf" / lang
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    toc, config = work / "_toc.yml", work / "_config.yml"
    toc.write_text(yaml.safe_dump(language_toc(layout, lang), allow_unicode=True), "utf-8")
    config.write_text(yaml.safe_dump(language_config(layout, lang), allow_unicode=True), "utf-8")
    log = work / "build.log"
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run([jupyter_book, "build", str(layout.root), "--builder", "latex",
                               "--toc", str(toc), "--config", str(config),
                               "--path-output", str(work)], stdout=out, stderr=subprocess.STDOUT)
        latex = work / "_build" / "latex"
        tex = latex / f"book-{lang}.tex"
        if done.returncode == 0 and tex.exists():
            arranged = front_matter(tex.read_text(encoding="utf-8"), lang)
            arranged = solutions_appendix(number_exercises_per_page(arranged, lang), lang)
            arranged = closing_sections_last(arranged, lang)
            tex.write_text(arranged, "utf-8")
            done = subprocess.run(["make", "-C", str(latex), "all-pdf", "LATEXMKOPTS=-silent"],
                                  stdout=out, stderr=subprocess.STDOUT)
    pdf = work / "_build" / "latex" / f"book-{lang}.pdf"
    if done.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"the {lang} PDF did not build; see {layout.rel(log)} and "
                           f"{layout.rel(pdf.with_suffix('.log'))}")
    target = layout.root / "_build" / "pdf" / f"book-{lang}.pdf"
    shutil.copyfile(pdf, target)
    return target


def missing_characters(layout: Layout, lang: str) -> list[str]:
    """Characters xelatex could not find in any font (it warns and drops them)."""
    log = layout.root / "_build" / "pdf" / lang / "_build" / "latex" / f"book-{lang}.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return sorted({f"{m[1]} ({m[2]})" for m in MISSING.finditer(text)})
