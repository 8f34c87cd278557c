"""The stages' pieces on their own: atomic writes, RST chapters, the network guard."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from booktools import fileio, notebooks
from booktools.chapters import read_chapter
from booktools.layout import Layout
from conftest import BASE, ROOT


def test_atomic_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "chapter.md"
    target.write_text("old text\n")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        fileio.write_if_changed(target, "new text\n")
    assert target.read_text() == "old text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["chapter.md"]


def test_unchanged_content_is_not_rewritten(tmp_path):
    target = tmp_path / "x.txt"
    assert fileio.write_if_changed(target, "a")
    assert not fileio.write_if_changed(target, "a")


def test_rst_chapter_becomes_headings_and_eval_rst_cells():
    layout = Layout(BASE)
    chapter = read_chapter(BASE / "book/en/squares.rst", BASE)
    assert chapter.syntax == "rst" and [l.span for l in chapter.listings] == ["2-6", "9-14"]
    cells = notebooks.build(chapter, layout).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "markdown", "code", "markdown"]
    assert cells[0].source.startswith("# Squares\n\n```{eval-rst}\nA chapter written")
    assert cells[1].source.startswith("import math")
    assert cells[3].source.startswith("# A function")
    assert cells[4].source.startswith("```{eval-rst}\n.. note::")


def offline(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "booktools", "offline", "--",
                           sys.executable, "-c", code],
                          capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_offline_blocks_the_network_but_not_loopback():
    reach_out = ("import socket; s = socket.socket(); s.settimeout(5); "
                 "print(s.connect_ex(('192.0.2.1', 443)))")
    done = offline(reach_out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "101"  # ENETUNREACH: no route at all, at once

    loopback = ("import socket; server = socket.socket(); server.bind(('127.0.0.1', 0)); "
                "server.listen(); client = socket.create_connection(server.getsockname()); "
                "print('loopback ok')")
    done = offline(loopback)
    assert done.stdout.strip() == "loopback ok", done.stderr


def test_tests_themselves_run_offline():
    """`make test` runs pytest inside the guard; a bare `pytest` run is not checked."""
    if os.environ.get("BOOK_OFFLINE") != "1":
        pytest.skip("not started by `make test`")
    import socket
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 443), timeout=5)


def test_the_makefile_executes_the_language_the_tooling_executes():
    from booktools.layout import EXECUTED
    assert f"\nEXECUTED := {EXECUTED}\n" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_language_switch_finds_pages_in_chapter_folders():
    from booktools.sphinx_book import counterpart
    assert counterpart("notebooks/zh/basics") == "notebooks/en/basics"
    assert counterpart("notebooks/en/model/mlp") == "notebooks/zh/model/mlp"
    assert counterpart("book/index") is None


def test_tolerance_keeps_the_text_and_bounds_each_number():
    from booktools.policies import Policy, reconcile
    policy = Policy("t", "tolerance", "test", abs=0.002, rel=0.01)
    assert reconcile(policy, "acc 0.8523, loss 2.018", "acc 0.8535, loss 2.030") == \
        ("acc 0.8523, loss 2.018", [])
    assert reconcile(policy, "acc 0.8523", "acc 0.8823") == ("acc 0.8823", ["0.8523 -> 0.8823"])
    assert reconcile(policy, "acc 0.8523", "accuracy 0.8523")[0] == "accuracy 0.8523"


def test_launch_markdown_converts_roles_whose_text_wraps_and_finds_any_myst_left():
    from booktools import launch

    layout = Layout(BASE)
    converter = launch.Converter(layout, BASE / "notebooks/en/circles.ipynb", "https://book.example", {})
    text = ("As in {doc}`the page on\nsquares <squares>`, see {cite:p}`he2016deep,\nkingma2015`.\n\n"
            "```{note}\nA {doc}`wrapped\nlink <squares>` inside.\n```")
    plain = converter.markdown(text)
    assert launch.myst_left(plain) is None, plain
    assert "[the page on squares](https://book.example/notebooks/en/squares.html)" in plain
    assert "[he2016deep, kingma2015](https://book.example/book/references.html)" in plain
    for left in ("{abbr}`HTML (text)`", "```{margin}\nx\n```", ":class: tip", "(my-label)="):
        assert launch.myst_left(f"text\n{left}\n") is not None, left
    assert launch.myst_left("the set `{6}` and\n```python\n{x}`\n```\n") is None


def test_pdf_moves_solutions_to_the_appendix_and_keeps_what_follows_them_in_the_chapter():
    """Chapter 1 ends with Solutions, then Quick checks: only the solutions go to the
    appendix. A chapter's closing sections (Summary to Quick checks) follow its sections."""
    from booktools import pdf

    tex = ("\\sphinxstepscope\n\\chapter{Basics}\nB\n\\section{Summary}\nS1\n"
           "\\section{Solutions}\nSOL1\n\\section{Quick checks}\nQ1\n"
           "\\sphinxstepscope\n\\chapter{Models}\nM\n\\section{Summary}\nS2\n"
           "\\section{Further reading}\nF2\n\\section{Quick checks}\nQ2\n"
           "\\sphinxstepscope\n\\section{Layers}\nL\n\\subsection{Solutions}\nSOL2\n"
           "\\appendix\n\\sphinxstepscope\n\\chapter{Terms}\nT\n\\end{document}\n")
    out = pdf.closing_sections_last(pdf.solutions_appendix(tex, "en"), "en")
    appendix = out.index("\\chapter{Solutions to the exercises}")
    assert out.index("Q1\n") < out.index("\\chapter{Models}") < appendix
    assert out.index("L\n") < out.index("S2\n") < out.index("F2\n") < out.index("Q2\n") < appendix
    assert appendix < out.index("SOL1\n") < out.index("SOL2\n") < out.index("\\chapter{Terms}")


def test_glossary_terms_are_found_as_words_in_both_languages(tmp_path):
    from booktools.glossary import Matcher, read_terms

    table = tmp_path / "terminology.md"
    table.write_text("## 第 1 章 基础 · Basics\n\n| 中文 | English | 说明 · Note |\n| --- | --- | --- |\n"
                     "| 梯度 | gradient | |\n| 梯度带（gradient tape） | gradient tape | |\n"
                     "| 全连接层 | fully connected (dense) layer | |\n| 回报 | return | |\n",
                     encoding="utf-8")
    terms = read_terms(table)
    assert [t.anchor for t in terms] == ["term-gradient", "term-gradient-tape",
                                         "term-fully-connected", "term-return"]
    assert terms[0].chapter == 1
    zh = [(text[s:e], t.anchor) for text in ["梯度带记录梯度，全连接层"]
          for s, e, t in Matcher(terms, "zh").find(text)]
    assert zh == [("梯度带", "term-gradient-tape"), ("梯度", "term-gradient"),
                  ("全连接层", "term-fully-connected")]
    text = "Gradient tapes give gradients of a fully connected\nlayer; it returns them."
    en = [(text[s:e], t.anchor) for s, e, t in Matcher(terms, "en").find(text)]
    assert en == [("Gradient tapes", "term-gradient-tape"), ("gradients", "term-gradient"),
                  ("fully connected\nlayer", "term-fully-connected")]  # "returns": never linked
