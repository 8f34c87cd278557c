"""The nbval plugin: exact by default, a tolerance policy for training numbers, claims for a
chaotic run. Tiny notebooks with stored outputs are re-executed by pytest + nbval."""
import os
import subprocess
import sys

import nbformat
import pytest

from conftest import ROOT

POLICIES = r"""
[training]
kind = "tolerance"
abs = 0.001
rel = 0.0
why = "test"

[solves]
kind = "claims"
claims = ['solved after \d+ episodes', 'test: \[500, 500\]']
why = "test"
"""

# name: (code run now, output stored, policy); the name says whether it must pass
CASES = {
    "exact_pass": ('print("3 apples")', "3 apples\n", None),
    "exact_fail": ('print("3 apples")', "4 apples\n", None),
    "within_tolerance_pass": ('print("loss 0.5004, acc 0.8512")', "loss 0.5000, acc 0.8510\n", "training"),
    "out_of_tolerance_fail": ('print("loss 0.5004, acc 0.8512")', "loss 0.5100, acc 0.8510\n", "training"),
    "text_around_numbers_fail": ('print("loss 0.5004, acc 0.8512")', "Loss 0.5004, acc 0.8512\n", "training"),
    "other_path_same_claims_pass": ('print("solved after 230 episodes\\ntest: [500, 500]")',
                                    "solved after 340 episodes\ntest: [500, 500]\n", "solves"),
    "claim_broken_fail": ('print("solved after 230 episodes\\ntest: [499, 500]")',
                          "solved after 340 episodes\ntest: [500, 500]\n", "solves"),
}


def notebook(code: str, stored: str, policy: str | None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(code, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
    if policy:
        cell.metadata["book"] = {"script": "code/en/x.py", "lines": "1-1", "compare": policy}
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_policies_decide_how_cells_compare(tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "compare-policies.toml").write_text(POLICIES, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    for name, case in CASES.items():
        nbformat.write(notebook(*case), tmp_path / f"{name}.ipynb")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "booktools.nbval_plugin",
                           "--book-nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                           "-rA", "."], cwd=tmp_path, env=env, capture_output=True, text=True)
    out = done.stdout
    for name in CASES:
        verdict = "PASSED" if name.endswith("_pass") else "FAILED"
        assert f"{verdict} {name}.ipynb::Cell 0" in out, f"{name} should be {verdict}:\n{out}"
    assert "out of tolerance (stored -> fresh): 0.5100 -> 0.5004" in out
    assert "does not show what the chapter claims of this run" in out


WARM_CELLS = [
    # TensorFlow comes preloaded, yet behaves as if imported in the kernel: tf.print inside a
    # graph reaches the cell's output.
    "import os, sys\nimport tensorflow as tf\n"
    "@tf.function\ndef f(x):\n    tf.print('tf.print', x, output_stream=sys.stdout)\n    return x\n"
    "_ = f(tf.constant(2))",
    # The kernel runs in the notebook's folder, with the client's environment.
    "print(os.path.basename(os.getcwd()), os.environ['BOOK_TEST_MARK'])",
    # Inline figures, as in an ordinary kernel.
    "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()",
]


def _warm_nbval(book, tmp_path, *options, **env):
    (book / "code").mkdir(parents=True)
    (book / "code" / "compare-policies.toml").write_text("", encoding="utf-8")
    (book / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path), TF_CPP_MIN_LOG_LEVEL="3", **env)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "booktools.nbval_plugin",
                           "--book-nbval", "--book-warm-kernel", *options,
                           "-p", "no:cacheprovider", "-rA", "."],
                          cwd=book, env=env, capture_output=True, text=True, timeout=120).stdout


def test_a_warm_kernel_gives_the_outputs_of_an_ordinary_one(tmp_path):
    """A notebook executed in an ordinary kernel passes nbval in a warm kernel (forked from
    a server that imported TensorFlow)."""
    from nbclient import NotebookClient

    book = tmp_path / "book"
    book.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in WARM_CELLS])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    os.environ["BOOK_TEST_MARK"] = "marked"
    try:
        NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(book)}}).execute()
    finally:
        del os.environ["BOOK_TEST_MARK"]
    assert [o.output_type for o in nb.cells[2].outputs] == ["display_data"]
    nbformat.write(nb, book / "same_pass.ipynb")
    out = _warm_nbval(book, tmp_path, BOOK_TEST_MARK="marked")
    for cell in range(len(WARM_CELLS)):
        assert f"PASSED same_pass.ipynb::Cell {cell}" in out, out


def test_a_warm_kernel_is_interrupted_and_leaves_nothing_running(tmp_path):
    """A cell past its timeout is interrupted through the client (the kernel goes on to the
    next cell); afterwards no server, supervisor or kernel is left, nor the server's folder."""
    book = tmp_path / "book"
    book.mkdir()
    cells = ["import time\ntime.sleep(60)", "print('after')"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c, execution_count=i + 1)
                                         for i, c in enumerate(cells)])
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="after\n")]
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, book / "slow.ipynb")
    out = _warm_nbval(book, tmp_path, "--nbval-cell-timeout=3",
                      BOOK_KERNEL_PRELOAD="ipykernel.kernelapp")
    assert "FAILED slow.ipynb::Cell 0" in out and "Timeout" in out, out
    # nbval expects cells after a timeout to fail; this one ran and printed as stored.
    assert "XPASS slow.ipynb::Cell 1" in out, out
    left = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
    assert left == "", f"processes left running: {left}"
    assert not list(tmp_path.glob("book-kernel-*")), "the server's folder was left behind"


def _left(marker) -> str:
    return subprocess.run(["pgrep", "-af", str(marker)], capture_output=True, text=True).stdout


@pytest.mark.parametrize("how", ["ctrl-c to the group", "sigterm", "worker killed"])
def test_an_interrupted_run_leaves_no_kernel_behind(tmp_path, how):
    """A run stopped in the middle of a notebook, however it is stopped, leaves none of its
    processes: no server, supervisor, kernel or kernel client."""
    import signal
    import time

    book = tmp_path / "book"
    book.mkdir()
    (book / "code").mkdir()
    (book / "code" / "compare-policies.toml").write_text("", encoding="utf-8")
    (book / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import time\nprint('started', flush=True)\ntime.sleep(120)", execution_count=1)])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, book / "long.ipynb")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path), TF_CPP_MIN_LOG_LEVEL="3",
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), BOOK_KERNEL_PRELOAD="ipykernel.kernelapp")
    workers = ["-n", "1"] if how == "worker killed" else []
    run = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "booktools.nbval_plugin",
                            "--book-nbval", "--book-warm-kernel", *workers, "-p", "no:cacheprovider",
                            "."], cwd=book, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while _left(tmp_path).count("\n") < 4:  # server, supervisor, kernel, client
            assert time.monotonic() < deadline and run.poll() is None, "the kernel never started"
            time.sleep(0.5)
        time.sleep(1)
        if how == "ctrl-c to the group":
            os.killpg(run.pid, signal.SIGINT)
        elif how == "sigterm":
            run.send_signal(signal.SIGTERM)
        else:  # the xdist worker dies at once, as under the kernel's OOM killer
            workers = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True,
                                     text=True).stdout.split()
            assert workers, "no xdist worker found"
            os.kill(int(workers[0]), signal.SIGKILL)
            run.send_signal(signal.SIGTERM)
        run.wait(timeout=60)
        deadline = time.monotonic() + 15
        while _left(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _left(tmp_path) == "", f"left running after {how}:\n{_left(tmp_path)}"
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for line in _left(tmp_path).splitlines():
            try:
                os.kill(int(line.split()[0]), 9)
            except (ProcessLookupError, ValueError):
                pass
