"""The records of notebooks that passed (tools/nbval_changed.py) can only hold passes the plugin
saw: fed fake reports, it records a notebook's second run only when every code cell passed in
both runs, and never after -k, -x, a failure, an interruption, a run without the second run, a
notebook changed while it ran, or in an xdist worker. Hashes are the same in a fresh clone."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from tools import nbval_changed
from tools.nbval_changed import PassRecorder, notebook_hash, read_record, shared_hash


@pytest.fixture
def records(tmp_path, monkeypatch):
    second_run, local = tmp_path / "second-run-passed.json", tmp_path / "local.json"
    monkeypatch.setattr(nbval_changed, "SECOND_RUN_RECORD", second_run)
    monkeypatch.setattr(nbval_changed, "LOCAL_RECORD", local)
    return second_run, local


def three_cells(path: Path) -> Path:
    cells = [nbformat.v4.new_code_cell(f"x = {i}") for i in range(3)]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A"), *cells])
    nbformat.write(nb, path)
    return path


def report(notebook: Path, name: str, outcome: str = "passed", when: str = "call"):
    return pytest.TestReport(
        nodeid=f"{notebook.name}::{name}",
        location=(notebook.name, 0, name),
        keywords={},
        outcome=outcome,
        longrepr=None if outcome == "passed" else "boom",
        when=when,
    )


def session(notebook: Path, reports, exitstatus: int = 0, worker: bool = False) -> None:
    config = SimpleNamespace(rootpath=notebook.parent)
    if worker:
        config.workerinput = {}
    recorder = PassRecorder(config)
    for one in reports:
        recorder.pytest_runtest_logreport(one)
    recorder.pytest_sessionfinish(None, exitstatus)


def both_runs(notebook: Path, skip=()):
    names = [f"Cell {i}" for i in range(3)] + [f"Cell {i}, run 2" for i in range(3)]
    return [report(notebook, n) for n in names if n not in skip]


def test_every_cell_passing_in_both_runs_is_recorded(tmp_path, records):
    notebook = three_cells(tmp_path / "nb.ipynb")
    session(notebook, both_runs(notebook))
    expected = {str(notebook): notebook_hash(notebook, shared_hash())}
    assert read_record(records[0]) == expected
    assert read_record(records[1]) == expected


@pytest.mark.parametrize(
    "reports",
    [
        pytest.param(lambda nb: both_runs(nb)[:3], id="no second run"),
        pytest.param(lambda nb: both_runs(nb, skip={"Cell 1, run 2"}), id="-k left a cell out"),
        pytest.param(lambda nb: both_runs(nb)[:4], id="-x stopped"),
        pytest.param(lambda nb: both_runs(nb)[:3] + both_runs(nb)[3:4] * 3, id="a cell twice"),
        pytest.param(
            lambda nb: both_runs(nb) + [report(nb, "Cell 2, run 2", "failed", "teardown")],
            id="a failed teardown",
        ),
        pytest.param(
            lambda nb: (
                both_runs(nb, skip={"Cell 0, run 2"}) + [report(nb, "Cell 0, run 2", "skipped")]
            ),
            id="a skipped cell",
        ),
        pytest.param(
            lambda nb: both_runs(nb) + [report(nb, "JVM output", "failed")], id="a JVM problem"
        ),
    ],
)
def test_a_pass_not_seen_in_full_is_not_recorded(tmp_path, records, reports):
    notebook = three_cells(tmp_path / "nb.ipynb")
    session(notebook, reports(notebook))
    assert read_record(records[0]) == {}
    assert read_record(records[1]) == {}


def test_a_failure_removes_the_second_run_pass_of_the_same_inputs(tmp_path, records):
    notebook = three_cells(tmp_path / "nb.ipynb")
    session(notebook, both_runs(notebook))
    failed = both_runs(notebook)[:3] + [report(notebook, "Cell 0, run 2", "failed")]
    session(notebook, failed, exitstatus=1)
    assert read_record(records[0]) == {}
    assert read_record(records[1]) == {}


def test_one_run_of_a_notebook_whose_second_run_passed_is_a_local_pass(tmp_path, records):
    notebook = three_cells(tmp_path / "nb.ipynb")
    current = notebook_hash(notebook, shared_hash())
    records[0].write_text(json.dumps({str(notebook): current}))
    session(notebook, both_runs(notebook)[:3])
    assert read_record(records[0]) == read_record(records[1]) == {str(notebook): current}


@pytest.mark.parametrize("exitstatus, worker", [(2, False), (3, False), (0, True)])
def test_an_interrupted_session_or_an_xdist_worker_writes_nothing(
    tmp_path, records, exitstatus, worker
):
    notebook = three_cells(tmp_path / "nb.ipynb")
    session(notebook, both_runs(notebook), exitstatus=exitstatus, worker=worker)
    assert not records[0].exists() and not records[1].exists()


def test_a_notebook_changed_while_it_ran_is_not_recorded(tmp_path, records):
    notebook = three_cells(tmp_path / "nb.ipynb")
    config = SimpleNamespace(rootpath=tmp_path)
    recorder = PassRecorder(config)
    reports = both_runs(notebook)
    recorder.pytest_runtest_logreport(reports[0])
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[1].source = "x = 10"
    nbformat.write(nb, notebook)
    for one in reports[1:]:
        recorder.pytest_runtest_logreport(one)
    recorder.pytest_sessionfinish(None, 0)
    assert read_record(records[0]) == {}


def git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_the_shared_hash_is_the_same_in_a_fresh_clone(tmp_path):
    repo = tmp_path / "repo"
    (repo / "streamlab" / "__pycache__").mkdir(parents=True)
    (repo / "data").mkdir()
    (repo / "streamlab" / "a.py").write_text("A = 1\n")
    (repo / "data" / "d.csv").write_text("x\n1\n")
    (repo / "requirements.lock").write_text("pyspark==4\n")
    (repo / ".gitignore").write_text("__pycache__/\n*.tmp\n")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    # caches and ignored files of one machine do not count
    (repo / "streamlab" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (repo / "data" / "scratch.tmp").write_text("local")
    assert nbval_changed.input_files(repo) == [
        "data/d.csv",
        "requirements.lock",
        "streamlab/a.py",
    ]
    assert shared_hash(repo) == shared_hash(clone)
    # a new file not yet added to git counts: it will be in the commit
    (repo / "streamlab" / "b.py").write_text("B = 2\n")
    assert shared_hash(repo) != shared_hash(clone)
    (repo / "streamlab" / "b.py").unlink()
    # contents count
    (repo / "streamlab" / "a.py").write_text("A = 2\n")
    assert shared_hash(repo) != shared_hash(clone)
