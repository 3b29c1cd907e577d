"""The stream-stream join model (streamlab.models.joins) against real Structured Streaming.

The book's ad streams (data/ads: impressions and clicks, late lines, duplicates, malformed lines)
go to Spark one file per micro-batch and side (maxFilesPerTrigger=1); the join runs for many
(watermark delay, time bound) pairs, as a left outer join (its output holds the inner join's
pairs and the NULL rows) and, for two more pairs, as an inner join. The model must give the same
rows from the same micro-batches, the same number of micro-batches, the same rows in state after
each one and the same count of late rows dropped.
"""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from streamlab import FileDrop, MicroBatchTable, scratch_dir
from streamlab.data.ads import START, read_ad_batches
from streamlab.models.joins import JoinSetupError, join_rows, simulate
from tests.helpers.ad_streams import parsed

# (delay, bound) in seconds: no delay, short and long delays, bounds shorter and longer than
# the clicks' delays, a zero bound: 10 pairs for the left outer join (its output holds the
# inner join's pairs too) and 2 more for the inner join, 12 in all.
OUTER = [
    (0, 0), (0, 60), (5, 10), (15, 45), (30, 120),
    (60, 15), (60, 60), (90, 120), (120, 300), (300, 300),
]  # fmt: skip
INNER = [(30, 30), (120, 60)]


def model_rows(stream):
    return join_rows(read_ad_batches(stream))


@pytest.fixture(scope="module")
def streams(spark):
    impressions = FileDrop(scratch_dir("joins-impressions"))
    impressions.drop_all(read_ad_batches("impressions"))
    clicks = FileDrop(scratch_dir("joins-clicks"))
    clicks.drop_all(read_ad_batches("clicks"))
    return impressions.path, clicks.path


def start_join(spark, streams, delay, bound, how):
    imps = parsed(spark, streams[0], "impression_time").withWatermark(
        "impression_time", f"{delay} seconds"
    )
    clicks = (
        parsed(spark, streams[1], "click_time")
        .withWatermark("click_time", f"{delay} seconds")
        .withColumnRenamed("impression_id", "click_impression_id")
    )
    condition = F.expr(
        "click_impression_id = impression_id AND click_time >= impression_time AND "
        f"click_time <= impression_time + interval {bound} seconds"
    )
    table = MicroBatchTable()
    query = (
        imps.join(clicks, condition, how)
        .select("impression_id", "impression_time", "click_time")
        .writeStream.foreachBatch(table.add)
        .trigger(availableNow=True)
        .start()
    )
    return query, table


def seconds(stamp):
    return int((stamp - START).total_seconds())


def spark_batches(query, table):
    out = {}
    frame = table.frame()
    for r in frame.itertuples(index=False):
        got = out.setdefault(r.batch_id, {"pairs": [], "unmatched": []})
        if r.click_time is None or r.click_time != r.click_time:  # NULL arrives as NaT
            got["unmatched"].append((r.impression_id, seconds(r.impression_time)))
        else:
            got["pairs"].append(
                (r.impression_id, seconds(r.impression_time), seconds(r.click_time))
            )
    progress = [
        (
            p["stateOperators"][0]["numRowsTotal"],
            p["stateOperators"][0]["numRowsDroppedByWatermark"],
        )
        for p in query.recentProgress
    ]
    return {b: {k: sorted(v) for k, v in d.items()} for b, d in out.items()}, progress


def model_batches(delay, bound, outer):
    model = simulate(model_rows("impressions"), model_rows("clicks"), delay, bound, outer)
    rows = {
        b.batch: {"pairs": b.pairs, "unmatched": b.unmatched}
        for b in model
        if b.pairs or b.unmatched
    }
    progress = [
        (b.state_impressions + b.state_clicks, b.dropped_impressions + b.dropped_clicks)
        for b in model
    ]
    return rows, progress


CASES = [(d, b, "leftOuter") for d, b in OUTER] + [(d, b, "inner") for d, b in INNER]


def test_the_join_model_equals_spark(spark, streams):
    """All cases, six queries at a time (each query spends most of its time waiting)."""
    failures = []
    for start in range(0, len(CASES), 6):
        group = CASES[start : start + 6]
        running = [(case, start_join(spark, streams, *case)) for case in group]
        for (delay, bound, how), (query, table) in running:
            assert query.awaitTermination(180), (delay, bound, how)
            got = spark_batches(query, table)
            expected = model_batches(delay, bound, outer=how == "leftOuter")
            if got != expected:
                failures.append(((delay, bound, how), got, expected))
    assert failures == []
    assert len(set(OUTER) | set(INNER)) >= 12


def test_the_outer_join_writes_unmatched_impressions_once():
    impressions, clicks = model_rows("impressions"), model_rows("clicks")
    for delay, bound in OUTER:
        batches = simulate(impressions, clicks, delay, bound, outer=True)
        unmatched = [row for b in batches for row in b.unmatched]
        matched = {p[0] for b in batches for p in b.pairs}
        assert len(unmatched) == len(set(unmatched))  # each at most once
        assert not matched & {u[0] for u in unmatched}  # never both paired and NULL
        # every impression is either paired or written with NULLs, or still in state at the end
        left_in_state = batches[-1].state_impressions
        assert len(matched | {u[0] for u in unmatched}) + left_in_state >= len(impressions) - sum(
            b.dropped_impressions for b in batches
        )


def test_settings_spark_cannot_run_are_plain_errors():
    with pytest.raises(JoinSetupError, match="cannot be negative"):
        simulate([], [], delay_s=-1, bound_s=10)
    with pytest.raises(JoinSetupError, match="how long after its impression"):
        simulate([], [], delay_s=0, bound_s=-5)
