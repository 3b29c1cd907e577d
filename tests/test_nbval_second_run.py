"""The nbval plugins: a second run in the same kernel that can fail, in one process or in two
xdist workers (as `make test` runs notebooks), and the record of notebooks that passed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent


def notebook(path: Path, source: str, *outputs: str) -> None:
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=o) for o in outputs]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


def run_nbval(*paths: Path, options: tuple[str, ...] = (), record: Path | None = None):
    env = {**os.environ, "IPYTHONDIR": str(REPO / "tools" / "ipython")}
    if record is not None:
        env["STREAMLAB_NBVAL_RECORD"] = str(record)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-rA",
            "-p",
            "no:cacheprovider",
            "-p",
            "tools.nbval_second_run",
            "-p",
            "tools.nbval_changed",
            "--nbval",
            *options,
            *map(str, paths),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def outcomes(stdout: str, outcome: str) -> list[tuple[str, str]]:
    """(notebook, item) of every item with this outcome in pytest's summary (-rA)."""
    pattern = rf"^{outcome} \S*?(\w+)\.ipynb::(Cell 0(?:, run 2)?)"
    return sorted(re.findall(pattern, stdout, flags=re.MULTILINE))


@pytest.mark.parametrize(
    "options", [(), ("-n", "2", "--dist", "loadscope")], ids=["one process", "two workers"]
)
def test_a_notebook_that_changes_on_a_rerun_fails_its_second_run(tmp_path, options):
    # a counter kept in the kernel: "1" on the first run, "2" on the second
    counter = "try:\n    n += 1\nexcept NameError:\n    n = 1\nprint(n)"
    notebook(tmp_path / "counter.ipynb", counter, "1\n")
    # stored as two stream outputs, as a print before and one after a stream run are: nbval
    # merges them in place, and the second run must still compare with what is stored
    two_prints = "import time\nprint(1)\ntime.sleep(0.5)\nprint(2)"
    notebook(tmp_path / "steady.ipynb", two_prints, "1\n", "2\n")
    record = tmp_path / "passed.json"
    result = run_nbval(
        tmp_path / "counter.ipynb", tmp_path / "steady.ipynb", options=options, record=record
    )
    assert outcomes(result.stdout, "PASSED") == [
        ("counter", "Cell 0"),
        ("steady", "Cell 0"),
        ("steady", "Cell 0, run 2"),
    ], result.stdout
    assert outcomes(result.stdout, "FAILED") == [("counter", "Cell 0, run 2")]
    assert "'1\\n' == '2\\n'" in result.stdout  # nbval's own comparison, stored vs rerun
    # only the notebook whose every item passed is recorded, with the hash of its inputs
    from tools.nbval_changed import notebook_hash, shared_hash

    passed = json.loads(record.read_text())
    steady = str((tmp_path / "steady.ipynb").resolve())
    assert passed == {steady: notebook_hash(tmp_path / "steady.ipynb", shared_hash())}


def test_only_notebooks_changed_since_they_passed_are_checked_again(tmp_path, monkeypatch):
    from tools import check_notebooks, nbval_changed

    record = tmp_path / "passed.json"
    monkeypatch.setattr(nbval_changed, "RECORD", record)
    first, second = (
        REPO / "chapters" / "00-setup-check.ipynb",
        REPO / "labs" / "01-word-count.ipynb",
    )
    shared = nbval_changed.shared_hash()
    record.write_text(
        json.dumps(
            {
                "chapters/00-setup-check.ipynb": nbval_changed.notebook_hash(first, shared),
                "labs/01-word-count.ipynb": "a hash of other inputs",
            }
        )
    )
    notebooks = [first.relative_to(REPO), second.relative_to(REPO), Path(check_notebooks.ALONE[0])]
    shared_run, alone, skipped = check_notebooks.plan(notebooks, check_all=False)
    assert skipped == [first.relative_to(REPO)]
    assert shared_run == [second.relative_to(REPO)]
    assert alone == [Path(check_notebooks.ALONE[0])]
    assert check_notebooks.plan(notebooks, check_all=True)[2] == []
