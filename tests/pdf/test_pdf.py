"""The PDFs that `make pdf` built: every character found a font, every chapter is there,
Chinese body text is real text (not boxes), and the pages render."""
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from booktools.layout import Layout
from booktools.pdf import missing_characters

ROOT = Path(__file__).resolve().parents[2]
LAYOUT = Layout(ROOT)


def pdf_path(lang):
    path = ROOT / "_build" / "pdf" / f"book-{lang}.pdf"
    assert path.exists(), f"{path} is missing: run `make pdf`"
    return path


def chapter_titles(lang):
    """The chapters' titles; the first page of each language is the PDF's front matter."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    titles = []
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            if chapter["file"].startswith(f"notebooks/{lang}/"):
                source = ROOT / "book" / Path(chapter["file"]).relative_to("notebooks")
                source = source.with_suffix(".md")
                first = source.read_text(encoding="utf-8").split("\n", 1)[0]
                titles.append(first.lstrip("# ").strip())
    return titles[1:]


def pages_of(lang):
    """The PDF's text, page by page (pdftotext separates pages with form feeds)."""
    done = subprocess.run(["pdftotext", "-layout", str(pdf_path(lang)), "-"],
                          capture_output=True, text=True, check=True)
    return [re.sub(r"[ \t]+", " ", page) for page in done.stdout.split("\f")]


def text_of(lang):
    return re.sub(r"\s+", " ", " ".join(pages_of(lang)))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_character_is_missing_from_the_fonts(lang):
    pdf_path(lang)
    assert missing_characters(LAYOUT, lang) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chapter_title_is_in_the_text(lang):
    text = text_of(lang)
    for title in chapter_titles(lang):
        assert title in text, f"{title!r} not found in book-{lang}.pdf"


def test_chinese_body_text_is_real_text():
    text = text_of("zh")
    for phrase in ["张量", "自动微分", "梯度", "线性回归"]:
        assert phrase in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_render_to_png(lang, tmp_path):
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", str(pdf_path(lang)),
                    str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 1000 for p in pages)


# What a reader of each edition expects: the contents title, chapter 1 as the first real
# chapter (the preface is unnumbered front matter), running heads and captions in the
# edition's language, and the book's author line.
CONVENTIONS = {
    "zh": {"contents": "目录", "chapter_one": "第 1 章", "figure": "图 ", "author": "《从张量到模型》编写组",
           "preface": "前言", "appendix": "附录 A"},
    "en": {"contents": "Contents", "chapter_one": "Chapter 1", "figure": "Fig. ",
           "author": "The From-Tensors-to-Models authors", "preface": "Preface",
           "appendix": "Appendix A"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_front_matter_contents_and_author_follow_the_language(lang):
    want, pages = CONVENTIONS[lang], pages_of(lang)
    assert want["author"] in pages[0], f"title page lacks the author line {want['author']!r}"
    contents = next((p for p in pages[1:6] if want["contents"].lower() in p.lower()), None)
    assert contents, f"no table of contents titled {want['contents']!r}"
    assert want["preface"] in contents, "the preface is not listed in the contents"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_chapter_is_chapter_one_with_its_title(lang):
    pages, title, number = pages_of(lang), chapter_titles(lang)[0], CONVENTIONS[lang]["chapter_one"]
    start = next((p for p in pages if title in p and number in p), None)
    assert start, f"no page shows {number!r} with {title!r}"
    assert not any(re.search(r"Chapter 0\b|第 0 章", p) for p in pages), "a chapter 0"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_captions_running_heads_and_appendix_follow_the_language(lang):
    want, text = CONVENTIONS[lang], " ".join(pages_of(lang))
    assert re.search(re.escape(want["figure"]) + r"\d+\.\d+", text), f"no caption {want['figure']}N.M"
    assert want["appendix"] in text, f"no {want['appendix']!r}"
    if lang == "zh":  # no English book furniture left in the Chinese edition
        for english in [r"\bCONTENTS\b", r"\bContents\b", r"Chapter \d", r"Fig\. \d", r"Table \d",
                        r"Appendix [A-Z]"]:
            assert not re.search(english, text), f"{english!r} in the Chinese PDF"


SOLUTIONS = {"zh": ("附录 A 练习参考答案", "参考答案：练习 ", r"练习 (\d+)（"),
             "en": ("Solutions to the exercises", "Solution to Exercise ", r"Exercise (\d+) \(")}


def exercise_count(lang):
    """Exercises in the book's sources of one language (make check: each has one solution)."""
    return sum(path.read_text(encoding="utf-8").count("```{exercise}")
               for path in (ROOT / "book" / lang).rglob("*.md"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_solutions_are_an_appendix_numbered_per_page(lang):
    """Every solution is in the appendix, none in the chapters; exercises are numbered per
    page, as on the site; the Chinese edition titles them in Chinese."""
    appendix, solution, exercise = SOLUTIONS[lang]
    pages = pages_of(lang)
    # the appendix's title without its letter ("exercises" alone also occurs in the prose)
    title = appendix.split(maxsplit=2)[-1] if lang == "zh" else appendix
    text = [re.sub(r"\s+", " ", p) for p in pages]
    assert any(title in p for p in text[1:6]), "the solutions appendix is not in the contents"
    start = next(i for i, p in enumerate(text[6:], 6) if title in p)
    before = " ".join(text[:start])
    after = " ".join(text[start:])
    assert solution not in before, "a solution left in a chapter"
    assert after.count(solution) == exercise_count(lang), "not every exercise has its solution"
    numbers = [int(n) for n in re.findall(exercise, before)]
    assert numbers and max(numbers) <= 6, f"exercises numbered through the book: {max(numbers)}"
    if lang == "zh":
        assert "解答 练习" not in after and "Solution to" not in after, "English or machine titles left"


def test_chinese_in_code_is_not_letter_spaced():
    """Chinese comments in code read as words: xeCJK's verbatim add-on, which Sphinx turns on
    for Chinese, set each character two code widths apart ("一 个 二 元 函 数")."""
    comments = []
    for script in sorted((ROOT / "code" / "zh" / "basics").glob("*.py")):
        for line in script.read_text(encoding="utf-8").splitlines():
            run = re.search(r"#\s*([\u4e00-\u9fff]{6,})", line)
            if run:
                comments.append(run[1][:6])
    assert len(comments) >= 5
    text = text_of("zh")
    spaced = [c for c in comments if " ".join(c) in text]
    missing = [c for c in comments if c not in text]
    assert not spaced, f"letter-spaced comments: {spaced[:3]}"
    assert len(missing) < len(comments) / 2, f"comments not found in the PDF: {missing[:5]}"


CLOSING = {"zh": ("小结", "延伸阅读"), "en": ("Summary", "Further reading")}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_chapters_summary_follows_its_sections(lang):
    """In print a chapter ends with its summary and further reading, after its sections:
    in the LaTeX the PDF was made from, the page after a summary starts a new chapter."""
    tex = (ROOT / "_build" / "pdf" / lang / "_build" / "latex" / f"book-{lang}.tex").read_text("utf-8")
    summaries = [m.end() for m in re.finditer(r"\\section\{" + CLOSING[lang][0] + r"\}", tex)]
    assert len(summaries) >= 4  # chapter 1 and the chapters with section pages
    for at in summaries:
        page = re.compile(r"\\sphinxstepscope\s*(?:\\label\{[^\n]*\}\s*)*\\(chapter|section)\{([^}]*)")
        following = page.search(tex, at)
        assert following is None or following[1] == "chapter", \
            f"the section page {following[2]!r} comes after a chapter's summary"


def test_english_apostrophes_and_quotes_are_not_full_width():
    """In the English PDF, ’ “ ” and — are set from the Latin font: from the Chinese one (xeCJK's
    default for these characters) they are full-width, and "TensorFlow’s" reads "TensorFlow’ s"."""
    text = text_of("en")
    assert text.count("’s") > 20, "the English text's possessives were not found"
    gaps = re.findall(r"\w’ s\b", text)
    assert not gaps, f"{len(gaps)} apostrophes followed by a gap, such as {gaps[:3]}"
