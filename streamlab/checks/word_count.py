"""Checks of Lab 1's key functions (labs/01-word-count.ipynb) against plain Python.

The DStream functions run on Spark's ManualClock (`session.use_manual_clock`): a batch interval
passes as soon as Spark has computed the batch, so a check takes about a second.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from pyspark.sql import functions as F

from ..lessons import word_count as book
from ..runtime.spark import get_spark
from . import Mismatch, run_dstream, show_batches, verdict

# The functions a learner copy leaves to write, and what to write in each (the stub's comment).
TASKS = {
    "count_words": "split each line into words (flatMap), pair each word with 1 (map), "
    "and add up the pairs of each word (reduceByKey).",
    "count_words_df": "split the column `value` into words (F.split on r'\\s+'), one row "
    "per word (F.explode) named `word`, drop empty words, then groupBy('word').count().",
    "add_counts": "return this batch's count (the sum of new_values) plus the total so "
    "far (total, which is None the first time).",
    "running_totals": "keep a running total per word with counts.updateStateByKey and add_counts.",
    "top_words": "in every batch (transform), sort the (word, count) pairs by count "
    "descending then word, into one partition (sortBy), and keep the first n rows "
    "(mapPartitions with itertools.islice).",
}

LINES = [["to be or not", "to be"], ["be quick", "", "to  the point"]]


def _as_dicts(rows: list[list[tuple]]) -> list[dict]:
    return [dict(batch) for batch in rows]


def check_count_words(count_words: Callable) -> Callable:
    """Lab 1's DStream word count, against Counter on each batch."""

    def trial(function: Callable) -> str:
        expected = [dict(Counter(" ".join(batch).split())) for batch in LINES]
        got = _as_dicts(run_dstream(function, LINES))
        if got != expected:
            raise Mismatch(f"two batches {LINES}", show_batches(expected), show_batches(got))
        return f"two batches of lines gave the counts plain Python gives ({show_batches(got)})."

    return verdict("count_words", count_words, book.count_words, trial, TASKS["count_words"])


def check_count_words_df(count_words_df: Callable) -> Callable:
    """Lab 1's Structured Streaming word count, run on a small table, against Counter."""

    def trial(function: Callable) -> str:
        lines = [line for batch in LINES for line in batch] + ["  leading spaces"]
        table = get_spark().range(1).select(F.explode(F.array(*map(F.lit, lines))).alias("value"))
        result = function(table)
        if result is None or sorted(result.columns) != ["count", "word"]:
            columns = "nothing" if result is None else f"columns {result.columns}"
            raise Mismatch(f"lines {lines}", "columns ['word', 'count']", columns)
        got = {row["word"]: row["count"] for row in result.collect()}
        expected = dict(Counter(" ".join(lines).split()))
        if got != expected:
            raise Mismatch(f"lines {lines}", show_batches([expected]), show_batches([got]))
        return f"{len(lines)} lines gave the counts plain Python gives, no empty words."

    return verdict(
        "count_words_df", count_words_df, book.count_words_df, trial, TASKS["count_words_df"]
    )


def check_add_counts(add_counts: Callable) -> Callable:
    """updateStateByKey's update function, on a first, a later and a quiet batch."""
    cases = [(([2], None), 2), (([1, 3], 4), 8), (([], 5), 5)]

    def trial(function: Callable) -> str:
        for (new_values, total), expected in cases:
            got = function(new_values, total)
            if got != expected:
                raise Mismatch(f"new_values={new_values}, total={total}", str(expected), str(got))
        return "a first batch (total None), a later one and a batch without the word."

    return verdict("add_counts", add_counts, book.add_counts, trial, TASKS["add_counts"])


def check_running_totals(running_totals: Callable) -> Callable:
    """Running totals over three batches of counts, the last one empty."""
    batches = [[("a", 1), ("b", 2)], [("a", 3)], []]
    expected = [{"a": 1, "b": 2}, {"a": 4, "b": 2}, {"a": 4, "b": 2}]

    def trial(function: Callable) -> str:
        got = _as_dicts(run_dstream(function, batches, checkpoint=True))
        if got != expected:
            raise Mismatch(f"per-batch counts {batches}", show_batches(expected), show_batches(got))
        return "three batches (the last empty) kept every word's total."

    return verdict(
        "running_totals", running_totals, book.running_totals, trial, TASKS["running_totals"]
    )


def check_top_words(top_words: Callable) -> Callable:
    """The top n of each batch, ties in alphabetical order, against sorted()."""
    batches = [[("b", 2), ("c", 5), ("a", 2), ("d", 1)], [("x", 1)]]
    n = 3

    def trial(function: Callable) -> str:
        expected = [sorted(batch, key=lambda wc: (-wc[1], wc[0]))[:n] for batch in batches]
        got = run_dstream(lambda counts: function(counts, n), batches, sort=False)
        if got != expected:
            raise Mismatch(f"n={n} and counts {batches}", show_batches(expected), show_batches(got))
        return f"the top {n} of two batches, in order, ties alphabetical ({show_batches(got)})."

    return verdict("top_words", top_words, book.top_words, trial, TASKS["top_words"])
