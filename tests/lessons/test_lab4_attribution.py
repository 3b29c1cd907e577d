"""Lab 4's pipeline: the plain-Python model's rules, and the lab's own Spark code against it.

The Spark code is the lab's (`streamlab/lessons/attribution.py`, exported from the notebook's
cells tagged `export`); the notebook itself checks the lab's settings (60 s delay, 180 s bound,
120 s windows) under nbval. Here, at watermark delays of 0, 30 and 90 s, micro-batch by
micro-batch: the rows each query writes (the attributed impressions, the CTR windows), and, from
the queries' progress, each stateful operator's rows dropped as late (`numRowsDroppedByWatermark`)
and rows in state after the batch (`numRowsTotal`): the deduplication's (with the clicks it lets
through and the duplicates it removes), the join's and the windowed count's. Then a crash between
the sink and the commit at two more micro-batches, restarted from the checkpoint at a 60 s delay:
the same rows, and the same per-batch counts for the micro-batches the restarted query runs.
"""

from __future__ import annotations

import pandas as pd
import pytest

from streamlab import run_query
from streamlab.data.ads import START, read_ad_batches
from streamlab.models import attribution as model

IMPRESSIONS = read_ad_batches("impressions")
CLICKS = read_ad_batches("clicks")
CHANGELOG = "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled"


# ----- the model, without Spark -----


def line(stream, batch, imp_id, time_s, user="u01"):
    return model.Line(stream, batch, None, imp_id, user, "ad-1", time_s)


def test_deduplication_keeps_the_first_click_and_forgets_it_after_the_delay():
    clicks = [
        line("clicks", 0, "imp-1", 10),
        line("clicks", 0, "imp-1", 11),  # a double click: a duplicate
        line("clicks", 1, "imp-1", 10),  # a retry within the delay: a duplicate
        line("clicks", 3, "imp-1", 10),  # behind the watermark by now: late
        line("clicks", 3, "imp-2", 200),
    ]
    marks = [None, None, 100, 150, 150]  # the eviction watermark of micro-batches 0-3, then end
    kept, late, duplicates, in_state = model.deduplicate(clicks, marks, delay_s=30)
    assert [(c.impression_id, c.time_s) for c in kept] == [("imp-1", 10), ("imp-2", 200)]
    assert duplicates == {0: 1, 1: 1} and late == {3: 1}
    assert in_state == [1, 1, 0, 1, 1]  # imp-1 expires at 40, the watermark 100 evicts it


def test_a_watermark_at_an_ids_expiry_evicts_it():
    """Spark removes an id once the watermark is at or past its first click's time + delay."""
    clicks = [line("clicks", 0, "imp-1", 70), line("clicks", 0, "imp-2", 71)]
    _, _, _, in_state = model.deduplicate(clicks, [100, 100], delay_s=30)
    assert in_state == [1, 1]  # imp-1 (expiring at 100) is gone, imp-2 (at 101) stays


def test_every_valid_click_is_kept_removed_or_dropped_as_late():
    for delay_s in (0, 30, 60, 300):
        batches = model.simulate(IMPRESSIONS, CLICKS, delay_s, 180, 120)
        valid = sum(1 for c in model.parse(CLICKS, "clicks") if c.reason is None)
        assert sum(b.clicks_kept + b.duplicates + b.late_clicks for b in batches) == valid
        lines = sum(sum(b.lines.values()) for b in batches)
        assert lines == sum(map(len, IMPRESSIONS)) + sum(map(len, CLICKS))


def test_a_window_is_written_once_the_joins_watermark_is_past_its_end():
    batches = model.simulate(IMPRESSIONS, CLICKS, 30, 120, 60)
    for b in batches:
        closed = None if b.watermark_s is None else b.watermark_s - 120
        for w in b.windows:
            assert closed is not None and w.start_s + 60 < closed
        for w in b.open_windows:
            assert closed is None or w.start_s + 60 >= closed
    # every impression the join wrote is counted in exactly one window, written or open
    written = sum(w.impressions for b in batches for w in b.windows)
    still_open = sum(w.impressions for w in batches[-1].open_windows)
    assert written + still_open == sum(len(b.pairs) + len(b.unclicked) for b in batches)


@pytest.mark.parametrize(
    "delay_s, bound_s, window_s, message",
    [
        (-1, 180, 120, "watermark delay cannot be negative"),
        (60, -5, 120, "time bound .* cannot be negative"),
        (60, 180, 0, "a window must last more than 0 s"),
    ],
)
def test_settings_spark_would_refuse_are_refused_in_plain_words(
    delay_s, bound_s, window_s, message
):
    with pytest.raises(model.AttributionSetupError, match=message):
        model.simulate(IMPRESSIONS, CLICKS, delay_s, bound_s, window_s)


# ----- the lab's Spark code against the model -----


@pytest.fixture
def streams(rocksdb, spark_conf, tmp_path):
    """The lab's two parsed streams, its catalogue, on RocksDB with a changelog as in the lab."""
    from streamlab import FileDrop
    from streamlab.data import ADS_DIR
    from streamlab.lessons.attribution import read_ads

    spark = rocksdb
    spark_conf({CHANGELOG: "true"})
    folders = {}
    for name, lines in (("impressions", IMPRESSIONS), ("clicks", CLICKS)):
        drop = FileDrop(tmp_path / name)
        drop.drop_all(lines)
        folders[name] = drop.path
    catalogue = spark.read.option("header", True).csv(str(ADS_DIR / "catalogue.csv"))
    yield (
        read_ads(spark, folders["impressions"], "impression_time"),
        read_ads(spark, folders["clicks"], "click_time"),
        catalogue,
    )


def _run(spark, stream, folder, checkpoint, sink=None):
    """Run to the end of the input into the lab's ParquetByBatch sink; (what it holds, query)."""
    from streamlab.lessons.attribution import ParquetByBatch

    _, query = run_query(stream, "append", checkpoint, sink=sink or ParquetByBatch(str(folder)))
    return spark.read.parquet(str(folder)).toPandas(), query


def _run_together(spark, runs):
    """Run several (stream, folder, checkpoint) at once, each to the end of its input, into the
    lab's sink; [(what it holds, query)] (the queries spend most of their time waiting)."""
    from streamlab.lessons.attribution import ParquetByBatch

    queries = [
        stream.writeStream.foreachBatch(ParquetByBatch(str(folder)))
        .option("checkpointLocation", str(checkpoint))
        .trigger(availableNow=True)
        .start()
        for stream, folder, checkpoint in runs
    ]
    try:
        for query in queries:
            assert query.awaitTermination(180), "a query did not finish in 180 s"
    finally:
        for query in queries:
            query.stop()
    return [(spark.read.parquet(str(run[1])).toPandas(), q) for run, q in zip(runs, queries)]


def _seconds(stamp):
    return int((stamp - pd.Timestamp(START)).total_seconds())


def _attribution(frame):
    clicked = frame[frame["click_time"].notna()]
    unclicked = frame[frame["click_time"].isna()]
    return (
        sorted(
            zip(clicked["batch_id"], clicked["impression_id"], clicked["click_time"].map(_seconds))
        ),
        sorted(zip(unclicked["batch_id"], unclicked["impression_id"])),
    )


def _modelled_attribution(batches):
    return (
        sorted((b.batch, p[0], p[2]) for b in batches for p in b.pairs),
        sorted((b.batch, u[0]) for b in batches for u in b.unclicked),
    )


DEDUPLICATION, JOIN, WINDOWS = "dedupeWithinWatermark", "symmetricHashJoin", "stateStoreSave"


def _operators(query):
    """Per micro-batch, per stateful operator (by name): (rows dropped as late, rows in state),
    and for the deduplication also (rows it let through, duplicates it removed)."""
    out = {}
    for progress in query.recentProgress:
        ops = {}
        for op in progress["stateOperators"]:
            counts = (op["numRowsDroppedByWatermark"], op["numRowsTotal"])
            if op["operatorName"] == DEDUPLICATION:
                counts += (op["numRowsUpdated"], op["customMetrics"]["numDroppedDuplicateRows"])
            ops[op["operatorName"]] = counts
        out[progress["batchId"]] = ops
    return out


def _modelled_operators(batches, windows):
    """The model's (late, in state[, let through, duplicates]) per micro-batch and operator."""
    out = {}
    for b in batches:
        ops = {
            DEDUPLICATION: (b.late_clicks, b.dedup_state, b.clicks_kept, b.duplicates),
            JOIN: (
                b.join.dropped_impressions + b.join.dropped_clicks,
                b.join.state_impressions + b.join.state_clicks,
            ),
        }
        if windows:
            ops[WINDOWS] = (b.windows_dropped, len(b.open_windows))
        out[b.batch] = ops
    return out


# (60, 180, 120) is the lab's, checked in the notebook; (30, 120, 60) has a window whose end
# equals the join's watermark (written one micro-batch later); 0 s drops late clicks; 90 s has
# a time bound shorter than the delay, and windows written in most micro-batches.
@pytest.mark.parametrize("delay_s, bound_s, window_s", [(30, 120, 60), (0, 60, 60), (90, 60, 30)])
def test_the_labs_pipeline_equals_the_model_micro_batch_by_micro_batch(
    spark, streams, tmp_path, delay_s, bound_s, window_s
):
    """Per micro-batch: the attributed rows and CTR windows written, and each stateful
    operator's rows dropped as late and rows in state (the deduplication's also: clicks let
    through, duplicates removed), in both queries, against the model."""
    from streamlab.lessons.attribution import attribute, clean_clicks, ctr_by_window

    impressions, clicks, catalogue = streams
    expected = model.simulate(IMPRESSIONS, CLICKS, delay_s, bound_s, window_s)
    attributed = attribute(impressions, clean_clicks(clicks, delay_s), catalogue, delay_s, bound_s)
    (rows, attributed_query), (windows, ctr_query) = _run_together(
        spark,
        [
            (attributed, tmp_path / "attributed", tmp_path / "ck1"),
            (ctr_by_window(attributed, window_s), tmp_path / "ctr", tmp_path / "ck2"),
        ],
    )
    assert _attribution(rows) == _modelled_attribution(expected)
    assert sorted(
        zip(
            windows["batch_id"],
            windows["start"].map(_seconds),
            windows["campaign"],
            windows["impressions"],
            windows["clicks"],
        )
    ) == sorted(
        (b.batch, w.start_s, w.campaign, w.impressions, w.clicks)
        for b in expected
        for w in b.windows
    )
    assert list(windows["ctr"]) == list((windows["clicks"] / windows["impressions"]).round(3))
    assert _operators(attributed_query) == _modelled_operators(expected, windows=False)
    assert _operators(ctr_query) == _modelled_operators(expected, windows=True)
    if delay_s == 0:  # the deduplication drops late clicks: the comparison above saw some
        assert sum(b.late_clicks for b in expected) > 0


class CrashAfter:
    """The lab's sink, and an error right after it wrote micro-batch `at`."""

    def __init__(self, folder, at):
        from streamlab.lessons.attribution import ParquetByBatch

        self.sink = ParquetByBatch(str(folder))
        self.at = at

    def __call__(self, batch_df, batch_id):
        self.sink(batch_df, batch_id)
        if batch_id == self.at:
            raise RuntimeError(f"crash after micro-batch {batch_id}")


# The lab crashes after micro-batch 4; here after the first with a watermark, and the last.
@pytest.mark.parametrize("crash_at", [2, 8])
def test_a_crash_between_sink_and_commit_loses_and_doubles_nothing(
    spark, streams, tmp_path, crash_at
):
    from pyspark.errors import StreamingQueryException

    from streamlab.lessons.attribution import attribute, clean_clicks

    impressions, clicks, catalogue = streams
    attributed = attribute(impressions, clean_clicks(clicks, 60), catalogue, 60, 180)
    checkpoint = tmp_path / "ck"
    with pytest.raises(StreamingQueryException, match=f"crash after micro-batch {crash_at}"):
        _run(
            spark, attributed, tmp_path / "out", checkpoint, CrashAfter(tmp_path / "out", crash_at)
        )
    assert not (checkpoint / "commits" / str(crash_at)).exists()
    rows, query = _run(spark, attributed, tmp_path / "out", checkpoint)
    expected = model.simulate(IMPRESSIONS, CLICKS, 60, 180, 120)
    assert _attribution(rows) == _modelled_attribution(expected)
    assert rows["impression_id"][rows["click_time"].notna()].is_unique
    # the restarted query runs micro-batches crash_at ... on the state the checkpoint kept
    resumed = [b for b in expected if b.batch >= crash_at]
    assert _operators(query) == _modelled_operators(resumed, windows=False)
