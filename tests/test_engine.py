"""The engine: each program executed once (English), the Chinese notebooks carry the same
outputs; comparison policies declared in the chapter; chapters made of section pages."""
import json
import re

import pytest

from conftest import expect

ZH_NOTEBOOK = "notebooks/zh/circles.ipynb"
CHAPTERS = ("book/zh/circles.md", "book/en/circles.md")
POLICIES = """\
# Test policies.
[training]
kind = "tolerance"
abs = 0.01
rel = 0.0
why = "numbers from a training run"
"""


def edit_notebook(book, rel, edit):
    nb = json.loads(book.read(rel))
    edit(nb)
    book.write(rel, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def second_output(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"][1]["outputs"][0]


def test_chinese_output_changed_by_hand_fails_then_notebooks_restores_it(book):
    edit_notebook(book, ZH_NOTEBOOK, lambda nb: second_output(nb).update(text=["43\n"]))
    code, out = book.run("check")
    assert code == 1
    expect("chinese-output-edited-fails", out)

    code, out = book.run("notebooks")
    assert code == 0, out
    assert "notebooks/zh/circles.ipynb: outputs taken from notebooks/en/circles.ipynb" in out
    assert "notebooks/en/circles.ipynb: up to date" in out  # nothing executed
    code, out = book.run("check")
    assert code == 0, out


def test_code_changed_in_one_notebook_only_fails(book):
    def edit(nb):
        nb["cells"][3]["source"] = "print(double(22))"
    edit_notebook(book, ZH_NOTEBOOK, edit)
    code, out = book.run("check")
    assert code == 1
    expect("chinese-code-edited-fails", out)


def test_unknown_and_unused_policies_fail(book):
    book.write("code/compare-policies.toml", POLICIES)
    for chapter in CHAPTERS:
        book.replace(chapter, ":lines: 9-14", ":lines: 9-14\n:compare: trainin")
    code, out = book.run("check", "--stage", "policies")
    assert code == 1
    expect("unknown-policy-fails", out)


def test_a_policy_with_an_unknown_key_fails(book):
    book.write("code/compare-policies.toml", POLICIES.replace("rel = 0.0", "relative = 0.0"))
    code, out = book.run("check", "--stage", "policies")
    assert code == 1
    expect("policy-key-fails", out)


def test_editing_prose_keeps_the_outputs_without_executing(book):
    book.replace("book/en/circles.md", "The area of a circle:", "The area of a circle, πr²:")
    code, out = book.run("notebooks")
    assert code == 0, out
    assert "notebooks/en/circles.ipynb: code unchanged" in out and "executed" not in out, out
    assert "πr²" in book.read("notebooks/en/circles.ipynb")
    code, out = book.run("check")
    assert code == 0, out


def test_adding_a_policy_updates_the_notebooks_without_executing(book):
    book.write("code/compare-policies.toml", POLICIES)
    for chapter in CHAPTERS:
        book.replace(chapter, ":lines: 2-6", ":lines: 2-6\n:compare: training")
    code, out = book.run("check")
    assert code == 1 and out.count("[stale-notebook]") == 2, out
    code, out = book.run("notebooks")
    assert code == 0, out
    assert "notebooks/en/circles.ipynb: code unchanged: prose and comparison policies updated, outputs kept" in out
    cells = json.loads(book.read(ZH_NOTEBOOK))["cells"]
    assert cells[1]["metadata"]["book"]["compare"] == "training"
    code, out = book.run("check")
    assert code == 0, out


def test_a_chapter_can_be_a_folder_of_section_pages(book):
    for lang in ("zh", "en"):
        book.path(f"book/{lang}/shapes").mkdir()
        book.write(f"book/{lang}/shapes/index.md", "# Shapes\n\nTwo pages.\n")
        book.write(f"book/{lang}/shapes/circle.md", "# One circle\n\n"
                   f"```{{literalinclude}} ../../../code/{lang}/circle.py\n"
                   ":language: python\n:lines: 2-6\n```\n\nThe area.\n\n"
                   f"```{{literalinclude}} ../../../code/{lang}/circle.py\n"
                   ":language: python\n:lines: 9-14\n```\n\nA double.\n")
    code, out = book.run("check")
    assert code == 1 and "no notebook yet for book/en/shapes/circle.md" in out, out
    code, out = book.run("notebooks")
    assert code == 0, out
    assert re.search(r"notebooks/en/shapes/circle.ipynb: executed in \d+ s, written", out), out
    assert "area = 12.57" in book.read("notebooks/zh/shapes/circle.ipynb")
    code, out = book.run("check")
    assert code == 0, out

    for lang in ("zh", "en"):  # relink reaches into the folder too
        script = f"code/{lang}/circle.py"
        book.write(script, "# -*- coding: utf-8 -*-\n" + book.read(script))
    code, out = book.run("relink")
    assert code == 0 and "book/en/shapes/circle.md" in out, out
    assert ":lines: 3-7" in book.read("book/zh/shapes/circle.md")


PAGE = """# {title}

{text}

## {first}

```{{admonition}} {tip}
:class: tip
{text}
```

$$
a = \\pi r^2
$$

## {second}

| r | a |
| --- | --- |
| 1 | 3.14 |

## {exercises}

```{{exercise}} {first}
:label: area-{lang}

{text}
```

```{{exercise}} {second}
:label: table-{lang}

{text}
```

## {solutions}

```{{solution-start}} area-{lang}
:class: dropdown
```

{text}

```{{solution-end}}
```

```{{solution-start}} table-{lang}
:class: dropdown
```

{text}

```{{solution-end}}
```
"""
ZH = dict(title="圆", text="正文。", first="面积", tip="提示", second="表格", exercises="练习",
          solutions="参考答案", lang="zh")
EN = dict(title="Circles", text="Text.", first="Area", tip="Tip", second="A table",
          exercises="Exercises", solutions="Solutions", lang="en")


def write_pages(book, zh=PAGE, en=PAGE):
    book.write("book/zh/shape.md", zh.format(**ZH))
    book.write("book/en/shape.md", en.format(**EN))


def test_pages_with_the_same_skeleton_pass(book):
    write_pages(book)
    code, out = book.run("check", "--stage", "parity")
    assert code == 0, out


def test_a_missing_admonition_fails(book):
    write_pages(book, zh=PAGE.replace("```{{admonition}} {tip}\n:class: tip\n{text}\n```\n", ""))
    code, out = book.run("check", "--stage", "parity")
    assert code == 1
    expect("missing-admonition-fails", out)


SECOND_EXERCISE = "```{{exercise}} {second}\n:label: table-{lang}\n\n{text}\n```\n\n"
SECOND_SOLUTION = "```{{solution-start}} table-{lang}\n:class: dropdown\n```\n\n{text}\n\n```{{solution-end}}\n```\n"


def test_a_missing_exercise_fails(book):
    write_pages(book, en=PAGE.replace(SECOND_EXERCISE, "").replace(SECOND_SOLUTION, ""))
    code, out = book.run("check", "--stage", "parity")
    assert code == 1
    expect("missing-exercise-fails", out)


def test_an_exercise_without_a_solution_fails(book):
    write_pages(book, zh=PAGE.replace(SECOND_SOLUTION, ""), en=PAGE.replace(SECOND_SOLUTION, ""))
    code, out = book.run("check", "--stage", "parity")
    assert code == 1
    expect("unsolved-exercise-fails", out)


def test_an_exercise_as_a_list_item_fails(book):
    listed = PAGE.replace(SECOND_EXERCISE, "1. {text}\n\n")
    write_pages(book, zh=listed.replace(SECOND_SOLUTION, ""), en=listed.replace(SECOND_SOLUTION, ""))
    code, out = book.run("check", "--stage", "parity")
    assert code == 1
    assert "[exercise] book/en/shape.md" in out and "written as a list item" in out, out


def test_a_reordered_section_fails(book):
    first, second = PAGE.index("## {first}"), PAGE.index("## {second}")
    end = PAGE.index("## {exercises}")
    write_pages(book, en=PAGE[:first] + PAGE[second:end] + PAGE[first:second] + PAGE[end:])
    code, out = book.run("check", "--stage", "parity")
    assert code == 1
    expect("reordered-section-fails", out)


def test_a_quoted_number_must_be_printed_or_marked_derived(book):
    for chapter in CHAPTERS:
        book.replace(chapter, "\n```{literalinclude}", "\nThe area is 12.566.\n\n```{literalinclude}", )
    # the chapters changed, so the notebooks must be rebuilt (no code changed: nothing new runs)
    code, out = book.run("notebooks")
    assert code == 0, out
    code, out = book.run("check")
    assert code == 1
    expect("quoted-number-fails", out)
    for chapter in CHAPTERS:
        book.replace(chapter, "The area is 12.566.",
                     "The area is 12.566, the printed 12.57 before rounding.\n"
                     "<!-- derived: 12.566 = pi * 2.0 ** 2 -->")
    book.run("notebooks")
    code, out = book.run("check")
    assert code == 0, out


def test_scripts_that_take_settings_run_with_them_and_a_failure_names_file_and_line(book):
    # A script with settings runs with them, from an empty folder, as a reader runs it:
    # a file it expects beside it is not there. One without settings is only read (nbval
    # runs it in full in its page's notebook).
    book.write("code/quick-settings.toml",
               '[args]\n"broken.py" = ["--rows", "3"]\n"circle.py" = ["--quick"]\n')
    book.write("code/en/broken.py", "import sys\nrows = sys.argv[2]\nprint(open(f'data-{rows}.txt').read())\n")
    book.write("code/en/other.py", "print('only read')\n")
    code, output = book.run("scripts", "--jobs", "2")
    assert code != 0
    assert "[script-failed] code/en/broken.py:3" in output
    assert "FileNotFoundError" in output and "data-3.txt" in output
    assert "code/en/circle.py --quick ok" in output
    assert "other.py" not in output


@pytest.mark.parametrize("script, code, line, name", [
    # The launcher has NumPy loaded (some script imports it), yet each script starts from
    # empty globals.
    ("code/en/broken.py", "import numpy\nprint('before')\nprint(np.pi)\n", 3, "np"),
    # Solutions run after their page's script in one kernel; alone they would miss its names.
    ("code/en/solutions/circle.py", "import math\nprint(math.pi * radius ** 2)\n", 2, "radius"),
])
def test_a_script_that_leans_on_a_name_it_never_binds_fails_without_running(book, script, code, line, name):
    # pyflakes names the line before anything runs.
    book.write(script, code)
    exit_code, output = book.run("scripts", "--jobs", "1")
    assert exit_code != 0
    assert f"[script-not-self-contained] {script}:{line}" in output
    assert f"undefined name '{name}'" in output
    assert f"{script} ok" not in output  # read, not run


def _check_with_a_listing_at_the_end(book, script: str, lines: str) -> str:
    """circles.md with one more listing after its text; what `check --stage listings` says."""
    book.replace("book/en/circles.md", "It printed 42.",
                 f"It printed 42.\n\n```{{literalinclude}} ../../{script}\n"
                 f":language: python\n:lines: {lines}\n```\n")
    code, out = book.run("check", "--stage", "listings")
    assert code == 1
    return out


def test_a_solution_line_that_no_listing_shows_fails(book):
    # The notebook runs only the listed lines: a seed left out changes what it prints.
    book.write("code/en/solutions/circles.py",
               "# Solutions.\nimport random\n\nrandom.seed(1)\nprint(random.random())\n")
    out = _check_with_a_listing_at_the_end(book, "code/en/solutions/circles.py", "5-5")
    assert "[script-unshown] book/en/circles.md:" in out
    assert "lines 2, 4 of code/en/solutions/circles.py are in no listing" in out


def test_a_script_shown_out_of_order_fails(book):
    # The notebook runs the listings in the page's order: the script's, each line once, or
    # it runs another program.
    out = _check_with_a_listing_at_the_end(book, "code/en/circle.py", "2-6")
    assert "[listings-out-of-order] book/en/circles.md:" in out
    assert "lines 2-6 of code/en/circle.py come after lines 9-14" in out


def test_percentages_and_multiples_must_be_printed_or_derived(book):
    claims = {"en": "Doubling is 100% right: 42 is twice the input, 2 to 3 times faster, "
                    "a factor of two, on 28×28 pixels.",
              "zh": "翻倍百分之百正确：42 是输入的 2 倍，快 5 到 12 倍，约为三分之一，图像 28×28。"}
    ends = {"en": "It printed 42.", "zh": "输出是 42。"}
    for lang, claim in claims.items():
        book.replace(f"book/{lang}/circles.md", ends[lang], f"{ends[lang]} {claim}")
    book.run("notebooks")
    code, out = book.run("check")
    assert code == 1
    found = sorted(re.findall(r"'([^']+)' is not printed", out))
    assert found == sorted(["100%", "twice the", "2 to 3 times faster", "a factor of two",
                            "百分之百", "2 倍", "5 到 12 倍", "三分之一"]), out
    assert "28×28" not in out  # a size is not a claim
    derived = ("<!-- derived: 100% = every call doubles; twice the = 42 / 21; 2 to 3 times faster "
               "= a factor of two = 百分之百 = 2 倍 = 5 到 12 倍 = 三分之一 = made up for this test -->")
    for lang in claims:
        book.replace(f"book/{lang}/circles.md", ends[lang], f"{derived}\n{ends[lang]}")
    book.run("notebooks")
    code, out = book.run("check")
    assert code == 0, out


def test_a_script_must_reject_an_unknown_option_and_a_bad_value(book):
    # parse_known_args would run with the default; a range left unchecked would fail late.
    lenient = ("import argparse\nparser = argparse.ArgumentParser()\n"
               "parser.add_argument('--rows', type=int, default=3)\n"
               "args, _ = parser.parse_known_args()\nprint(list(range(args.rows))[0])\n")
    strict = ("import argparse\nimport sys\nparser = argparse.ArgumentParser()\n"
              "parser.add_argument('--rows', type=int, default=3)\n"
              "args = parser.parse_args([] if 'ipykernel' in sys.modules else None)\n"
              "if args.rows < 1:\n    parser.error('--rows must be at least 1')\n"
              "print(list(range(args.rows))[0])\n")
    book.write("code/quick-settings.toml", '[bad]\n"rows.py" = [["--rows", "0"]]\n')
    book.write("code/en/rows.py", lenient)
    code, output = book.run("scripts", "--jobs", "2")
    assert code != 0
    assert output.count("[script-accepts-bad-option] code/en/rows.py") == 2, output
    assert "rows.py --book-no-such-option` exited with 0" in output
    assert "rows.py --rows 0` exited with 1" in output  # an IndexError, not a usage message
    book.write("code/en/rows.py", strict)
    code, output = book.run("scripts", "--jobs", "2")
    assert code == 0, output
    assert "2 bad option(s) rejected" in output


FIGURE = """\
# A figure.
import matplotlib.pyplot as plt
from matplotlib import font_manager

CJK = [f.name for f in font_manager.fontManager.ttflist if f.name.startswith("Noto Sans CJK")][:1]
plt.rcParams["font.family"] = ["DejaVu Sans", *CJK]
fig, ax = plt.subplots(figsize=(2, 1))
ax.plot([0, 1], [1, 0])
ax.set_title("{title}")
plt.show()
print("{printed}")
"""


def _figure_page(book, lang: str, title: str, printed: str = "drawn") -> None:
    book.write(f"code/{lang}/figure.py", FIGURE.format(title=title, printed=printed))
    text = book.read(f"book/{lang}/circles.md").rstrip("\n")
    book.write(f"book/{lang}/circles.md", f"{text}\n\n```{{literalinclude}} ../../code/{lang}/figure.py\n"
                                          ":language: python\n:lines: 2-11\n```\n")


def _figures(book, lang: str) -> list[str]:
    nb = json.loads(book.read(f"notebooks/{lang}/circles.ipynb"))
    return [o["data"]["image/png"] for c in nb["cells"] if c["cell_type"] == "code"
            for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def test_a_chinese_label_gives_the_chinese_notebook_its_own_figure(book):
    _figure_page(book, "en", "a line")
    _figure_page(book, "zh", "一条直线")
    code, out = book.run("notebooks")
    assert code == 0, out
    assert "executed" in out and "for its figures" in out
    en, zh = _figures(book, "en"), _figures(book, "zh")
    assert len(en) == len(zh) == 1 and en != zh  # the same place, another label
    code, out = book.run("check")
    assert code == 0, out
    # A new run of the twin makes the Chinese notebook stale, until it runs again.
    edit_notebook(book, "notebooks/en/circles.ipynb",
                  lambda nb: second_output(nb).update(text=["area = 12.57\n"]))
    code, out = book.run("check", "--stage", "freshness")
    assert code == 1 and "older run" in out, out


def test_a_translated_string_that_is_printed_fails_the_chinese_run(book):
    _figure_page(book, "en", "a line", printed="drawn")
    _figure_page(book, "zh", "一条直线", printed="画好了")
    code, out = book.run("notebooks")
    assert code != 0
    assert "printed other text than its twin" in out, out


def test_set_up_cells_are_folded_on_the_site_and_whole_in_launch_notebooks(book):
    options = ("import argparse\nimport sys\nparser = argparse.ArgumentParser()\n"
               "args = parser.parse_args([] if 'ipykernel' in sys.modules else None)\nprint('set')\n")
    for lang in ("en", "zh"):
        book.write(f"code/{lang}/options.py", options)
        text = book.read(f"book/{lang}/circles.md").rstrip("\n")
        book.write(f"book/{lang}/circles.md", f"{text}\n\n```{{literalinclude}} ../../code/{lang}/options.py\n"
                                              ":language: python\n:lines: 1-5\n```\n")
    code, out = book.run("notebooks")
    assert code == 0, out
    for lang, prompt in (("en", "Show the set-up code"), ("zh", "显示准备代码")):
        cells = json.loads(book.read(f"notebooks/{lang}/circles.ipynb"))["cells"]
        folded = [c for c in cells if "hide-input" in c["metadata"].get("tags", [])]
        assert len(folded) == 1 and folded[0]["source"][0].startswith("import argparse")
        assert folded[0]["metadata"]["mystnb"]["code_prompt_show"] == prompt
        assert folded[0]["outputs"][0]["text"] == ["set\n"]  # its output stays visible
        launched = json.loads(book.read(f"launch/{lang}/circles.ipynb"))["cells"]
        assert not [c for c in launched if c["metadata"].get("tags") or c["metadata"].get("mystnb")]
    code, out = book.run("check")
    assert code == 0, out


def test_a_chinese_exercise_label_ends_in_zh(book):
    # Labels are unique across the site: one shared by both pages breaks the solutions.
    write_pages(book, zh=PAGE.replace(":label: area-{lang}", ":label: area-en"))
    code, out = book.run("check", "--stage", "parity")
    assert code == 1
    assert "the label 'area-en' of a Chinese page does not end in -zh" in out, out


def test_spread_reports_each_policys_largest_movement_and_the_cells_make_test_would_fail(book):
    """`make spread` re-executes the stored notebooks under each setting; stored outputs edited
    here stand for a run on another machine: one within its policy's tolerance, one exact."""
    book.write("code/compare-policies.toml", POLICIES)

    def edit(nb):
        cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        cells[0]["metadata"]["book"]["compare"] = "training"
        cells[0]["outputs"][0]["text"] = ["area = 12.565\n"]  # printed: 12.57, 0.005 away
        cells[1]["outputs"][0]["text"] = ["41\n"]  # printed: 42, an exact cell
    edit_notebook(book, "notebooks/en/circles.ipynb", edit)
    import os
    os.environ["BOOK_KERNEL_PRELOAD"] = "ipykernel.kernelapp"  # no TensorFlow to import here
    try:
        code, out = book.run("spread", "native", "avx2-1")
    finally:
        del os.environ["BOOK_KERNEL_PRELOAD"]
    assert code == 0, out
    record = book.read("code/compare-spread.md")
    assert "| native | this machine's defaults" in record
    rows = [line for line in record.splitlines() if line.startswith(("| training |", "| exact |"))]
    assert any(r.startswith("| training | 0.01 + 0% of the stored | avx2-1 | 1 | 0 | 0.005 (")
               for r in rows), rows
    assert any(r.startswith("| exact | nothing | native | 1 | 1 | 1 (") for r in rows), rows
    assert "notebooks/en/circles.ipynb cell 4 [exact]: changed: 41 -> 42" in record
    code, out = book.run("spread", "sse41")
    assert code == 2 and "unknown setting 'sse41' (choose from native, avx2-1" in out
    before = book.read("code/compare-spread.md")
    os.environ["BOOK_KERNEL_PRELOAD"] = "ipykernel.kernelapp"
    try:
        code, out = book.run("spread", "--notebook", "notebooks/en/circles.ipynb", "native")
    finally:
        del os.environ["BOOK_KERNEL_PRELOAD"]
    assert code == 0 and "code/compare-spread.md left as it was" in out, out
    assert "notebooks/en/circles.ipynb cell 4 [exact]: changed: 41 -> 42" in out
    assert book.read("code/compare-spread.md") == before
    code, out = book.run("spread", "--notebook", "notebooks/en/nope.ipynb")
    assert code == 2 and "notebooks/en/nope.ipynb: not an executed notebook" in out, out


def _with_solution_listings(shared: str, first: str, second: str) -> str:
    """The sample page with listings of circle.py (``START-END``, or "" for none): one before
    the solutions, one in each solution."""
    def listing(span):
        return (f"```{{{{literalinclude}}}} ../../code/{{lang}}/circle.py\n:language: python\n"
                f":lines: {span}\n```\n\n") if span else ""
    opened = ":class: dropdown\n```\n\n"
    head, area, table = PAGE.split("```{{solution-start}}")
    head = head.replace("## {solutions}\n\n", "## {solutions}\n\n" + listing(shared))
    area, table = (part.replace(opened, opened + listing(span)) for part, span in
                   ((area, first), (table, second)))
    return "```{{solution-start}}".join([head, area, table])


def test_a_solution_using_code_from_another_solutions_dropdown_fails(book):
    """Solution 2 calls `double`, which only solution 1's folded listing defines: a reader
    who opens solution 2 alone cannot see it. Defined before the solutions, it may be shared."""
    write_pages(book, *[_with_solution_listings("", "9-14", "14-14")] * 2)
    code, out = book.run("check", "--stage", "parity")
    assert code == 1
    assert "[solution-shared-code] book/en/shape.md" in out and "uses double, which only the " \
        "solution to 'area-en' defines" in out, out
    assert "[solution-shared-code] book/zh/shape.md" in out, out
    write_pages(book, *[_with_solution_listings("9-12", "14-14", "14-14")] * 2)
    code, out = book.run("check", "--stage", "parity")
    assert code == 0, out


def test_spread_reads_claims_in_the_printed_text_not_the_sanitized_one():
    """nbval's sanitizers turn "0.53 s" into <TIME>; a claim about the timing line must still
    match, as it does in `make test` (the five-setting run of 2026-12-07 failed every setting
    on the loop page's timing cell before this)."""
    from booktools.policies import Policy
    from booktools.spread import _compare_cell
    policy = Policy("timing", "claims", "why", claims=(r"^loop: wall \d+\.\d\d s$",))
    worst, problems = {}, []
    _compare_cell(policy, "timing", "loop: wall 0.53 s\n", "loop: wall 0.61 s\n", "nb cell 1",
                  worst, problems)
    assert problems == []
    _compare_cell(policy, "timing", "loop: wall 0.53 s\nok\n", "loop: wall 0.61 s\nno\n",
                  "nb cell 1", worst, problems)
    assert problems == [], problems  # the claim holds; the extra line is not claimed
    _compare_cell(policy, "timing", "loop: wall 0.53 s\n", "loop took 0.61 s\n", "nb cell 2",
                  worst, problems)
    assert len(problems) == 1 and "nb cell 2 [timing]: no match" in problems[0]
