"""Export the code a lab (or a chapter) teaches into a module, so tests and spark-submit run it.

Cells tagged `export` in a lab notebook hold definitions only (imports, constants, functions).
They are written, in order, to `streamlab/lessons/<module>.py`, where the module name is set in
the notebook's metadata (`"streamlab": {"export": "<module>"}`; a dotted name, such as
`structured.queries`, is a module of `streamlab` itself: streamlab/structured/queries.py). The
reader sees and edits the code in the notebook; tests/tools/test_generated.py fails when the module
and the notebook differ.
Importing a lesson must run nothing, so each exported cell is checked (`check_definitions_only`):
imports, functions, classes, and names bound to constants or schema types; anything else (a
call, a print, a loop, a changed attribute) stops the export with the notebook and cell named.

Usage: python -m tools.generate [--check] lessons   (make generated)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from tools.notebooks import EXPORT, export_module, has_tag, read
from tools.paths import CHAPTERS, LABS, LESSONS, REPO, STREAMLAB


class ExportError(ValueError):
    """A cell tagged `export` holds more than definitions; the message names it."""


DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef)
# The parts of a constant expression: literals, containers, names, arithmetic, f-strings,
# comprehensions (whatever they compute from, they call nothing).
CONSTANT_PARTS = tuple(
    getattr(ast, name)
    for name in (
        "Constant Name Load Store Attribute JoinedStr FormattedValue List Tuple Set Dict Starred "
        "Subscript Slice BinOp UnaryOp BoolOp Compare IfExp ListComp SetComp DictComp "
        "GeneratorExp comprehension keyword operator unaryop boolop cmpop expr_context"
    ).split()
)
# ... and calls that only define a type: pyspark.sql.types (StructType, StructField, ...Type),
# typing's helpers.
TYPE_CONSTRUCTORS = {"StructField", "TypeVar", "NewType", "NamedTuple", "TypedDict", "namedtuple"}


def _is_type_constructor(call: ast.Call) -> bool:
    """A call such as T.StructType([...]), T.StructField(...), T.StringType(), TypeVar(...)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in TYPE_CONSTRUCTORS or (name[:1].isupper() and name.endswith("Type"))


def _is_constant(node: ast.AST) -> bool:
    """True for an expression that computes a constant or defines a type, and calls nothing else."""
    if isinstance(node, ast.Lambda):
        return True  # a definition: its body runs only when called
    if isinstance(node, ast.Call):
        if not _is_type_constructor(node):
            return False
    elif not isinstance(node, CONSTANT_PARTS):
        return False
    return all(_is_constant(child) for child in ast.iter_child_nodes(node))


def _is_name_target(target: ast.AST) -> bool:
    if isinstance(target, ast.Name):
        return True
    return isinstance(target, ast.Tuple | ast.List) and all(map(_is_name_target, target.elts))


def _is_definition(node: ast.stmt) -> bool:
    """An import, a def, a class, a string, or a module-level name bound to a constant."""
    if isinstance(node, DEFINITIONS):
        return True
    if isinstance(node, ast.ClassDef):  # its body runs on import: the same rule holds there
        return all(map(_is_definition, node.body))
    if isinstance(node, ast.Expr):  # a bare string: a comment the module keeps
        return isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    if isinstance(node, ast.Assign):
        return all(map(_is_name_target, node.targets)) and _is_constant(node.value)
    if isinstance(node, ast.AnnAssign):
        return (
            isinstance(node.target, ast.Name)
            and node.value is not None
            and _is_constant(node.value)
        )
    return False


def _first_offence(node: ast.stmt) -> ast.stmt:
    """The statement to show: inside a class, the first of its body that is no definition."""
    if isinstance(node, ast.ClassDef):
        return _first_offence(next(s for s in node.body if not _is_definition(s)))
    return node


def check_definitions_only(source: str, where: str) -> None:
    """Raise ExportError unless `source` holds only imports, definitions and constants."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ExportError(f"{where}: not valid Python ({error.msg}, line {error.lineno})") from None
    for statement in tree.body:
        if not _is_definition(statement):
            node = _first_offence(statement)
            first_line = ast.get_source_segment(source, node).splitlines()[0]
            raise ExportError(
                f"{where}, line {node.lineno}: `{first_line}` runs when the lesson is imported. "
                "A cell tagged `export` holds only imports, functions, classes and constants: "
                "move this statement to a cell of its own, without the tag."
            )


def exported_source(path: Path) -> tuple[str, str] | None:
    """(module name, module text) for a notebook with exported cells, else None."""
    nb = read(path)
    module = export_module(nb)
    if not module:
        return None
    relative = path.resolve().relative_to(REPO) if path.resolve().is_relative_to(REPO) else path
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and has_tag(cell, EXPORT):
            check_definitions_only(cell.source, f"{relative}, cell {index}")
            cells.append(cell.source.strip())
    header = (
        f'"""The code that {relative} teaches, exported from its cells tagged `export`.\n\n'
        # (the generated modules say so: changing this line rewrites every one of them)
        "Generated by tools/generate/lessons.py: edit the notebook, then run `make generated`.\n"
        '"""\n\n# ruff: noqa: E501, I001\n'
    )
    return module, header + "\n\n\n".join(cells) + "\n"


def lab_notebooks() -> list[Path]:
    """The notebooks that may export code: the labs, and chapters whose code a lab reuses
    (chapter 13's session processor, which Lab 4 imports)."""
    return sorted(LABS.glob("*.ipynb")) + sorted(CHAPTERS.glob("*.ipynb"))


def module_path(module: str) -> Path:
    """Where a lesson module is written: streamlab/lessons/<module>.py, or for a dotted name a
    module of streamlab (`structured.queries`: streamlab/structured/queries.py)."""
    if "." in module:
        return STREAMLAB.joinpath(*module.split(".")).with_suffix(".py")
    return LESSONS / f"{module}.py"


def render() -> dict[Path, str]:
    """Every exported module's path and text."""
    files = {}
    for path in lab_notebooks():
        result = exported_source(path)
        if result is not None:
            module, text = result
            files[module_path(module)] = text
    return files


def main(args: list[str]) -> int:
    from tools import generate

    return generate.main([*args, "lessons"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
