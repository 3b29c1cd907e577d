"""The learner checks (streamlab.checks): each passes the book's code, reports a stub as not
written, and reports a wrong function with what it expected and what came out, returning the
book's function so the rest of the lab still runs."""

from __future__ import annotations

import importlib.util
import operator

import nbformat
import pytest

from tools.generate.learner import LABS, check_name, defined_tasks, stub_source, tasks_of

LESSONS = {
    "word_count": "01-word-count.ipynb",
    "windows": "02-sliding-windows.ipynb",
    "recommender": "03-streaming-recommender.ipynb",
    "attribution": "04-ad-attribution.ipynb",
}
TASKS = [
    (lesson, task)
    for lesson, lab in LESSONS.items()
    for task in tasks_of(nbformat.read(LABS / lab, as_version=4))
]


def _check(lesson: str, task: str):
    module = importlib.import_module(f"streamlab.checks.{lesson}")
    return getattr(module, check_name(task))


def _book(lesson: str, task: str):
    return getattr(importlib.import_module(f"streamlab.lessons.{lesson}"), task)


def _stubbed_module(lesson: str, tmp_path):
    """The lab's task cells as the learner copy has them, imported from a file (so that
    `inspect` finds their source, as IPython lets it in a notebook)."""
    nb = nbformat.read(LABS / LESSONS[lesson], as_version=4)
    tasks = tasks_of(nb)
    cells = [
        stub_source(cell.source, tasks)
        for cell in nb.cells
        if "export" in cell.metadata.get("tags", [])
    ]
    path = tmp_path / f"learner_{lesson}.py"
    path.write_text("\n\n".join(cells) + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_task_has_a_check_and_a_check_cell_in_its_lab():
    assert len(TASKS) == 13
    for lesson, lab in LESSONS.items():
        nb = nbformat.read(LABS / lab, as_version=4)
        checks = "\n".join(c.source for c in nb.cells if "check" in c.metadata.get("tags", []))
        for task in tasks_of(nb):
            assert callable(_check(lesson, task))
            assert f"{task} = {check_name(task)}({task})" in checks, (lab, task)
            assert any(task in defined_tasks(c.source, {task: ""}) for c in nb.cells)


@pytest.mark.parametrize(("lesson", "task"), TASKS)
def test_the_books_code_passes(spark, sc, lesson, task, capsys):
    book = _book(lesson, task)
    assert _check(lesson, task)(book) is book
    out = capsys.readouterr().out
    assert out.startswith(f"✓ {task} is right:"), out


@pytest.mark.parametrize(("lesson", "task"), TASKS)
def test_a_stub_is_reported_and_the_books_code_used(spark, lesson, task, capsys, tmp_path):
    stub = getattr(_stubbed_module(lesson, tmp_path), task)
    assert _check(lesson, task)(stub) is _book(lesson, task)
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {task} is not written yet"), out
    assert "Hint:" in out and "the rest of the lab uses the book's" in out


def _wrong_count_words(lines):
    return lines.flatMap(lambda line: line.split(" ")).map(lambda w: (w, 1)).reduceByKey(max)


def _wrong_windowed_counts(words, window_s, slide_s):
    pairs = words.map(lambda word: (word, 1))
    return pairs.reduceByKeyAndWindow(operator.add, None, window_s, window_s)


def _wrong_top_words(counts, n):
    return counts.transform(lambda rdd: rdd.sortBy(lambda wc: -wc[1], numPartitions=1))


def _wrong_precision(scored, k):
    return 0.5


class _AppendingSink:
    def __init__(self, folder):
        self.folder = folder

    def __call__(self, batch_df, batch_id):
        batch_df.write.mode("append").parquet(f"{self.folder}/batch_id={batch_id}")


WRONG = {
    "count_words": _wrong_count_words,
    "add_counts": lambda new_values, total: sum(new_values) + total,  # None the first time
    "top_words": _wrong_top_words,
    "windowed_counts": _wrong_windowed_counts,
    "precision_at_k": _wrong_precision,
    "ParquetByBatch": _AppendingSink,
}


@pytest.mark.parametrize("task", sorted(WRONG))
def test_a_wrong_function_is_reported_with_what_was_expected(spark, sc, task, capsys):
    lesson = next(lesson for lesson, t in TASKS if t == task)
    assert _check(lesson, task)(WRONG[task]) is _book(lesson, task)
    out = capsys.readouterr().out
    assert out.startswith(f"✗ {task} "), out
    assert ("expected:" in out and "got:" in out) or "failed with" in out, out
