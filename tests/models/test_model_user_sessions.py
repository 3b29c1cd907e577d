"""Chapter 13's sessions: the plain-Python model, and Spark's two ways, micro-batch by micro-batch.

The processor is the one chapter 13 teaches (streamlab/lessons/user_sessions.py, exported from the
notebook); `session_window` is Spark's built-in. For each (gap, delay), on the shipped ad files
and on a small stream built to hold late events, Spark must do in every micro-batch what the
model says: run with the same watermark, write the same sessions, drop the same number of rows
as late (`numRowsDroppedByWatermark`) and keep the same rows in state (the processor's `pending`
list read with the state reader at that batch; `session_window`'s sessions, `numRowsTotal`).
Comparing only the sessions written once hid a wrong late rule: a session holding a late event
can stay open to the end.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from streamlab import FileDrop, MicroBatchTable, scratch_dir
from streamlab.data.ads import START, read_ad_batches
from streamlab.models import user_sessions as model

IMPRESSIONS = read_ad_batches("impressions")
CLICKS = read_ad_batches("clicks")
BATCHES = model.event_batches(IMPRESSIONS, CLICKS)


def event(time_s, user="u01", kind="impression"):
    return model.Event(time_s, user, kind, "ad-1")


def line(number, user, time_s):
    return f"x-{number:03d},{user},ad-1,{START + dt.timedelta(seconds=time_s):%Y-%m-%d %H:%M:%S}"


# A stream built for the late rules, gap 60 s and no delay. Micro-batch 2 runs with the
# watermark 200 and drops by 100 (micro-batch 1's): u3's impression at 90 is late by its
# time, not by its session's end (150); u4's click at 30 is late by both (30 + 60 <= 100).
# Micro-batch 3 drops by 200: u6 at 190 by its time only, u2's click at 100 by both.
LATE_IMPRESSIONS = [
    [line(1, "u1", 0), line(2, "u2", 100)],
    [line(3, "u1", 200)],
    [line(4, "u3", 90), line(5, "u5", 250)],
    [line(6, "u1", 400), line(7, "u6", 190)],
]
LATE_CLICKS = [[], [], [line(8, "u4", 30)], [line(9, "u2", 100)]]


def test_a_gap_longer_than_the_gap_setting_splits_a_session():
    events = [event(0), event(50, kind="click"), event(100), event(200)]
    got = model.sessions_of(events, gap_s=60)
    assert [(s.start_s, s.end_s, s.impressions, s.clicks) for s in got] == [
        (0, 160, 2, 1),
        (200, 260, 1, 0),
    ]
    assert got[0].length_s == 160


def test_a_session_is_written_once_when_the_watermark_reaches_its_end():
    batches = [[event(0)], [event(100, user="u02")], [event(400, user="u02")]]
    results = model.simulate(batches, gap_s=60, delay_s=0)
    written = [(b, s.user_id, s.start_s) for b, s in model.written_sessions(results)]
    # u01's session ends at 60: the watermark is 100 after micro-batch 1, so 2 writes it;
    # u02's first one ends at 160 <= 400, written by the no-data micro-batch after the input.
    assert written == [(2, "u01", 0), (3, "u02", 100)]
    assert results[-1].new_events == [] and results[-1].open_users == 1


def test_a_micro_batch_drops_by_the_previous_micro_batchs_watermark():
    batches = model.event_batches(LATE_IMPRESSIONS, LATE_CLICKS)
    by_event = model.simulate(batches, gap_s=60, delay_s=0, late_by="event")
    by_session = model.simulate(batches, gap_s=60, delay_s=0, late_by="session")
    assert [b.watermark_s for b in by_event] == [None, 100, 200, 250, 400]
    assert [b.late_before_s for b in by_event] == [None, None, 100, 200, 250]
    late = {
        rule: [[(e.user_id, e.time_s) for e in b.late] for b in results]
        for rule, results in (("event", by_event), ("session", by_session))
    }
    assert late["event"] == [[], [], [("u4", 30), ("u3", 90)], [("u2", 100), ("u6", 190)], []]
    assert late["session"] == [[], [], [("u4", 30)], [("u2", 100)], []]
    # u3's impression, kept by session_window, ends its session at 150 <= 200: written at once
    assert ("u3", 90) in [(s.user_id, s.start_s) for s in by_session[2].written]


def test_late_events_are_counted_not_lost():
    results = model.simulate(BATCHES, gap_s=90, delay_s=0)
    late = [e for r in results for e in r.late]
    # u07's click at 12:05:05 reaches the stream in micro-batch 7, behind the watermark of
    # micro-batch 6 (at any delay up to 50 s): the only late event of the shipped data.
    assert [(r.batch_id, e.user_id, model.clock(e.time_s)) for r in results for e in r.late] == [
        (7, "u07", "12:05:05")
    ]
    valid = sum(len(b) for b in BATCHES)
    assert sum(len(r.new_events) for r in results) == valid
    assert valid == 64 + 18  # the valid lines of data/README.md's two streams
    in_sessions = sum(s.impressions + s.clicks for _, s in model.written_sessions(results))
    assert in_sessions + len(results[-1].pending) + len(late) == valid


@pytest.mark.parametrize("gap_s, delay_s", [(0, 60), (60, -1)])
def test_settings_spark_would_refuse_are_refused_in_plain_words(gap_s, delay_s):
    with pytest.raises(model.SessionSetupError, match="must be positive|cannot be negative"):
        model.simulate(BATCHES, gap_s, delay_s)


def _events(spark, folder, impressions, clicks):
    from pyspark.sql import functions as F

    streams = []
    for kind, lines in (("impression", impressions), ("click", clicks)):
        drop = FileDrop(folder / kind)
        drop.drop_all(lines)
        fields = F.split("value", ",")
        stamp = F.try_to_timestamp(F.get(fields, 3), F.lit("yyyy-MM-dd HH:mm:ss"))
        streams.append(
            spark.readStream.option("maxFilesPerTrigger", 1)
            .text(drop.path)
            .select(
                F.get(fields, 1).alias("user_id"), F.lit(kind).alias("kind"), stamp.alias("time")
            )
            .where((F.size(fields) == 4) & (F.col("user_id") != "") & stamp.isNotNull())
        )
    return streams[0].unionByName(streams[1])


def _seconds(column):
    return [int((t - pd.Timestamp(START)).total_seconds()) for t in column]


def _session_window(events, gap_s, delay_s):
    from pyspark.sql import functions as F

    return (
        events.withWatermark("time", f"{delay_s} seconds")
        .groupBy("user_id", F.session_window("time", f"{gap_s} seconds"))
        .agg(
            F.sum((F.col("kind") == "impression").cast("long")).alias("impressions"),
            F.sum((F.col("kind") == "click").cast("long")).alias("clicks"),
        )
        .select("user_id", "session_window.*", "impressions", "clicks")
    )


def _start(spark, case, folder):
    """Start one case's query (four run at once: each spends most of its time waiting)."""
    from streamlab.lessons.user_sessions import user_sessions

    data, gap_s, delay_s, operator = case
    impressions, clicks = (IMPRESSIONS, CLICKS) if data == "shipped" else DATA[data]
    events = _events(spark, folder / "in", impressions, clicks)
    if operator == "transformWithState":
        query_df = user_sessions(events, gap_s, f"{delay_s} seconds")
    else:
        query_df = _session_window(events, gap_s, delay_s)
    table = MicroBatchTable()
    query = (
        query_df.writeStream.outputMode("append")
        .foreachBatch(table.add)
        .option("checkpointLocation", str(folder / "checkpoint"))
        .trigger(availableNow=True)
        .start()
    )
    return query, table


def _watermark_s(progress):
    mark = dt.datetime.fromisoformat(progress["eventTime"]["watermark"].rstrip("Z"))
    return None if mark.year == 1970 else int((mark - START).total_seconds())


def _spark_batches(spark, case, folder, query, table):
    """Per micro-batch: (watermark, sessions written, rows dropped as late, rows in state)."""
    frame = table.frame()
    written: dict[int, list] = {}
    if len(frame):
        for b, u, s, e, i, c in zip(
            frame["batch_id"],
            frame["user_id"],
            _seconds(frame["start"]),
            _seconds(frame["end"]),
            frame["impressions"],
            frame["clicks"],
            strict=True,
        ):
            written.setdefault(int(b), []).append((u, s, e, int(i), int(c)))
    out = []
    for p in query.recentProgress:
        batch, operator = p["batchId"], p["stateOperators"][0]
        if case[3] == "transformWithState":  # the events in the `pending` lists
            pending = (
                spark.read.format("statestore")
                .option("stateVarName", "pending")
                .option("batchId", batch)
                .load(str(folder / "checkpoint"))
                .selectExpr("key.user_id", "list_element.time_ms", "list_element.kind")
                .collect()
            )
            in_state = sorted(
                (r.user_id, (r.time_ms - int(START.timestamp() * 1000)) // 1000, r.kind)
                for r in pending
            )
        else:
            in_state = operator["numRowsTotal"]
        dropped = operator["numRowsDroppedByWatermark"]
        out.append((batch, _watermark_s(p), sorted(written.get(batch, [])), dropped, in_state))
    return out


def _modelled(case):
    data, gap_s, delay_s, operator = case
    batches = BATCHES if data == "shipped" else model.event_batches(*DATA[data])
    late_by = "event" if operator == "transformWithState" else "session"
    out = []
    for b in model.simulate(batches, gap_s, delay_s, late_by):
        written = sorted(
            (s.user_id, s.start_s, s.end_s, s.impressions, s.clicks) for s in b.written
        )
        if operator == "transformWithState":
            in_state = sorted((e.user_id, e.time_s, e.kind) for e in b.pending)
        else:
            in_state = len(b.open_sessions(gap_s))
        out.append((b.batch_id, b.watermark_s, written, len(b.late), in_state))
    return out


DATA = {"late": (LATE_IMPRESSIONS, LATE_CLICKS)}
OPERATORS = ("transformWithState", "session_window")
# (data, gap, delay): the shipped files at the chapter's and the lab's settings, at a delay that
# drops u07's click (50) and at the shortest that does not (55); the built stream at no delay.
SETTINGS = [
    ("shipped", 90, 120),
    ("shipped", 90, 55),
    ("shipped", 60, 50),
    ("shipped", 90, 60),
    ("late", 60, 0),
]
CASES = [(*setting, operator) for setting in SETTINGS for operator in OPERATORS]


def test_spark_does_what_the_model_says_in_every_micro_batch(rocksdb):
    failures = []
    for start in range(0, len(CASES), 5):  # five queries at a time: they mostly wait
        running = []
        for case in CASES[start : start + 5]:
            folder = scratch_dir("sessions-" + "-".join(map(str, case)))
            running.append((case, folder, *_start(rocksdb, case, folder)))
        for case, folder, query, table in running:
            try:
                assert query.awaitTermination(180), f"{case} did not finish"
            finally:
                query.stop()
            got = _spark_batches(rocksdb, case, folder, query, table)
            expected = _modelled(case)
            if got != expected:
                failures.append((case, got, expected))
    assert failures == []
    # the cases hold micro-batches that drop nothing, one row and two rows
    assert {dropped for case in CASES for _, _, _, dropped, _ in _modelled(case)} == {0, 1, 2}
