"""The learner copies (learner/*.ipynb, tools/generate/learner.py): stubs where the lab has its
key code, and runnable as shipped: every check reports its stub in plain words,
the kernel lives on, and every later cell runs on the book's code.

Proven by structure for every copy: with the solutions put back a learner copy is its lab
(test_solutions_put_back_give_the_lab), and nbval runs each lab with its check cells' stored
outputs all saying ✓. Executed as shipped, end to end, for one copy only: the one whose lab ran
fastest in the last `make bench` (bench/results/notebooks.csv), to prove the fall-back on the
book's code; executing all four would run each lab a third time."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tools.check_notebooks import wall_times
from tools.generate import learner
from tools.generate.learner import LABS, LEARNER, check_name, learner_copy, stub_source, tasks_of

COPIES = sorted(LEARNER.glob("*.ipynb"))


def shortest_copy(copies: list[Path] = COPIES) -> Path:
    """The copy whose lab's last measured wall time is the least (Lab 1 if never measured)."""
    times = wall_times()
    return min(copies, key=lambda p: (times.get(f"labs/{p.name}", float("inf")), p.name))


SHORTEST = shortest_copy()


def test_every_lab_has_a_learner_copy():  # current: tests/tools/test_generated.py
    assert [p.name for p in COPIES] == sorted(p.name for p in LABS.glob("*.ipynb"))


def test_a_changed_lab_makes_its_copy_stale(tmp_path, monkeypatch):
    monkeypatch.setattr(learner, "LEARNER", tmp_path)
    assert learner.main([]) == 0
    copy = tmp_path / "01-word-count.ipynb"
    copy.write_text(copy.read_text("utf-8").replace("# your code here", "# done"), "utf-8")
    assert learner.main(["--check"]) == 1


def test_stubs_keep_signature_and_docstring_and_nothing_else():
    source = (
        "import itertools\n\n\n"
        "def top(xs, n: int) -> list:\n"
        '    """The n largest."""\n'
        "    # sort first\n"
        "    return sorted(xs)[-n:]\n\n\n"
        "class Sink:\n"
        "    def __init__(self, folder):\n"
        "        self.folder = folder\n\n"
        "    def __call__(self, df, batch_id):\n"
        "        df.write.parquet(self.folder)\n"
    )
    stubbed = stub_source(source, {"top": "sort and slice.", "Sink": "write it."})
    tree = ast.parse(stubbed)
    top, sink = tree.body[1], tree.body[2]
    assert ast.get_docstring(top) == "The n largest."
    assert [type(s) for s in top.body] == [ast.Expr, ast.Expr]
    assert "# your code here: sort and slice." in stubbed
    assert "return" not in stubbed and "write.parquet" not in stubbed
    assert "self.folder = folder" in stubbed  # __init__ stays
    assert "import itertools" in stubbed
    assert sink.body[1].body[-1].value.value is Ellipsis


def test_solutions_put_back_give_the_lab():
    """Each copy is its lab with the task bodies, the solutions and the outputs taken out."""
    for path in COPIES:
        lab = nbformat.read(LABS / path.name, as_version=4)
        copy = nbformat.read(path, as_version=4)
        lab_code = [
            c.source
            for c in lab.cells
            if c.cell_type == "code" and "solution" not in c.metadata.get("tags", [])
        ]
        copy_code = [c.source for c in copy.cells if c.cell_type == "code"]
        assert len(lab_code) == len(copy_code)
        tasks = tasks_of(lab)
        for original, stubbed in zip(lab_code, copy_code):
            assert stubbed in (original, stub_source(original, tasks))
        assert sum(a != b for a, b in zip(lab_code, copy_code)) >= 1
        assert not any(c.get("outputs") for c in copy.cells if c.cell_type == "code")
        assert learner_copy(LABS / path.name).cells[1].id == "learner-note"


def test_the_copy_run_as_shipped_is_the_shortest_lab():
    times = wall_times()
    measured = [p for p in COPIES if f"labs/{p.name}" in times]
    assert all(times[f"labs/{SHORTEST.name}"] <= times[f"labs/{p.name}"] for p in measured), (
        "bench/results/notebooks.csv lists a shorter lab"
    )
    assert SHORTEST in COPIES


@pytest.mark.parametrize("path", [SHORTEST], ids=[SHORTEST.stem])
def test_a_learner_copy_runs_as_shipped(path, tmp_path, monkeypatch):
    """From a fresh kernel: every check says its function is not written yet, and every cell
    after it runs (on the book's code), to the end of the lab."""
    monkeypatch.setenv("STREAMLAB_SCRATCH", str(tmp_path))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(learner.REPO / ".venv" / "share" / "jupyter"))
    monkeypatch.setenv("IPYTHONDIR", str(learner.REPO / "tools" / "ipython"))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(LEARNER)}}
    ).execute()  # raises CellExecutionError if any cell fails
    tasks = tasks_of(nbformat.read(LABS / path.name, as_version=4))
    reported = []
    for cell in nb.cells:
        if "check" in cell.metadata.get("tags", []):
            text = "".join(o.get("text", "") for o in cell.outputs)
            for line in text.splitlines():
                if line.startswith("✗ "):
                    reported.append(line.split()[1])
                    assert line.endswith("is not written yet: its body is still `...`."), line
    assert reported == list(tasks)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a cell did not run"
    assert all(check_name(t).startswith("check_") for t in tasks)
    assert os.listdir(tmp_path), "the lab wrote nothing to its scratch folder"
