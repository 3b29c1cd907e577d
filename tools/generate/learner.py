"""Write the learner copies of the labs (learner/*.ipynb): the key code left to write.

The lab notebook is the one source. Its module of checks, `streamlab.checks.<lesson>` (the
lesson named in the notebook's metadata, `"streamlab": {"export": ...}`), lists in `TASKS` the
functions a learner writes and what to write in each. The learner copy

- keeps each of those functions' signature and docstring, and replaces its body with a
  `# your code here: ...` comment saying what to write and `...` (for a class, the bodies of
  its methods other than `__init__`), announced by a "Your turn" cell;
- keeps the check cell after it (tagged `check`), which runs the learner's function on a small
  input and says whether it is right; until it is, the rest of the lab uses the book's;
- drops the exercises' solutions (the starter cells stay) and every output, and replaces the
  lab's link to its learner copy (tagged `learner-link`) with a note on how to work in it.

tests/tools/test_generated.py fails when a copy is stale; tests/tools/test_learner.py checks the
copies.

Usage: python -m tools.generate [--check] learner   (make generated)
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
import textwrap
from pathlib import Path

import nbformat

from tools.notebooks import EXPORT, FLAGS, LEARNER_LINK, SOLUTION, export_module, has_tag, read
from tools.paths import LABS, LEARNER, REPO  # noqa: F401 (tests use learner.REPO)

WIDTH = 79  # notebooks' code width (labs/ruff.toml)
REPOSITORY = "https://github.com/spark-streaming-hands-on/book"  # _config.yml, repository.url


def tasks_of(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The functions a learner writes in this lab, and what to write in each."""
    lesson = export_module(nb)
    if not lesson:
        return {}
    tasks = importlib.import_module(f"streamlab.checks.{lesson}").TASKS
    order = [name for cell in nb.cells for name in defined_tasks(cell.source, tasks)]
    return {name: tasks[name] for name in sorted(tasks, key=_position(order))}


def _position(order: list[str]):
    """Sort key: where a task is defined in the notebook (a task it lacks comes last)."""
    return lambda name: order.index(name) if name in order else len(order)


def check_name(task: str) -> str:
    """The check of a task: check_count_words, check_parquet_by_batch (for ParquetByBatch)."""
    return "check_" + re.sub(r"(?<!^)(?=[A-Z])", "_", task).lower()


def defined_tasks(source: str, tasks: dict[str, str]) -> list[str]:
    """The tasks a cell defines (top-level functions and classes), in order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in tasks
    ]


def _stub_body(node: ast.FunctionDef, lines: list[str], task: str) -> tuple[int, int, list[str]]:
    """(first line, end line, new lines) replacing a function's body after its docstring."""
    body = node.body
    has_doc = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    first = body[0].end_lineno if has_doc else node.body[0].lineno - 1  # 0-based start
    indent = " " * (body[0].col_offset)
    comment = textwrap.wrap(
        f"your code here: {task}",
        WIDTH - len(indent) - 2,
        break_on_hyphens=False,
    )
    new = [f"{indent}# {line}" for line in comment] + [f"{indent}..."]
    return first, node.end_lineno, new


def stub_source(source: str, tasks: dict[str, str]) -> str:
    """The cell with the body of every task it defines replaced by a comment and `...`."""
    lines = source.splitlines()
    edits = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name in tasks:
            edits.append(_stub_body(node, lines, tasks[node.name]))
        elif isinstance(node, ast.ClassDef) and node.name in tasks:
            for method in node.body:
                if isinstance(method, ast.FunctionDef) and method.name != "__init__":
                    edits.append(_stub_body(method, lines, tasks[node.name]))
    for first, end, new in sorted(edits, reverse=True):
        lines[first:end] = new
    return "\n".join(lines)


def _cell_id(nb: nbformat.NotebookNode, stem: str) -> str:
    taken = {cell.get("id") for cell in nb.cells}
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def learner_copy(lab: Path) -> nbformat.NotebookNode:
    """The learner copy of one lab notebook."""
    nb = read(lab)
    tasks = tasks_of(nb)
    cells = []
    for cell in nb.cells:
        if has_tag(cell, SOLUTION):
            continue
        if has_tag(cell, LEARNER_LINK):
            cells.append(nbformat.v4.new_markdown_cell(_note(lab, tasks), id="learner-note"))
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            written = defined_tasks(cell.source, tasks) if has_tag(cell, EXPORT) else []
            if written:
                names = " and ".join(f"`{name}`" for name in written)
                turn = nbformat.v4.new_markdown_cell(
                    f"✍ **Your turn: write {names}.** The cell below keeps the signature and "
                    "the docstring; replace `...` with your code, run the cell, then run the "
                    "check after it.",
                    id=f"your-turn-{written[0].lower()}",
                )
                cells.append(turn)
                cell.source = stub_source(cell.source, tasks)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.get(FLAGS, {}).pop(EXPORT, None)
    nb.metadata.setdefault(FLAGS, {})["learner_copy_of"] = f"labs/{lab.name}"
    return nb


def _note(lab: Path, tasks: dict[str, str]) -> str:
    names = ", ".join(f"`{name}`" for name in tasks)
    page = f"{REPOSITORY}/blob/main/labs/{lab.name}"
    return (
        "**This is the learner copy of the lab**, generated from "
        f"[the lab]({page}) by `make learner`. You write the key code: {names}. Each is "
        "marked ✍ *Your turn*; its signature and docstring are there, its body is `...` and a "
        "comment says what to write. The cell after it checks your function on a small input "
        "and says what it expected and what came out. Until your function passes, the rest "
        "of the lab uses the book's, so every later cell still runs: you can go on and come "
        "back.\n\n"
        "The exercises at the end have starter cells; their solutions are in the lab itself "
        f"([labs/{lab.name}]({page})), and on its page of the book behind the *Show the "
        "solution* buttons."
    )


def notebook_text(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def render() -> dict[Path, str]:
    """Every learner copy's path and text."""
    result = {}
    for lab in sorted(LABS.glob("*.ipynb")):
        if tasks_of(read(lab)):
            result[LEARNER / lab.name] = notebook_text(learner_copy(lab))
    return result


def main(args: list[str]) -> int:
    from tools import generate

    return generate.main([*args, "learner"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
