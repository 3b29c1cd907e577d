"""The nbval plugin that runs every notebook a second time in the same kernel can fail."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent


def notebook(path: Path, source: str, *outputs: str) -> None:
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=o) for o in outputs]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


def run_nbval(*paths: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "IPYTHONDIR": str(REPO / "tools" / "ipython")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-v",
            "-p",
            "no:cacheprovider",
            "-p",
            "tools.nbval_second_run",
            "--nbval",
            *map(str, paths),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_notebook_that_changes_on_a_rerun_fails_its_second_run(tmp_path):
    # a counter kept in the kernel: "1" on the first run, "2" on the second
    counter = "try:\n    n += 1\nexcept NameError:\n    n = 1\nprint(n)"
    notebook(tmp_path / "counter.ipynb", counter, "1\n")
    # stored as two stream outputs, as a print before and one after a stream run are: nbval
    # merges them in place, and the second run must still compare with what is stored
    two_prints = "import time\nprint(1)\ntime.sleep(0.5)\nprint(2)"
    notebook(tmp_path / "steady.ipynb", two_prints, "1\n", "2\n")
    result = run_nbval(tmp_path / "counter.ipynb", tmp_path / "steady.ipynb")
    passed = re.findall(r"(\w+)[.:]+ipynb::(Cell 0(?:, run 2)?) PASSED", result.stdout)
    failed = re.findall(r"(\w+)[.:]+ipynb::(Cell 0(?:, run 2)?) FAILED", result.stdout)
    assert sorted(passed) == [
        ("counter", "Cell 0"),
        ("steady", "Cell 0"),
        ("steady", "Cell 0, run 2"),
    ]
    assert failed == [("counter", "Cell 0, run 2")]
    assert "'1\\n' == '2\\n'" in result.stdout  # nbval's own comparison, stored vs rerun
