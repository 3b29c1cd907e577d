"""Lab 2's code (streamlab.lessons.windows, exported from the lab) against plain Python.

The expected results here do not use `streamlab.models`: they follow the definitions. A
DStream batch k (interval B) holds the events that arrived in [(k-1)·B, k·B); a window of length
W sliding by S is emitted at every batch k with k·B a multiple of S and holds batches
k - W/B + 1 ... k. An event-time window [s, s + W) holds the events that happened in it.
"""

from __future__ import annotations

import operator
from collections import Counter

import pytest

from streamlab import FileDrop, MicroBatchTable, capture, replay, run, streaming_context
from streamlab.data import EVENT_EPOCH, event_lines_by_second, read_word_events, words_by_batch
from streamlab.lessons.windows import (
    event_time_counts,
    stream_word_events,
    windowed_counts,
    windowed_total,
)

EVENTS = read_word_events()
SECONDS = 10  # the events arrive during the first ten seconds


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def expected_windows(batch_s, window_s, slide_s, n_batches):
    """{emitting batch: {word: count}} for reduceByKeyAndWindow without an inverse function."""
    per_batch = [Counter() for _ in range(n_batches + 1)]  # index 1..n
    for e in EVENTS:
        k = ms(e.arrival_s) // ms(batch_s) + 1
        per_batch[k][e.word] += 1
    width = ms(window_s) // ms(batch_s)
    result = {}
    for k in range(1, n_batches + 1):
        if (k * ms(batch_s)) % ms(slide_s):
            continue
        counts = Counter()
        for j in range(max(1, k - width + 1), k + 1):
            counts += per_batch[j]
        if counts:  # an empty window emits an empty RDD: no rows
            result[k] = dict(counts)
    return result


def by_window(frame):
    table = {}
    for row in frame.itertuples(index=False):
        table.setdefault(row.batch, {})[row.word] = row.count
    return table


# (batch interval, [(window, slide), ...], batches to run): one StreamingContext per interval,
# one output per window setting; the runs go past the input so the last windows empty out.
SETTINGS = [
    (1.0, [(2.0, 1.0), (5.0, 1.0), (3.0, 3.0), (4.0, 2.0)], 13),
    (0.5, [(2.0, 1.0), (1.5, 0.5)], 22),
    (2.0, [(4.0, 2.0), (6.0, 4.0)], 6),
]


@pytest.mark.parametrize(("batch_s", "windows", "n"), SETTINGS, ids=["1s", "0.5s", "2s"])
def test_reduce_by_key_and_window_equals_plain_python(sc, batch_s, windows, n):
    ssc = streaming_context(batch_s)
    words = replay(ssc, words_by_batch(EVENTS, batch_s))
    outputs = {(w, s): capture(windowed_counts(words, w, s), ["word", "count"]) for w, s in windows}
    run(ssc, batches=n)
    for (w, s), out in outputs.items():
        assert by_window(out.frame()) == expected_windows(batch_s, w, s, n), (batch_s, w, s)


def test_inverse_function_filter_func_and_count_by_window(sc, tmp_path):
    """Part 1 of the lab: window 5 s sliding by 1 s on 1 s batches, 15 batches."""
    n = 15
    ssc = streaming_context(1.0, checkpoint=tmp_path / "ck")
    words = replay(ssc, words_by_batch(EVENTS, 1.0))
    pairs = words.map(lambda w: (w, 1))
    inverse = capture(
        pairs.reduceByKeyAndWindow(operator.add, operator.sub, 5.0, 1.0, 1), ["word", "count"]
    )
    filtered = capture(
        pairs.reduceByKeyAndWindow(
            operator.add, operator.sub, 5.0, 1.0, 1, filterFunc=lambda kv: kv[1] > 0
        ),
        ["word", "count"],
    )
    counted = capture(windowed_total(words, 5.0, 1.0), ["count"])
    tagged = words.transform(lambda t, rdd: rdd.map(lambda w: (t, w))).window(5.0, 1.0)
    elements = capture(tagged, ["arrived", "word"])
    run(ssc, batches=n)

    expected = expected_windows(1.0, 5.0, 1.0, n)
    # filterFunc drops exactly the keys the inverse function left at 0: the plain counts remain.
    assert by_window(filtered.frame()) == expected
    got_inverse = by_window(inverse.frame())
    seen: set[str] = set()
    for k in range(1, n + 1):
        window = got_inverse.get(k, {})
        assert {w: c for w, c in window.items() if c} == expected.get(k, {})
        zeros = {w for w, c in window.items() if c == 0}
        assert zeros <= seen  # only words that were in an earlier window stay at 0
        seen |= set(window)
    words = ["big", "data", "hello", "spark", "streaming", "world"]
    assert got_inverse[15] == dict.fromkeys(words, 0)  # all gone, all kept at 0
    # countByWindow: the number of words per window, and a 0 once the window is empty.
    totals = dict(counted.frame().itertuples(index=False))
    assert totals == {k: sum(expected.get(k, {}).values()) for k in range(1, n + 1)}
    assert sum(totals.values()) == 5 * len(EVENTS)
    # window(): each window holds the batches k-4 .. k, as Spark numbers them.
    held = elements.frame(batch_times=["arrived"]).groupby("batch")["arrived"].agg(["min", "max"])
    for k, row in held.iterrows():
        assert (row["min"], row["max"]) == (max(1, k - 4), min(k, SECONDS))


def event_window_query(spark, folder, delay_s, window_s, slide_s, mode, checkpoint):
    """The lab's event-time query (its own functions), each micro-batch copied into a table."""
    counts = event_time_counts(stream_word_events(spark, folder), delay_s, window_s, slide_s)
    table = MicroBatchTable()
    query = (
        counts.writeStream.outputMode(mode)
        .foreachBatch(table.add)
        .option("checkpointLocation", str(checkpoint))
        .trigger(availableNow=True)
        .start()
    )
    return table, query


def in_seconds(frame):
    for column in ("start", "end"):
        frame[column] = (frame[column] - EVENT_EPOCH).dt.total_seconds()
    return frame


@pytest.fixture(scope="module")
def event_files(tmp_path_factory):
    drop = FileDrop(tmp_path_factory.mktemp("lab2-events"))
    drop.drop_all(event_lines_by_second(EVENTS))
    return drop.path


def test_event_time_windows_count_what_happened_when_nothing_is_late_enough(
    spark, event_files, tmp_path
):
    """With a 5 s watermark nothing is dropped: the latest counts are the plain-Python truth."""
    table, query = event_window_query(spark, event_files, 5, 2, 1, "update", tmp_path / "ck")
    assert query.awaitTermination(120)
    got = in_seconds(table.frame()).sort_values("batch_id")
    latest = got.groupby(["start", "end", "word"])["count"].last().to_dict()
    truth = Counter()
    for e in EVENTS:
        for start in (int(e.time_s) - 1, int(e.time_s)):  # the two 2 s windows holding it
            truth[(float(start), float(start + 2), e.word)] += 1
    assert latest == dict(truth)
