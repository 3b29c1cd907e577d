"""tools/generate/lessons.py exports only definitions: a cell tagged `export` that would run
something when the lesson is imported stops the export, with the notebook and cell named."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tools.generate.lessons import (
    LESSONS,
    ExportError,
    check_definitions_only,
    exported_source,
    lab_notebooks,
    module_path,
    render,
)
from tools.paths import STREAMLAB

DEFINITIONS = '''import operator
from pyspark.sql import types as T

"""A note kept in the module."""
N_FIELDS = 7
ACTIONS = ["view", "click"]
FEATURES = ["bias"] + [f"category={c}" for c in ACTIONS] + ["night"]
PAIR: tuple[int, int] = (1, -2)
LOW, HIGH = 0, N_FIELDS * 2
SCHEMA = T.StructType([T.StructField("word", T.StringType()), T.StructField("n", T.LongType())])
by_count = lambda pair: -pair[1]  # noqa: E731


def count_words(lines):
    """Calls inside a function run only when it is called."""
    print("counting")
    return lines.flatMap(str.split).map(lambda w: (w, 1)).reduceByKey(operator.add)


class Counts:
    """A class body runs on import: the same rule holds in it."""

    LIMIT = 3

    def total(self):
        return sum([1, 2])
'''


def lab(tmp_path: Path, *cells: str) -> Path:
    """A lab notebook in tmp_path: a Markdown cell, then `cells` as code cells tagged export."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["streamlab"] = {"export": "fake"}
    nb.cells.append(nbformat.v4.new_markdown_cell("# A fake lab"))
    for source in cells:
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": ["export"]}))
    nb.cells.append(nbformat.v4.new_code_cell("count_words(lines).pprint()"))  # not exported
    path = tmp_path / "09-fake.ipynb"
    nbformat.write(nb, path)
    return path


def test_definitions_imports_and_constants_are_exported(tmp_path):
    module, text = exported_source(lab(tmp_path, DEFINITIONS, "import re"))
    assert module == "fake"
    assert "def count_words(lines):" in text and text.rstrip().endswith("import re")
    assert "pprint" not in text


@pytest.mark.parametrize(
    ("statement", "shown"),
    [
        ('print("hello")', 'print("hello")'),
        ("spark = get_spark()", "spark = get_spark()"),
        ("TOTAL = sum([1, 2])", "TOTAL = sum([1, 2])"),
        ("WORDS = sorted(w.upper() for w in ACTIONS)", "WORDS = sorted("),
        ("config.value = 3", "config.value = 3"),
        ("N_FIELDS += 1", "N_FIELDS += 1"),
        ("for word in ACTIONS:\n    pass", "for word in ACTIONS:"),
        ("if ACTIONS:\n    import os", "if ACTIONS:"),
        ("KEY = lambda pair: pair[1]\nKEY((1, 2))", "KEY((1, 2))"),
        ("class Later:\n    LIMIT = 3\n    total = sum([1, 2])", "total = sum([1, 2])"),
    ],
)
def test_anything_that_runs_on_import_fails_naming_notebook_and_cell(tmp_path, statement, shown):
    path = lab(tmp_path, "import operator", DEFINITIONS + "\n" + statement)
    with pytest.raises(ExportError) as error:
        exported_source(path)
    message = str(error.value)
    assert message.startswith(f"{path}, cell 2, line ")
    assert f"`{shown}" in message
    assert "only imports, functions, classes and constants" in message


def test_a_cell_that_does_not_parse_is_named_too():
    with pytest.raises(ExportError, match=r"^labs/x.ipynb, cell 4: not valid Python"):
        check_definitions_only("def broken(:\n", "labs/x.ipynb, cell 4")


def test_the_labs_export_only_definitions():
    exported = [exported_source(path) for path in lab_notebooks()]
    assert {result[0] for result in exported if result} == {
        "word_count",
        "windows",
        "recommender",
        "user_sessions",
        "attribution",
        "ads",
        "structured.queries",
    }


def test_every_lesson_module_is_exported_by_a_notebook():
    """No module left behind in streamlab/lessons/ by a notebook that no longer exports it
    (tests/tools/test_generated.py checks that each exported module is current)."""
    on_disk = {p for p in LESSONS.glob("*.py") if p.name != "__init__.py"}
    assert on_disk <= set(render())


def test_a_dotted_module_is_a_module_of_streamlab():
    assert module_path("ads") == LESSONS / "ads.py"
    assert module_path("structured.queries") == STREAMLAB / "structured" / "queries.py"
