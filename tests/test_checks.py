"""The static checks on sample books: each case is named by what it should do."""
from conftest import expect

ZH_SCRIPT, EN_SCRIPT = "code/zh/circle.py", "code/en/circle.py"
ZH_CHAPTER, EN_CHAPTER = "book/zh/circles.md", "book/en/circles.md"


def test_clean_book_passes(book):
    code, out = book.run("check")
    assert code == 0
    expect("clean-book-passes", out)


def test_range_past_end_fails(book):
    for chapter in (ZH_CHAPTER, EN_CHAPTER):
        book.replace(chapter, ":lines: 9-14", ":lines: 9-40")
    code, out = book.run("check")
    assert code == 1
    expect("range-past-end-fails", out)


def test_range_that_cuts_a_statement_fails(book):
    for chapter in (ZH_CHAPTER, EN_CHAPTER):
        book.replace(chapter, ":lines: 2-6", ":lines: 2-10")
    code, out = book.run("check")
    assert code == 1
    expect("range-cuts-statement-fails", out)


def test_range_of_comments_only_fails(book):
    for chapter in (ZH_CHAPTER, EN_CHAPTER):
        book.replace(chapter, ":lines: 9-14", ":lines: 9-9")
    code, out = book.run("check")
    assert code == 1
    expect("range-of-comments-fails", out)


def test_bad_range_syntax_fails(book):
    book.replace(EN_CHAPTER, ":lines: 2-6", ":lines: 2-")
    code, out = book.run("check")
    assert code == 1
    expect("bad-range-syntax-fails", out)


def test_zh_en_script_mismatch_fails(book):
    book.replace(EN_SCRIPT, "radius = 2.0", "radius = 3.0")
    code, out = book.run("check")
    assert code == 1
    expect("script-mismatch-fails", out)


def test_comments_may_differ(book):
    book.replace(EN_SCRIPT, "# Areas of circles.", "# Areas of circles, in another wording.")
    code, _ = book.run("check")
    assert code == 0


def test_listing_order_mismatch_fails(book):
    book.replace(EN_CHAPTER, ":lines: 9-14", ":lines: 2-6")
    code, out = book.run("check", "--stage", "parity")
    assert code == 1
    expect("listing-order-mismatch-fails", out)


def test_missing_counterpart_page_fails(book):
    book.path("book/en/squares.rst").unlink()
    code, out = book.run("check")
    assert code == 1
    expect("missing-counterpart-fails", out)


def test_stale_notebook_fails(book):
    book.replace(EN_CHAPTER, "It printed 42.", "It printed the answer, 42.")
    code, out = book.run("check")
    assert code == 1
    expect("stale-notebook-fails", out)


def test_malformed_notebook_fails(book):
    book.write("notebooks/zh/circles.ipynb", '{"cells": [}')
    code, out = book.run("check")
    assert code == 1
    expect("malformed-notebook-fails", out)


def test_pasted_runnable_code_fails_but_a_template_passes(book):
    book.replace(EN_CHAPTER, "It printed 42.",
                 "It printed 42.\n\n```python\nclass Shape:\n    ...\n```\n\n"
                 "```python\nprint(double(4))\n```")
    code, out = book.run("check", "--stage", "listings")
    assert code == 1
    expect("pasted-code-fails", out)


TERMS = """\
# 术语对照表 · Terminology

## 统一的译法 · One translation for each term

| 用 · use | 不用 · not | English | 说明 · Note |
| --- | --- | --- | --- |
| 翻倍 | 加倍、/乘(?=以\\s*2)/ | double | |
"""


def test_a_zh_page_uses_the_terminology_tables_form(book):
    book.write("book/terminology.md", TERMS)
    book.replace("book/zh/circles.md", "把参数翻倍的函数：", "把参数加倍（乘以 2）的函数，`加倍` 在代码里不算：")
    code, out = book.run("check", "--stage", "terms")
    assert code == 1
    assert out.count("[term]") == 2, out
    assert "book/zh/circles.md:10: '加倍'" in out and "'乘' in" in out and "says '翻倍'" in out
    book.replace("book/zh/circles.md", "把参数加倍（乘以 2）的函数", "把参数翻倍的函数")
    code, out = book.run("check", "--stage", "terms")
    assert code == 0, out


def test_a_broken_terminology_row_is_named(book):
    book.write("book/terminology.md", TERMS.replace("加倍、", "/乘(/、"))
    code, out = book.run("check", "--stage", "terms")
    assert code == 1 and "[term-table] book/terminology.md:7:" in out, out


NUMBERED_TOC = """\
format: jb-book
root: book/index
parts:
  - numbered: 1
    chapters:
      - file: notebooks/zh/circles
      - file: notebooks/zh/squares
  - numbered: 1
    chapters:
      - file: notebooks/en/circles
      - file: notebooks/en/squares
"""


def test_chapter_numbers_the_prose_quotes_follow_the_toc(book):
    """Each language counts its chapters from 1 (use_multitoc_numbering: false); a chapter
    number next to a link must be the linked page's; another book's chapter is cited."""
    book.write("_toc.yml", NUMBERED_TOC)
    book.write("_config.yml", "html:\n  use_multitoc_numbering: false\n")
    book.replace(ZH_CHAPTER, "输出是 42。",
                 "输出是 42。第 2 章的{doc}`正方形 <squares>`也用它，{cite:t}`x` 第 9 章也是。")
    book.replace(EN_CHAPTER, "It printed 42.",
                 "It printed 42. The {doc}`squares <squares>` of chapter 2 use it too.")
    code, out = book.run("check", "--stage", "numbering")
    assert code == 0, out
    book.replace(ZH_CHAPTER, "第 2 章的", "第 1 章的")
    book.replace(EN_CHAPTER, "of chapter 2 use it too.", "of chapter 1 use it, as chapter 7 does.")
    book.write("_config.yml", "html: {}\n")  # Jupyter Book's default: the count goes on, en is 3-4
    code, out = book.run("check", "--stage", "numbering")
    assert code == 1
    expect("chapter-number-fails", out)
