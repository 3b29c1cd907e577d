"""Replayed input and per-batch capture: batch numbers, empty batches, file order."""

from __future__ import annotations

import os

import pytest
from pyspark.sql import functions as F

from streamlab import (
    FileDrop,
    MicroBatchTable,
    batch_timings,
    capture,
    replay,
    run,
    streaming_context,
)


def test_each_replayed_batch_lands_in_its_own_batch_number(sc):
    ssc = streaming_context(0.2)
    lines = replay(ssc, [["a", "b"], [], ["c"]])  # batch 2 is empty
    out = capture(lines, ["line"])
    counts = capture(lines.count(), ["lines"])
    timings = run(ssc, batches=4)  # batch 4: the queue is empty, so is the batch
    assert out.frame().values.tolist() == [[1, "a"], [1, "b"], [3, "c"]]
    assert counts.frame().values.tolist() == [[1, 2], [2, 0], [3, 1], [4, 0]]
    assert timings["batch"].tolist() == [1, 2, 3, 4]
    assert timings["records"].tolist() == [0, 0, 0, 0]  # queueStream reports no input records
    assert (timings["processing_ms"] >= 0).all()


def test_windowed_output_is_numbered_by_the_batch_that_ends_the_window(sc):
    ssc = streaming_context(0.2)
    windowed = replay(ssc, [["a"], ["b"], ["c"], ["d"]]).window(0.4, 0.4)
    out = capture(windowed, ["line"])
    run(ssc, batches=4)
    assert out.frame().values.tolist() == [[2, "a"], [2, "b"], [4, "c"], [4, "d"]]
    assert batch_timings(ssc)["batch"].tolist() == [1, 2, 3, 4]


def test_capture_survives_checkpointing(sc, tmp_path):
    """With a checkpoint, Spark pickles every foreachRDD function: capture's must pickle."""
    ssc = streaming_context(0.2, checkpoint=tmp_path / "ck")
    totals = (
        replay(ssc, [["a"], ["a"]])
        .map(lambda w: (w, 1))
        .updateStateByKey(lambda new, old: sum(new) + (old or 0))
    )
    out = capture(totals, ["word", "total"])
    run(ssc, batches=2)
    assert out.frame().values.tolist() == [[1, "a", 1], [2, "a", 2]]


def test_capture_keeps_only_the_outputs_of_the_current_context(sc):
    """Re-running a cell (a Lab 2 slider move) must not pile up every earlier output."""
    from streamlab.dstream.batches import registered_outputs

    first = streaming_context(0.2)
    old = capture(replay(first, [["a"]]), ["line"])
    old_count = capture(replay(first, [["a"]]).count(), ["lines"])
    registered = registered_outputs()
    assert any(o is old for o in registered) and any(o is old_count for o in registered)
    run(first, batches=1)
    second = streaming_context(0.2)  # stops the first
    new = capture(replay(second, [["b"]]), ["line"])
    assert [id(o) for o in registered_outputs()] == [id(new)]
    run(second, batches=1)
    assert old.frame()["line"].tolist() == ["a"]  # what an earlier output collected stays
    assert new.frame()["line"].tolist() == ["b"]


def test_capture_keeps_the_outputs_of_a_running_context(sc):
    """A context made by hand while another runs must not silence the running one."""
    from pyspark.streaming import StreamingContext

    from streamlab.dstream.batches import registered_outputs

    running = streaming_context(0.2)
    out = capture(replay(running, [["a"]]), ["line"])
    running.start()
    try:
        capture(replay(StreamingContext(sc, 0.2), [["b"]]), ["line"])
        assert any(o is out for o in registered_outputs())
    finally:
        running.stop(stopSparkContext=False, stopGraceFully=False)


def test_file_drop_writes_whole_files_in_time_order(tmp_path):
    drop = FileDrop(tmp_path / "in")
    paths = drop.drop_all([["one"], ["two", "three"], []])
    assert [p.name for p in paths] == ["batch-0001.txt", "batch-0002.txt", "batch-0003.txt"]
    assert paths[1].read_text() == "two\nthree\n"
    stamps = [os.stat(p).st_mtime for p in paths]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert not [p for p in (tmp_path / "in").iterdir() if p.name.startswith(".")]


def test_batch_table_collects_each_micro_batch_with_its_id(spark, tmp_path):
    drop = FileDrop(tmp_path / "in")
    drop.drop_all([["x y"], ["y"], ["y z"]])
    table = MicroBatchTable()
    counts = (
        spark.readStream.option("maxFilesPerTrigger", 1)
        .text(drop.path)
        .select(F.explode(F.split("value", " ")).alias("word"))
        .groupBy("word")
        .count()
    )
    query = (
        counts.writeStream.outputMode("update")
        .foreachBatch(table.add)
        .option("checkpointLocation", str(tmp_path / "ck"))
        .trigger(availableNow=True)
        .start()
    )
    assert query.awaitTermination(60)
    assert table.frame().values.tolist() == [
        [0, "x", 1],
        [0, "y", 1],
        [1, "y", 2],
        [2, "y", 3],
        [2, "z", 1],
    ]


@pytest.mark.serial  # a file dropped 1.2 s into a run of 0.5 s batches: timing matters
def test_file_drop_feeds_text_file_stream_while_it_runs(sc_real_clock, tmp_path):
    """textFileStream only sees files that appear after the start: drop one mid-run."""
    import threading

    drop = FileDrop(tmp_path / "in")
    ssc = streaming_context(0.5)
    lines = ssc.textFileStream(drop.path)
    out = capture(lines, ["line"])
    capture(lines.count(), ["lines"])  # an output every batch, so every batch is numbered
    timer = threading.Timer(1.2, drop.drop, args=(["late one", "late two"],))
    timer.start()
    try:
        run(ssc, batches=6)
    finally:
        timer.cancel()
    got = out.frame()
    assert sorted(got["line"]) == ["late one", "late two"]
    assert got["batch"].nunique() == 1 and got["batch"].iloc[0] >= 2


def test_unit_tests_run_dstreams_on_the_manual_clock(sc):
    """`sc` puts new contexts on Spark's ManualClock: batch times count from time 0, and ten
    batches of 10 s take far less than 100 s because `run` advances the clock itself."""
    import time

    from streamlab.dstream.batches import completed_batch_times, uses_manual_clock

    ssc = streaming_context(10)
    assert uses_manual_clock(ssc)
    out = capture(replay(ssc, [[str(n)] for n in range(10)]).count(), ["lines"])
    start = time.monotonic()
    run(ssc, batches=10, timeout=60)
    assert time.monotonic() - start < 60
    assert out.frame()["lines"].tolist() == [1] * 10
    assert completed_batch_times(ssc) == [10_000 * k for k in range(1, 11)]


def test_real_clock_fixture_keeps_the_system_clock(sc_real_clock):
    from streamlab.dstream.batches import uses_manual_clock

    assert not uses_manual_clock(streaming_context(0.2))
