"""Code copied from the website runs: every name a visible cell uses is defined by a visible cell.

A cell tagged `remove-cell` (the Colab cell) is not on the site; cells hidden behind a button
(`hide-cell`, `hide-input`) are, so they count as visible. Names are found with `symtable` on
each cell: what the cell binds at module level (assignments, imports, `def`, `class`, `for`,
`with ... as`, `except ... as`, walrus, `global` in a function), what it reads at module level
(checked against the cells up to it) and what its functions read as globals (checked against
every visible cell: a function may be called after a later cell has defined its global).
"""

from __future__ import annotations

import builtins
import re
import symtable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ("chapters", "labs", "learner")

# What IPython puts in every kernel's namespace besides Python's builtins.
IPYTHON_NAMES = {"display", "get_ipython", "In", "Out", "exit", "quit", "_", "__", "___"}
BUILTINS = set(dir(builtins)) | {"__name__", "__file__", "__doc__"} | IPYTHON_NAMES

# A line magic or shell escape, alone (`%time f()`, `!ls`) or assigned (`files = !ls`).
MAGIC_LINE = re.compile(r"^(\s*)(?:([\w.,\s]+?)\s*=\s*)?[%!]")
# Cell magics whose body is Python that runs in the kernel's namespace.
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}


def notebooks() -> list[Path]:
    return sorted(
        p
        for folder in FOLDERS
        if (REPO / folder).is_dir()
        for p in (REPO / folder).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


def python_of(source: str) -> str | None:
    """The cell's Python, magics made neutral; None for a cell magic that is not Python."""
    lines = source.splitlines()
    if lines and lines[0].startswith("%%"):
        magic = lines[0][2:].split()[0] if lines[0][2:].split() else ""
        if magic not in PYTHON_CELL_MAGICS:
            return None
        lines = lines[1:]
    out = []
    for line in lines:
        match = MAGIC_LINE.match(line)
        if match:
            indent, target = match.group(1), match.group(2)
            line = f"{indent}{target} = None" if target else f"{indent}pass"
        out.append(line)
    return "\n".join(out)


@dataclass
class CellNames:
    binds: set[str] = field(default_factory=set)
    reads_now: set[str] = field(default_factory=set)  # when the cell runs
    reads_later: set[str] = field(default_factory=set)  # when its functions run


def _walk(table: symtable.SymbolTable, names: CellNames, deferred: bool) -> None:
    for child in table.get_children():
        kind = child.get_type()
        kind = getattr(kind, "value", kind)  # an enum from Python 3.13
        comprehension = child.get_name() in {"listcomp", "setcomp", "dictcomp", "genexpr"}
        later = deferred or (kind == "function" and not comprehension)
        for symbol in child.get_symbols():
            if not symbol.is_global():
                continue
            if symbol.is_declared_global() and symbol.is_assigned():
                names.binds.add(symbol.get_name())
            if symbol.is_referenced():
                (names.reads_later if later else names.reads_now).add(symbol.get_name())
        _walk(child, names, later)


def names_of(source: str, where: str) -> CellNames:
    top = symtable.symtable(source, where, "exec")
    names = CellNames()
    for symbol in top.get_symbols():
        name = symbol.get_name()
        if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
            names.binds.add(name)
        if symbol.is_referenced():
            names.reads_now.add(name)
    _walk(top, names, deferred=False)
    return names


def visible_code_cells(path: Path) -> list[tuple[int, str]]:
    nb = nbformat.read(path, as_version=4)
    return [
        (i, cell.source)
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", [])
    ]


def undefined_names(path: Path) -> list[str]:
    """Each name a visible cell uses and no visible cell defines: "cell N: name"."""
    cells = []
    for i, source in visible_code_cells(path):
        python = python_of(source)
        if python is None:
            continue
        try:
            cells.append((i, names_of(python, f"{path.name}, cell {i}")))
        except SyntaxError as error:
            return [f"cell {i}: does not parse ({error.msg}, line {error.lineno})"]
    everywhere = set().union(*(names.binds for _, names in cells)) | BUILTINS
    defined, problems = set(BUILTINS), []
    for i, names in cells:
        defined |= names.binds
        for name in sorted(names.reads_now - defined):
            later = " (defined only in a later cell)" if name in everywhere else ""
            problems.append(f"cell {i}: {name}{later}")
        for name in sorted(names.reads_later - everywhere):
            problems.append(f"cell {i}: {name} (read in a function)")
    return problems


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_visible_cells_define_every_name_they_use(path):
    problems = undefined_names(path)
    assert not problems, (
        f"{path.relative_to(REPO)}: names used but defined by no visible cell "
        "(a copy from the website fails): " + "; ".join(problems)
    )


def _notebook(tmp_path: Path, *cells: tuple[str, list[str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    for source, tags in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_name_imported_only_in_a_removed_cell_is_found(tmp_path):
    path = _notebook(
        tmp_path,
        ("import os\nimport sys", ["remove-cell"]),
        ("print(sys.version)\n\ndef f():\n    return os.getpid()", []),
    )
    assert undefined_names(path) == ["cell 1: sys", "cell 1: os (read in a function)"]


def test_hidden_cells_count_as_visible_and_every_binding_is_seen(tmp_path):
    source = """
import json as j
from pathlib import Path
x, (y, *rest) = 1, (2, 3)
for i in range(2):
    pass
with open(__file__) as handle:
    pass
try:
    pass
except ValueError as error:
    print(error)
squares = [k * k for k in range(3) if (last := k)]
class Box:
    size = x + 1
    def area(self):
        return self.size * later_global
def set_flag():
    global flag
    flag = True
"""
    path = _notebook(
        tmp_path,
        (source, ["hide-input"]),
        (
            "print(j, Path, y, rest, i, handle, squares, last, Box, flag)\n"
            "later_global = 2\n%time set_flag()\nfiles = !ls",
            ["hide-cell"],
        ),
        ("%%bash\necho $undefined_in_bash", []),
    )
    assert undefined_names(path) == []


def test_a_name_read_before_the_cell_that_defines_it_is_found(tmp_path):
    path = _notebook(tmp_path, ("print(total)", []), ("total = 1", []))
    assert undefined_names(path) == ["cell 0: total (defined only in a later cell)"]
