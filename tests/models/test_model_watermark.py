"""The watermark model (streamlab.models.watermark) against real Structured Streaming.

Each event list goes to Spark as one CSV file per micro-batch (maxFilesPerTrigger=1), through a
windowed count with a watermark, in append and in update mode, at delays of 0, 3, 4, 5, 8, 10, 12
and 15 s. Micro-batch by micro-batch, in both modes, the model must give the same rows written,
the same number of micro-batches, the same watermark, the same count of rows dropped as late
(`numRowsDroppedByWatermark` of the query's progress: late (window, word) keys) and the same rows
in state after the batch (`numRowsTotal`); and (where every word is unique) the same verdict on
each event: counted or dropped, window by window.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from streamlab import FileDrop, MicroBatchTable, scratch_dir
from streamlab.models.watermark import (
    Event,
    WatermarkSetupError,
    simulate,
    windows_of,
)

BASE = dt.datetime(2026, 1, 1)  # midnight: windows start at multiples of the slide from here


def events(batches):
    """[[(time, word), ...] per batch] -> Events (batch 0 first)."""
    return [Event(t, k, w) for k, batch in enumerate(batches) for t, w in batch]


# Late rows whose window end is just above or at the previous watermark, a last batch that
# moves the watermark (an extra batch without data follows), repeated words.
LATE = events(
    [
        [(30, "a")],
        [(40, "b")],
        [(22, "c"), (19, "d"), (25, "e")],
        [(36, "f"), (29, "g")],
        [(60, "h")],
        [(50, "i"), (70, "j")],
    ]
)
BOUNDARY = events([[(30, "a")], [(40, "x")], [(25, "y")], [(26, "z")]])
REPEATS = events(
    [
        [(5, "a"), (12, "a")],
        [(25, "b")],
        [(8, "a"), (14, "a")],
        [(40, "b")],
        [(21, "a"), (30, "a"), (35, "b")],
    ]
)


def shuffled(seed, n_batches=6, per_batch=3, unique=True):
    rng = random.Random(seed)
    out, clock = [], 0
    for k in range(n_batches):
        clock += rng.randint(4, 12)
        batch = []
        for i in range(per_batch):
            word = f"w{k}{i}" if unique else rng.choice("xy")
            batch.append((max(0, clock - rng.randint(0, 40)), word))
        out.append(batch)
    return events(out)


RANDOM_UNIQUE = shuffled(1)
RANDOM_REPEATS = shuffled(2, unique=False)

# (name, events, delay, window, slide, words unique?)
CASES = [
    ("late-5-10", LATE, 5, 10, 10, True),
    ("late-5-10-5", LATE, 5, 10, 5, True),
    ("late-0-10", LATE, 0, 10, 10, True),
    ("late-15-20-10", LATE, 15, 20, 10, True),
    ("boundary-10-10", BOUNDARY, 10, 10, 10, True),
    ("boundary-0-5", BOUNDARY, 0, 5, 5, True),
    ("repeats-10-10", REPEATS, 10, 10, 10, False),
    ("repeats-3-10-5", REPEATS, 3, 10, 5, False),
    ("random-8-10", RANDOM_UNIQUE, 8, 10, 10, True),
    ("random-4-6-3", RANDOM_UNIQUE, 4, 6, 3, True),
    ("random-12-15-5", RANDOM_REPEATS, 12, 15, 5, False),
    ("random-0-4", RANDOM_REPEATS, 0, 4, 4, False),
]


def test_windows_of():
    assert windows_of(12, 10) == [(10, 20)]
    assert windows_of(12, 10, 5) == [(5, 15), (10, 20)]
    assert windows_of(10, 10, 5) == [(5, 15), (10, 20)]


@pytest.mark.parametrize(
    ("delay", "window", "slide", "message"),
    [
        (-1, 10, 10, "cannot be negative"),
        (5, 0, 0, "window length"),
        (5, 10, 20, "must not be longer than the window"),
    ],
)
def test_refused_settings(delay, window, slide, message):
    with pytest.raises(WatermarkSetupError, match=message):
        simulate(LATE, delay, window, slide)


def seconds(value):
    return (value - BASE).total_seconds()


def run_spark(spark, name, evts, delay, window, slide):
    """Append and update output of the real query per batch; from each query's progress, per
    batch: the watermark (append's), and (rows dropped as late, rows in state)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    drop = FileDrop(scratch_dir(f"wm-{name}"))
    for k in range(max(e.batch for e in evts) + 1):
        drop.drop(
            f"{(BASE + dt.timedelta(seconds=e.time_s)):%Y-%m-%d %H:%M:%S},{e.word}"
            for e in evts
            if e.batch == k
        )
    schema = T.StructType(
        [T.StructField("event_time", T.TimestampType()), T.StructField("word", T.StringType())]
    )
    counts = (
        spark.readStream.schema(schema)
        .option("maxFilesPerTrigger", 1)
        .csv(drop.path)
        .withWatermark("event_time", f"{delay} seconds")
        .groupBy(F.window("event_time", f"{window} seconds", f"{slide} seconds"), "word")
        .count()
        .select("window.start", "window.end", "word", "count")
    )
    tables, queries = {}, {}
    for mode in ("append", "update"):
        tables[mode] = MicroBatchTable()
        queries[mode] = (
            counts.writeStream.outputMode(mode)
            .foreachBatch(tables[mode].add)
            .option("checkpointLocation", str(scratch_dir(f"wm-{name}-{mode}")))
            .trigger(availableNow=True)
            .start()
        )
    for query in queries.values():
        assert query.awaitTermination(120), "the query did not finish"
    rows = {}
    for mode, table in tables.items():
        per_batch: dict[int, list] = {}
        for part in table.parts:
            batch_id = int(part["batch_id"].iloc[0]) if len(part) else None
            for r in part.itertuples():
                per_batch.setdefault(batch_id, []).append(
                    (seconds(r.start), seconds(r.end), r.word, int(r.count))
                )
        rows[mode] = {k: sorted(v) for k, v in per_batch.items()}
    watermarks = {}
    for progress in queries["append"].recentProgress:
        mark = dt.datetime.fromisoformat(progress["eventTime"]["watermark"].rstrip("Z"))
        watermarks[progress["batchId"]] = None if mark.year == 1970 else seconds(mark)
    n_batches = {mode: len(table.parts) for mode, table in tables.items()}
    state = {
        mode: {p["batchId"]: state_counts(p) for p in query.recentProgress}
        for mode, query in queries.items()
    }
    return rows, watermarks, n_batches, state


def state_counts(progress):
    """(rows dropped as late, rows in state) of the query's one stateful operator."""
    (operator,) = progress["stateOperators"]
    return operator["numRowsDroppedByWatermark"], operator["numRowsTotal"]


@pytest.mark.parametrize(
    ("name", "evts", "delay", "window", "slide", "unique"), CASES, ids=[c[0] for c in CASES]
)
def test_model_equals_spark(spark, name, evts, delay, window, slide, unique):
    model = simulate(evts, delay, window, slide)
    rows, watermarks, n_batches, state = run_spark(spark, name, evts, delay, window, slide)
    for mode in ("append", "update"):
        expected = {b.batch: getattr(b, mode) for b in model.batches if getattr(b, mode)}
        assert rows[mode] == expected, f"{name}: {mode} mode"
        assert n_batches[mode] == len(model.batches), f"{name}: micro-batches ({mode})"
        modelled = {b.batch: (b.dropped, b.state_rows) for b in model.batches}
        assert state[mode] == modelled, f"{name}: (dropped, in state) per batch ({mode})"
    assert watermarks == {b.batch: b.watermark_s for b in model.batches}, name
    if unique:  # each word is one event: the update rows of its batch are its counted windows
        for fate in model.fates:
            e = fate.event
            found = [(s, t) for s, t, w, _ in rows["update"].get(e.batch, []) if w == e.word]
            assert found == sorted(fate.counted), f"{name}: {e}"
