"""Chapter 13's sessions: the plain-Python model, and Spark's two ways, on the shipped ad files.

The processor is the one chapter 13 teaches (streamlab/lessons/sessions.py, exported from the
notebook); `session_window` is Spark's built-in. Both must write the sessions the model writes,
each in the micro-batch the model says, with and without a late event.
"""

from __future__ import annotations

import pandas as pd
import pytest

from streamlab.data.ads import START, read_ad_batches
from streamlab.simulate import sessions as model
from tests.streams import run_to_end

IMPRESSIONS = read_ad_batches("impressions")
CLICKS = read_ad_batches("clicks")
BATCHES = model.event_batches(IMPRESSIONS, CLICKS)
ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
PROVIDER = "spark.sql.streaming.stateStore.providerClass"


def event(time_s, user="u01", kind="impression"):
    return model.Event(time_s, user, kind, "ad-1")


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


def test_late_events_are_counted_not_lost():
    results = model.simulate(BATCHES, gap_s=90, delay_s=0)
    late = [e for r in results for e in r.late]
    assert [(e.user_id, model.clock(e.time_s)) for e in late][:2] == [
        ("u11", "12:01:31"),
        ("u02", "12:02:03"),
    ]
    valid = sum(len(b) for b in BATCHES)
    assert sum(len(r.new_events) for r in results) == valid
    assert valid == 64 + 18  # the valid lines of data/README.md's two streams


@pytest.mark.parametrize("gap_s, delay_s", [(0, 60), (60, -1)])
def test_settings_spark_would_refuse_are_refused_in_plain_words(gap_s, delay_s):
    with pytest.raises(model.SessionSetupError, match="must be positive|cannot be negative"):
        model.simulate(BATCHES, gap_s, delay_s)


@pytest.fixture
def rocksdb(spark):
    spark.conf.set(PROVIDER, ROCKSDB)
    yield spark
    spark.conf.unset(PROVIDER)


def _events(spark, tmp_path):
    from pyspark.sql import functions as F

    from streamlab import FileDrop

    streams = []
    for kind, lines in (("impression", IMPRESSIONS), ("click", CLICKS)):
        drop = FileDrop(tmp_path / kind)
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


def _run(query_df, checkpoint):
    return run_to_end(query_df, checkpoint)[0].frame()


def _seconds(column):
    return [int((t - pd.Timestamp(START)).total_seconds()) for t in column]


def _modelled(gap_s, delay_s):
    return sorted(
        (b, s.user_id, s.start_s, s.end_s, s.impressions, s.clicks)
        for b, s in model.written_sessions(model.simulate(BATCHES, gap_s, delay_s))
    )


def _rows(frame, starts, ends):
    return sorted(
        zip(
            frame["batch_id"],
            frame["user_id"],
            starts,
            ends,
            frame["impressions"],
            frame["clicks"],
            strict=True,
        )
    )


# (90 s, 120 s), no late event, is checked in the chapter itself, where nbval runs it.
@pytest.mark.parametrize("gap_s, delay_s", [(60, 60)])
def test_the_chapters_processor_writes_the_models_sessions(rocksdb, tmp_path, gap_s, delay_s):
    from streamlab.lessons.sessions import user_sessions

    out = _run(
        user_sessions(_events(rocksdb, tmp_path), gap_s, f"{delay_s} seconds"), tmp_path / "ck"
    )
    got = _rows(out, _seconds(out["start"]), _seconds(out["end"]))
    assert got == _modelled(gap_s, delay_s)
    assert list(out["length_s"]) == list(
        ((out["end"] - out["start"]).dt.total_seconds()).astype(int)
    )
    # (60, 60) drops u07's click at 12:05:05 as late: it must be in no session.
    if delay_s == 60:
        assert not any(u == "u07" and s <= 305 <= e - gap_s for _, u, s, e, _, _ in got)


def test_session_window_writes_the_same_sessions(rocksdb, tmp_path):
    from pyspark.sql import functions as F

    out = _run(
        _events(rocksdb, tmp_path)
        .withWatermark("time", "60 seconds")
        .groupBy("user_id", F.session_window("time", "60 seconds"))
        .agg(
            F.sum((F.col("kind") == "impression").cast("long")).alias("impressions"),
            F.sum((F.col("kind") == "click").cast("long")).alias("clicks"),
        )
        .select("user_id", "session_window.*", "impressions", "clicks"),
        tmp_path / "ck",
    )
    assert _rows(out, _seconds(out["start"]), _seconds(out["end"])) == _modelled(60, 60)
