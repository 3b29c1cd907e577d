"""The nbval plugins: a second run in the same kernel that can fail, in one process or in two
xdist workers (as `make test` runs notebooks), only for the notebooks asked; the records of
notebooks that passed; the plan of which notebooks run once and which twice; and a notebook
whose JVM reports a full code cache or an OutOfMemoryError failing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]


def notebook(path: Path, source: str, *outputs: str) -> None:
    cell = nbformat.v4.new_code_cell(source, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=o) for o in outputs]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


def run_nbval(*paths: Path, options: tuple[str, ...] = (), records: Path, env=()):
    """nbval with the book's plugins, its records in the folder `records` (never the repo's)."""
    environment = {k: v for k, v in os.environ.items() if k != "STREAMLAB_JVM_OUTPUT_DIR"}
    environment.update(
        IPYTHONDIR=str(REPO / "tools" / "ipython"),
        STREAMLAB_NBVAL_RECORD=str(records / "local.json"),
        STREAMLAB_SECOND_RUN_RECORD=str(records / "second-run.json"),
        **dict(env),
    )
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
            "-p",
            "tools.nbval_jvm_output",
            "--nbval",
            *options,
            *map(str, paths),
        ],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def outcomes(stdout: str, outcome: str) -> list[tuple[str, str]]:
    """(notebook, item) of every item with this outcome in pytest's summary (-rA)."""
    pattern = rf"^{outcome} \S*?(\w+)\.ipynb::(Cell 0(?:, run 2)?|JVM output)"
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
    result = run_nbval(
        tmp_path / "counter.ipynb", tmp_path / "steady.ipynb", options=options, records=tmp_path
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

    steady = str((tmp_path / "steady.ipynb").resolve())
    expected = {steady: notebook_hash(tmp_path / "steady.ipynb", shared_hash())}
    assert json.loads((tmp_path / "second-run.json").read_text()) == expected
    assert json.loads((tmp_path / "local.json").read_text()) == expected


def test_only_the_notebooks_named_run_a_second_time_and_one_run_records_no_second(tmp_path):
    notebook(tmp_path / "first.ipynb", "print(1)", "1\n")
    notebook(tmp_path / "second.ipynb", "print(2)", "2\n")
    result = run_nbval(
        tmp_path / "first.ipynb",
        tmp_path / "second.ipynb",
        options=("--second-run", str(tmp_path / "second.ipynb")),
        records=tmp_path,
    )
    assert outcomes(result.stdout, "PASSED") == [
        ("first", "Cell 0"),
        ("second", "Cell 0"),
        ("second", "Cell 0, run 2"),
    ], result.stdout
    recorded = json.loads((tmp_path / "second-run.json").read_text())
    assert list(recorded) == [str((tmp_path / "second.ipynb").resolve())]


def test_a_notebook_whose_jvm_reports_a_full_code_cache_fails(tmp_path):
    """A real JVM, started from a cell as PySpark starts Spark's, fills a tiny code cache
    (-Xcomp compiles every method it runs); its warning goes to the kernel's JVM output file,
    and the notebook's "JVM output" item fails naming the notebook and the line."""
    hello = tmp_path / "Hello.java"
    hello.write_text(
        'class Hello { public static void main(String[] a) { System.out.println("hi"); } }'
    )
    java = (
        "import subprocess\n"
        "from streamlab.runtime.jvm_output import jvm_output_to_file\n"
        "with jvm_output_to_file():\n"
        "    subprocess.Popen(['java', '-Xcomp', '-XX:TieredStopAtLevel=1',\n"
        f"        '-XX:ReservedCodeCacheSize=2600k', {str(hello)!r}]).wait()"
    )
    notebook(tmp_path / "fills.ipynb", java)
    notebook(tmp_path / "quiet.ipynb", "print(1)", "1\n")
    output = tmp_path / "jvm-output"
    result = run_nbval(
        tmp_path / "fills.ipynb",
        tmp_path / "quiet.ipynb",
        options=("--second-run", "none"),
        records=tmp_path,
        env={"STREAMLAB_JVM_OUTPUT_DIR": str(output)},
    )
    assert outcomes(result.stdout, "FAILED") == [("fills", "JVM output")], result.stdout
    assert outcomes(result.stdout, "PASSED") == [
        ("fills", "Cell 0"),
        ("quiet", "Cell 0"),
        ("quiet", "JVM output"),
    ]
    assert "fills.ipynb: its JVM reported:" in result.stdout
    assert re.search(r"jvm-\d+\.log:\d+: .*CodeCache is full", result.stdout), result.stdout
    assert json.loads((tmp_path / "second-run.json").read_text()) == {}


def test_the_plan_says_which_notebooks_run_once_and_which_twice(tmp_path, monkeypatch):
    from tools import check_notebooks, nbval_changed

    second_run, local = tmp_path / "second-run.json", tmp_path / "local.json"
    monkeypatch.setattr(nbval_changed, "SECOND_RUN_RECORD", second_run)
    monkeypatch.setattr(nbval_changed, "LOCAL_RECORD", local)
    monkeypatch.setattr(check_notebooks, "SECOND_RUN_RECORD", second_run)
    monkeypatch.setattr(check_notebooks, "LOCAL_RECORD", local)
    setup, lab, alone = (
        Path("chapters/00-setup-check.ipynb"),
        Path("labs/01-word-count.ipynb"),
        Path("chapters/02-micro-batches.ipynb"),  # "nbval": "alone" in its metadata
    )
    shared = nbval_changed.shared_hash()
    current = {p.as_posix(): nbval_changed.notebook_hash(REPO / p, shared) for p in [setup, lab]}
    # both second runs passed with these inputs; only the setup check passed here since
    second_run.write_text(json.dumps(current))
    local.write_text(json.dumps({setup.as_posix(): current[setup.as_posix()]}))
    notebooks = [setup, lab, alone]

    here = check_notebooks.plan(notebooks, second_run_all=False, leave_out_passed=True)
    assert (here.left_out, here.once, here.twice) == ([setup], [lab], [alone])
    assert (here.shared, here.alone) == ([lab], [alone])
    words = "\n".join(check_notebooks.describe(here, second_run_all=False))
    assert "1 notebook(s) left out: unchanged since they last passed here" in words
    assert "1 notebook(s) run once, from a fresh kernel: their second run passed" in words
    twice = "1 notebook(s) run twice, from a fresh kernel and again in the same kernel"
    assert f"{twice}: inputs not in {second_run}" in words

    ci = check_notebooks.plan(notebooks, second_run_all=False, leave_out_passed=False)
    assert (ci.left_out, ci.once, ci.twice) == ([], [lab, setup], [alone])  # longest first

    every = check_notebooks.plan(notebooks, second_run_all=True, leave_out_passed=False)
    assert (every.left_out, every.once, every.twice) == ([], [], notebooks)

    # a changed input (here: another hash recorded for the lab) brings its second run back
    second_run.write_text(json.dumps({**current, lab.as_posix(): "a hash of other inputs"}))
    ci = check_notebooks.plan(notebooks, second_run_all=False, leave_out_passed=False)
    assert (ci.once, ci.twice) == ([setup], [lab, alone])
