"""Moving code breaks the listings; `relink` finds the code again, or names what it cannot."""
import json

from conftest import expect

SCRIPTS = ("code/zh/circle.py", "code/en/circle.py")


def insert_line_above_listings(book):
    for script in SCRIPTS:
        book.write(script, "# -*- coding: utf-8 -*-\n" + book.read(script))


def test_shifted_range_fails_then_relink_repairs_both_languages(book):
    insert_line_above_listings(book)
    code, out = book.run("check")
    assert code == 1
    expect("shifted-range-fails", out)

    code, out = book.run("relink")
    assert code == 0
    expect("shifted-range-relinked", out)
    assert ":lines: 3-7" in book.read("book/zh/circles.md")
    assert ":lines: 10-15" in book.read("book/en/circles.md")

    code, out = book.run("check")
    assert code == 0, out


def test_notebooks_refuse_to_build_from_shifted_ranges(book):
    insert_line_above_listings(book)
    code, out = book.run("notebooks")
    assert code == 1
    expect("notebooks-refuse-shifted-ranges", out)


def test_edited_code_is_found_by_similarity(book):
    insert_line_above_listings(book)
    for script in SCRIPTS:
        book.replace(script, "print(double(21))", "print(double(21), double(0))")
    code, out = book.run("relink")
    assert code == 0
    expect("edited-code-relinked", out)
    code, out = book.run("check")
    assert code == 1 and out.count("[listing-drift]") == 4  # the edited listings, until rebuilt

    code, out = book.run("notebooks")
    assert code == 0, out
    assert '"42 0\\n"' in book.read("notebooks/en/circles.ipynb")
    code, out = book.run("check")
    assert code == 0, out


def test_lost_code_is_named(book):
    for script in SCRIPTS:
        text = book.read(script)
        book.write(script, text[:text.index("def double")].rstrip() + "\n")
        book.replace(script, "\n\n#", "\n#")
    code, out = book.run("relink")
    assert code == 1
    expect("lost-code-named", out)


def test_a_range_changed_on_purpose_is_built_as_written(book):
    for chapter in ("book/zh/circles.md", "book/en/circles.md"):
        # The print moves to the next listing: the first cell no longer prints.
        book.replace(chapter, ":lines: 2-6", ":lines: 2-5")
        book.replace(chapter, ":lines: 9-14", ":lines: 6-14")
    code, out = book.run("notebooks")
    assert code == 0, out
    cells = [c for c in json.loads(book.read("notebooks/en/circles.ipynb"))["cells"]
             if c["cell_type"] == "code"]
    assert cells[0]["outputs"] == []
    assert "".join(cells[1]["outputs"][0]["text"]) == "area = 12.57\n42\n"
    code, out = book.run("check")
    assert code == 0, out
