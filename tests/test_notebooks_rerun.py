"""Every notebook runs a second time in the same kernel and prints the same thing again.

nbval checks a run from a fresh kernel. A learner often runs a notebook twice, or re-runs cells,
without restarting: that must not fail ("Only one SparkContext", "cannot restart a stopped
StreamingContext", a checkpoint left behind) and must not change the results.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(
    p
    for d in ("chapters", "labs")
    for p in (REPO / d).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
SCRATCH = re.compile(r"/[^\s'\"]*/streamlab-\d+")


def text_outputs(cell: nbformat.NotebookNode) -> str:
    """The printed and displayed text of a cell, with per-run folders masked.

    Joined into one string: how printed text is split into stream chunks depends on timing.
    """
    texts = []
    for out in cell.get("outputs", []):
        if out.get("name") == "stderr":
            continue
        text = out.get("text") or out.get("data", {}).get("text/plain", "")
        texts.append(SCRATCH.sub("<scratch>", "".join(text)))
    return "".join(texts)


def is_checked(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and "# NBVAL_IGNORE_OUTPUT" not in cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_twice_in_one_kernel(path):
    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    with client.setup_kernel():
        for _ in range(2):  # the second pass reuses the kernel, its Spark and its state
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
    for index, (old, new) in enumerate(zip(stored.cells, nb.cells, strict=True)):
        if is_checked(old) and "widget" not in text_outputs(old):
            assert text_outputs(new) == text_outputs(old), f"cell {index} differs on a re-run"
