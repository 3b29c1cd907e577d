"""The display tables of chapter 4 and Lab 2 (streamlab.tables.windows), without Spark."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from streamlab.tables.windows import (
    append_against_update,
    clocks_compared,
    counts_per_batch,
    counts_text,
    non_empty,
    side_by_side,
    window_contents,
)


def test_counts_per_batch_from_elements_and_from_counts():
    elements = pd.DataFrame({"batch": [2, 2, 2, 4], "word": ["b", "a", "b", "c"]})
    assert counts_per_batch(elements) == {2: {"b": 2, "a": 1}, 4: {"c": 1}}
    counted = pd.DataFrame({"batch": [3, 3], "word": ["a", "z"], "count": [5, 0]})
    assert counts_per_batch(counted) == {3: {"a": 5, "z": 0}}  # a count of 0 stays


def test_non_empty_and_text():
    assert non_empty({1: {"a": 1}, 2: {}}) == {1: {"a": 1}}
    assert counts_text({"b": 2, "a": 0}) == "a 0, b 2"
    assert counts_text({}) == "-"
    assert counts_text({}, "(nothing)") == "(nothing)"


def test_side_by_side_has_one_text_column_per_result():
    table = side_by_side({"model": {2: {"a": 1}, 4: {}}, "spark": {2: {"a": 1}}}, [2, 4])
    assert table.index.name == "emitted at batch"
    assert table.to_dict("list") == {"model": ["a 1", "-"], "spark": ["a 1", "-"]}


def test_window_contents():
    elements = pd.DataFrame(
        {"batch": [1, 2, 2], "arrived in batch": [1, 1, 2], "word": list("aab")}
    )
    counts = pd.DataFrame({"batch": [1, 2, 2], "word": ["a", "a", "b"], "count": [1, 2, 1]})
    table = window_contents(elements, {1: 1, 2: 3, 3: 0}, counts, 3)
    assert list(table["holds batches"]) == ["1–1", "1–2", "none"]
    assert list(table["words (countByWindow)"]) == [1, 3, 0]
    assert list(table["counts (reduceByKeyAndWindow)"]) == ["a 1", "a 2, b 1", ""]


def test_append_against_update():
    columns = ["batch_id", "start", "end", "word", "count"]
    appended = pd.DataFrame([(5, 1.0, 3.0, "s", 2), (6, 2.0, 4.0, "x", 1)], columns=columns)
    updated = pd.DataFrame([(3, 1.0, 3.0, "s", 1), (4, 1.0, 3.0, "s", 2)], columns=columns)
    table = append_against_update(appended, updated, "s")
    assert table.to_dict("records") == [
        {
            "written in micro-batch": 5,
            "window": "1–3",
            "final count": 2,
            "times written in update mode": 2,
        }
    ]


@dataclass
class Happening:
    time_s: float
    arrival_s: float


def test_clocks_compared_explains_the_difference():
    events = [Happening(0.5, 0.6), Happening(1.5, 3.2), Happening(2.5, 2.6)]
    table = clocks_compared(events, {2: 1, 4: 2}, {2.0: 2, 4.0: 1}, window_s=2, ends=[2, 4])
    assert list(table["window"]) == ["0–2", "2–4"]
    assert list(table["happened"]) == [2, 1]
    assert list(table["late, counted elsewhere by arrival"]) == [1, 0]
    assert list(table["arrived late from earlier windows"]) == [0, 1]
    assert (
        table["processing time"]
        == table["happened"]
        - table["late, counted elsewhere by arrival"]
        + table["arrived late from earlier windows"]
    ).all()
