"""Every notebook cell that draws a figure stores it as a PNG: the website shows stored outputs.

A code cell draws a figure when it has alt text for one (`mystnb.image.alt`, which the site puts
on the cell's image), or when it calls a function of `streamlab.figures` that returns a Figure.
"""

from __future__ import annotations

import ast
import base64
import importlib
import inspect
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted([*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("labs/*.ipynb")])
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def figure_functions(tree: ast.AST) -> set[str]:
    """The names a notebook imports from `streamlab.figures` whose return annotation is Figure."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlab.figures"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                function = getattr(module, alias.name, None)
                if callable(function):
                    returns = inspect.signature(function).return_annotation
                    if getattr(returns, "__name__", returns) == "Figure":
                        names.add(alias.asname or alias.name)
    return names


def calls_one_of(tree: ast.AST, names: set[str]) -> bool:
    """Whether the cell itself calls one of `names` (a function it only defines draws nothing)."""
    if isinstance(tree, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
        return False
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id in names:
        return True
    return any(calls_one_of(child, names) for child in ast.iter_child_nodes(tree))


def figure_cells(notebook: dict[str, Any]) -> list[int]:
    """The indices of the code cells that draw a figure."""
    code = {
        i: "".join(cell["source"])
        for i, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code"
    }
    trees = {i: ast.parse(source) for i, source in code.items()}
    plotters = set().union(*(figure_functions(tree) for tree in trees.values()))
    return [
        i
        for i in code
        if notebook["cells"][i]["metadata"].get("mystnb", {}).get("image", {}).get("alt")
        or calls_one_of(trees[i], plotters)
    ]


def stored_png(cell: dict[str, Any]) -> bytes | None:
    """The first PNG among the cell's stored outputs, decoded, or None."""
    for output in cell.get("outputs", []):
        data = output.get("data", {}).get("image/png")
        if data:
            return base64.b64decode("".join(data) if isinstance(data, list) else data)
    return None


def cells_without_figure(path: Path) -> list[int]:
    """The figure cells of a notebook that store no PNG."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [
        i
        for i in figure_cells(notebook)
        if not (stored_png(notebook["cells"][i]) or b"").startswith(PNG_SIGNATURE)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_cell_stores_its_figure(path):
    missing = cells_without_figure(path)
    assert not missing, f"{path.name}: cells {missing} draw a figure but store no PNG"


def test_the_rule_finds_the_books_figures():
    # Not trivially true: the figures the book draws are found, by both halves of the rule.
    found = {
        path.name: figure_cells(json.loads(path.read_text(encoding="utf-8"))) for path in NOTEBOOKS
    }
    assert sum(len(cells) for cells in found.values()) >= 30
    assert 25 in found["11-joins-and-duplicates.ipynb"]
    assert 18 in found["11-joins-and-duplicates.ipynb"]  # join_chart(...)


def test_a_plot_call_without_alt_or_output_is_caught(tmp_path):
    sources = [
        "from streamlab.figures.joins import join_chart",
        "join_chart(a, b, c, 1)",  # draws: caught
        "def draw(a):\n    return join_chart(a, a, a, 1)",  # only defines a drawing
        "join_chart",  # no call
    ]
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": [source]}
        for source in sources
    ]
    cells.append({"cell_type": "markdown", "metadata": {}, "source": ["join_chart(a, b, c, 1)"]})
    path = tmp_path / "drawn.ipynb"
    path.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    assert cells_without_figure(path) == [1]
