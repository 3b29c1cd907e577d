"""The book's Python streaming source (format "replay") and its committing sink ("json_batches").

The source must replay the same micro-batches on every run and after a restart from its
checkpoint (no line twice, none missing); `maxRowsPerTrigger` must split as ReadMaxRows says;
the sink must write each batch id exactly once, even when Spark replays a batch.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from streamlab import MicroBatchTable, run_query, scratch_dir
from streamlab.structured import register_sources
from streamlab.structured.json_sink import read_json_batches
from streamlab.structured.replay_source import ReplayStreamReader, replay_files, replay_lines

DATA = Path(__file__).resolve().parents[2] / "data"
COLUMNS = ["batch_id", "file_index", "file", "line", "value"]


@pytest.fixture
def replay_spark(spark):
    register_sources(spark)
    return spark


def run_replay(spark, folder, checkpoint=None, **options) -> list[tuple]:
    """Every row the replay source delivers with availableNow, as (batch_id, *columns)."""
    reader = spark.readStream.format("replay")
    for key, value in options.items():
        reader = reader.option(key, value)
    writer = reader.load(str(folder)).writeStream.foreachBatch((table := MicroBatchTable()).add)
    if checkpoint is not None:
        writer = writer.option("checkpointLocation", str(checkpoint))
    query = writer.trigger(availableNow=True).start()
    try:
        assert query.awaitTermination(120), "the replay did not finish in time"
    finally:
        query.stop()
    frame = table.frame()
    if frame.empty:
        return []
    return [tuple(row) for row in frame[COLUMNS].itertuples(index=False)]


def expected_rows(folder: Path) -> list[tuple]:
    """One micro-batch per file, in name order, every line as written."""
    return [
        (index, index, name, number + 1, line)
        for index, name in enumerate(replay_files(folder))
        for number, line in enumerate(replay_lines(folder / name))
    ]


def test_one_file_per_micro_batch_same_on_every_run(replay_spark):
    folder = DATA / "words"
    first = run_replay(replay_spark, folder)
    assert first == expected_rows(folder)
    assert run_replay(replay_spark, folder) == first


def test_lines_are_byte_for_byte_the_files(replay_spark):
    folder = DATA / "ads" / "impressions"
    rows = run_replay(replay_spark, folder)
    for name in replay_files(folder):
        text = "".join(row[4] + "\n" for row in rows if row[2] == name)
        assert text == (folder / name).read_text(encoding="utf-8")


def test_max_rows_splits_across_files(replay_spark):
    folder = DATA / "words"  # 8 files of 40 lines
    rows = run_replay(replay_spark, folder, maxRowsPerTrigger=30)
    sizes = [sum(1 for r in rows if r[0] == b) for b in sorted({r[0] for r in rows})]
    assert sizes == [30] * 10 + [20]
    assert [r[1:] for r in rows] == [r[1:] for r in expected_rows(folder)]


def test_latest_offset_follows_the_read_limit(tmp_path):
    from pyspark.sql.streaming.datasource import ReadAllAvailable, ReadMaxFiles, ReadMaxRows

    for name, lines in [("a.txt", 3), ("b.txt", 2), ("c.txt", 4)]:
        (tmp_path / name).write_text("".join(f"{name}-{i}\n" for i in range(lines)))
    (tmp_path / ".hidden.tmp").write_text("not read\n")
    reader = ReplayStreamReader(str(tmp_path))
    start = reader.initialOffset()
    assert reader.latestOffset(start, ReadMaxFiles(1)) == {"file": 1, "line": 0}
    assert reader.latestOffset(start, ReadMaxRows(4)) == {"file": 1, "line": 1}
    assert reader.latestOffset({"file": 1, "line": 1}, ReadMaxRows(4)) == {"file": 2, "line": 3}
    assert reader.latestOffset(start, ReadAllAvailable()) == {"file": 3, "line": 0}
    (part,) = reader.partitions({"file": 0, "line": 2}, {"file": 2, "line": 1})
    assert [(index, first, end) for _, index, first, end in part.slices] == [
        (0, 2, 3),
        (1, 0, 2),
        (2, 0, 1),
    ]
    assert reader.partitions({"file": 3, "line": 0}, {"file": 3, "line": 0}) == []
    reader.prepareForTriggerAvailableNow()
    (tmp_path / "d.txt").write_text("later\n")  # arrives after availableNow began: not read
    assert reader.latestOffset(start, ReadAllAvailable()) == {"file": 3, "line": 0}


@pytest.mark.parametrize("options", [{}, {"maxRowsPerTrigger": 7}])
def test_restart_from_checkpoint_continues_exactly(replay_spark, options):
    source = DATA / "ads" / "clicks"
    names = replay_files(source)
    folder = scratch_dir("test-replay-restart")
    checkpoint = scratch_dir("test-replay-restart-checkpoint")
    for name in names[:3]:  # the first run finds three files
        shutil.copy(source / name, folder / name)
    before = run_replay(replay_spark, folder, checkpoint, **options)
    for name in names[3:]:  # the rest arrive while the query is stopped
        shutil.copy(source / name, folder / name)
    after = run_replay(replay_spark, folder, checkpoint, **options)
    uninterrupted = run_replay(replay_spark, source, **options)
    assert before and after
    assert max(r[0] for r in before) < min(r[0] for r in after)  # batch ids continue
    assert [r[1:] for r in before + after] == [r[1:] for r in uninterrupted]  # no line lost
    if not options:  # one file per micro-batch: the very same micro-batches
        assert before + after == uninterrupted


def test_stop_after_some_batches_and_restart(replay_spark):
    # Stopped at whatever micro-batch it had reached, the query restarts from its checkpoint;
    # a micro-batch that was planned but not committed is run again with the same offsets, so
    # keeping the last rows seen per batch id gives exactly the uninterrupted run.
    source = DATA / "ads" / "clicks"
    checkpoint = scratch_dir("test-replay-stop-checkpoint")
    first, _ = run_query(
        replay_spark.readStream.format("replay").option("maxRowsPerTrigger", 7).load(str(source)),
        checkpoint=checkpoint,
        batches=3,
    )
    after = run_replay(replay_spark, source, checkpoint, maxRowsPerTrigger=7)
    by_batch = {}
    for row in [tuple(r) for r in first[COLUMNS].itertuples(index=False)] + after:
        by_batch.setdefault(row[0], []).append(row)
    replayed = {row[0] for row in after} & set(first["batch_id"])
    for batch in replayed:  # the run after the restart wins for a batch it ran again
        by_batch[batch] = [row for row in after if row[0] == batch]
    combined = [row for batch in sorted(by_batch) for row in by_batch[batch]]
    assert combined == run_replay(replay_spark, source, maxRowsPerTrigger=7)
    for batch in replayed:  # a batch run twice held the very same rows both times
        again = [row for row in after if row[0] == batch]
        assert [
            tuple(r) for r in first[first["batch_id"] == batch][COLUMNS].itertuples(index=False)
        ] == again


def test_sink_writes_each_batch_once_also_when_spark_replays_it(replay_spark):
    source = DATA / "words"
    out = scratch_dir("test-json-batches")
    checkpoint = scratch_dir("test-json-batches-checkpoint")

    def run():
        query = (
            replay_spark.readStream.format("replay")
            .load(str(source))
            .writeStream.format("json_batches")
            .option("path", str(out))
            .option("checkpointLocation", str(checkpoint))
            .trigger(availableNow=True)
            .start()
        )
        try:
            assert query.awaitTermination(120)
        finally:
            query.stop()
        return query

    run()
    batches = read_json_batches(out)
    assert sorted(batches) == list(range(8))
    assert [len(rows) for rows in batches.values()] == [40] * 8
    first_text = (out / "batch-00007.jsonl").read_text()
    # As if the query had died after the sink's commit and before Spark's commit log entry:
    # on restart Spark runs micro-batch 7 again, and the sink must not write it twice.
    for entry in (checkpoint / "commits").glob("*7*"):
        entry.unlink()
    query = run()
    assert query.lastProgress["batchId"] == 7
    assert (out / "batch-00007.jsonl").read_text() == first_text
    assert read_json_batches(out) == batches
    assert not list((out / "_staging").iterdir())  # staging files cleaned up
    rows = [row for b in sorted(batches) for row in batches[b]]
    assert [(r["file"], r["line"], r["value"]) for r in rows] == [
        (r[2], r[3], r[4]) for r in expected_rows(source)
    ]


def test_sink_abort_removes_staged_files(tmp_path):
    from streamlab.structured.json_sink import JsonBatchCommit, JsonBatchWriter

    writer = JsonBatchWriter(str(tmp_path))
    staged = tmp_path / "_staging" / "x.jsonl"
    staged.parent.mkdir()
    staged.write_text('{"value": "a"}\n')
    writer.abort([JsonBatchCommit(str(staged), 1), None], 0)
    assert not staged.exists()
    assert not list(tmp_path.glob("batch-*"))
