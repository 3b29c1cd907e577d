"""The learner handout (tools/workshop/handout.py) says what the book says.

The page is what the tool writes from _config.yml, tools/workshop/handout.yml, the appendix and the
glossary; its set-up is a learner's (`make` targets of the Makefile, never the maintainers' test
suite); every call of its cheat sheet exists in the installed PySpark and takes those arguments;
each of its ten errors is a message the book really shows, and they are the errors of
Structured Streaming a learner meets, not those of DStreams or the book's helpers. (That it prints
on two A4 pages is a browser test, tests/site/test_site.py.)
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import shutil
from pathlib import Path

import pytest
from pyspark.sql import DataFrame, GroupedData, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import (
    DataStreamReader,
    DataStreamWriter,
    StreamingQuery,
    StreamingQueryManager,
)
from pyspark.streaming import DStream, StreamingContext

from tools import glossary
from tools.workshop import handout

REPO = handout.REPO
SPEC = handout.load_spec()
PAGE = handout.PAGE.read_text(encoding="utf-8")


def book_text() -> str:
    """What the book shows a reader: every page, the README, and streamlab's own messages."""
    parts = [(REPO / "README.md").read_text(encoding="utf-8")]
    for path in sorted((REPO / "chapters").rglob("*.md")):
        if path != handout.PAGE:
            parts.append(path.read_text(encoding="utf-8"))
    for path in sorted(
        list((REPO / "chapters").glob("*.ipynb")) + list((REPO / "labs").glob("*.ipynb"))
    ):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            parts.append("".join(cell["source"]))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                parts.append("".join(output.get("data", {}).get("text/plain", "")))
    parts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "streamlab").rglob("*.py"))]
    return "\n".join(parts)


def test_an_edited_source_makes_the_page_stale(tmp_path):
    for name in ("_config.yml", "tools/workshop/handout.yml", handout.CHEAT_SOURCE_NAME):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, tmp_path / name)
    text = handout.GLOSSARY.read_text(encoding="utf-8")
    (tmp_path / handout.GLOSSARY_NAME).write_text(text, encoding="utf-8")
    assert handout.markdown(tmp_path) == PAGE  # the same sources: the same page
    edited = text.replace("水位线（水印）", "水印")
    (tmp_path / handout.GLOSSARY_NAME).write_text(edited, encoding="utf-8")
    assert handout.markdown(tmp_path) != PAGE


def test_ten_errors_each_a_message_the_book_shows():
    errors = SPEC["errors"]
    assert len(errors) == 10
    text = " ".join(book_text().split())
    for error in errors:
        assert error["message"] in text, f"the book never shows {error['message']!r}"
        assert error["fix"].strip()


def section(title: str) -> str:
    """A section of the page, from its heading to the next."""
    return PAGE.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_set_up_is_a_learners():
    set_up = section("Set up")
    assert handout.set_up_commands(SPEC, handout.REPOSITORY_URL) in set_up
    assert "git clone https://github.com/" in set_up
    assert "chapters/00-setup-check.ipynb" in set_up and "Binder or Colab" in set_up
    targets = re.findall(r"\bmake (\w[\w-]*)", set_up)
    assert targets == ["setup", "lab"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.M), f"no make {target}"
    # the maintainers' commands: a 45-minute test suite, a build of both editions
    assert "make test" not in set_up and "make book" not in set_up


def test_every_lab_has_its_learner_copy_in_binder_and_colab():
    for _, lab in handout.LABS:
        binder, colab = handout.launch_links(lab)
        assert f"learner/{lab}.ipynb" in binder and f"learner/{lab}.ipynb" in colab
        assert binder in PAGE and colab in PAGE
        assert (REPO / "labs" / f"{lab}.ipynb").exists(), f"no lab {lab}"


def test_cheat_sheet_rows_are_the_appendixs():
    rows = handout.cheat_sheet(SPEC["cheat_sheet"])
    assert len(rows) >= 10
    for task, old, new in rows:
        assert f"| {task} | {old} | {new} |" in PAGE


# Where a cheat-sheet call can come from: the Structured Streaming column's classes, and the
# DStream column's (a call on an RDD inside `transform`, too).
STRUCTURED = (
    DataFrame,
    GroupedData,
    DataStreamReader,
    DataStreamWriter,
    StreamingQuery,
    StreamingQueryManager,
    SparkSession,
    SparkSession.Builder,
)
DSTREAMS = (DStream, StreamingContext, __import__("pyspark").RDD)


def calls(cell: str) -> list[ast.Call]:
    """The method calls of a cell's code snippets (those that are Python on their own)."""
    found = []
    for snippet in re.findall(r"`([^`]+)`", cell):
        snippet = snippet.strip()
        try:  # `.trigger(...)` is a call on the query being written
            tree = ast.parse("_" + snippet if snippet.startswith(".") else snippet)
        except SyntaxError:
            continue
        found += [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        ]
    return found


def takes(functions: list, call: ast.Call, method: bool) -> bool:
    """Does one of these functions (methods: after `self`) take the call's arguments?"""
    args = [None] * (len(call.args) + method)
    kwargs = {k.arg: None for k in call.keywords if k.arg}
    for function in functions:
        try:
            inspect.signature(function).bind(*args, **kwargs)
        except TypeError:
            continue
        return True
    return False


def problems_of(cell: str, classes: tuple) -> list[str]:
    problems = []
    for call in calls(cell):
        name = call.func.attr
        owner = call.func.value
        method = not (isinstance(owner, ast.Name) and owner.id == "F")
        if method:
            functions = [getattr(c, name) for c in classes if hasattr(c, name)]
        else:
            functions = [getattr(F, name)] if hasattr(F, name) else []
        if not functions:
            problems.append(f"no {name} in PySpark: {ast.unparse(call)}")
        elif not takes(functions, call, method):
            problems.append(f"{name} does not take these arguments: {ast.unparse(call)}")
    return problems


def test_every_call_of_the_cheat_sheet_exists_in_pyspark_with_its_arguments():
    rows = handout.cheat_sheet(SPEC["cheat_sheet"])
    problems = []
    for task, old, new in rows:
        problems += [f"{task}: {p}" for p in problems_of(new, STRUCTURED)]
        problems += [f"{task}: {p}" for p in problems_of(old, DSTREAMS)]
    assert problems == []
    checked = {call.func.attr for _, _, new in rows for call in calls(new)}
    assert {
        "withWatermark",
        "join",
        "dropDuplicatesWithinWatermark",
        "transformWithState",
    } <= checked


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ('`df.withWatermark("ts")`', "withWatermark does not take"),
        ('`df.dropDuplicatesInWatermark(["id"])`', "no dropDuplicatesInWatermark"),
        ('`df.groupBy("u").transformWithState(P(), "u string", "Update")`', "does not take"),
        ('`F.windows("ts", "1 minute")`', "no windows"),
        ('`df.withWatermark("ts", "1 minute", "x")`', "withWatermark does not take"),
    ],
)
def test_a_wrong_call_is_caught(cell, problem):
    assert any(problem in p for p in problems_of(cell, STRUCTURED))


def test_the_cheat_sheet_has_what_structured_streaming_adds():
    cheat = section("DStreams ↔ Structured Streaming")
    for api in (
        ".withWatermark(",
        ".join(b.withWatermark(",
        ".dropDuplicatesWithinWatermark(",
        ".transformWithState(",
    ):
        assert api in cheat, api


def test_the_errors_are_structured_streamings_not_dstreams():
    """The ten errors: set-up, then the Structured Streaming errors chapter 10 lists."""
    messages = [error["message"] for error in SPEC["errors"]]
    text = " ".join(f"{e['message']} {e['fix']}" for e in SPEC["errors"])
    assert "StreamingContext" not in text and "streaming_context" not in text
    assert "stop_streaming" not in text and "stop_spark" not in text
    for expected in (
        "Queries with streaming sources must be executed with writeStream.start()",
        "checkpointLocation must be specified",
        "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE",
        "Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not supported "
        "without a watermark",
    ):
        assert expected in messages, expected
        assert f"`{expected}`" in section("Ten errors and their fixes")


def test_glossary_terms_in_english_and_chinese_come_from_the_glossary():
    terms = glossary.by_english()
    assert len(SPEC["glossary"]) >= 20
    for english in SPEC["glossary"]:
        chinese = terms[english].chinese
        assert f"| {english} | {chinese} |" in PAGE
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), english


def test_the_handout_is_in_the_instructors_part_of_the_book():
    toc = (REPO / "_toc.yml").read_text(encoding="utf-8")
    assert toc.index("caption: For instructors") < toc.index("file: chapters/handout")
    assert Path(handout.PAGE).exists()
