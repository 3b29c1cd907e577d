"""The rate-limit model (streamlab.models.ratelimit) against Spark's file source.

The files are all in the folder before the query starts; with `availableNow`, Spark reads them
in micro-batches capped by maxFilesPerTrigger or maxBytesPerTrigger, and the model must predict
which files (and so how many rows) each micro-batch holds.
"""

from __future__ import annotations

import pytest

from streamlab import FileDrop, MicroBatchTable, scratch_dir
from streamlab.models.ratelimit import backlog_run, split_by_bytes, split_by_limit

LINES = [[f"file{k} line{i}" for i in range(k % 3 + 1)] for k in range(7)]


def test_split_by_limit():
    assert split_by_limit(8, 3) == [3, 3, 2]
    assert split_by_limit(8, None) == [8]
    assert split_by_limit(0, 2) == []
    with pytest.raises(ValueError, match="positive"):
        split_by_limit(3, 0)


def test_split_by_bytes():
    assert split_by_bytes([90, 100, 110, 120], 300) == [[0, 1, 2], [3]]
    assert split_by_bytes([500, 10], 300) == [[0], [1]]


def test_backlog_run_caps_batches_and_keeps_the_rest_waiting():
    run = backlog_run([100, 400, 400, 100, 100], 1, 0.004, 0.1, limit_per_s=200)
    assert run.taken == [100, 200, 200, 200, 200]
    assert run.waiting == [0, 200, 400, 300, 200]
    free = backlog_run([100, 400, 400, 100, 100], 1, 0.004, 0.1)
    assert free.waiting == [0] * 5
    assert free.scheduling_delay_s[3] > 0  # the big batches made the next ones wait
    assert run.queued == [0] * 5  # capped: no batch waits in Spark


def test_backlog_run_without_a_cap_queues_the_backlog_in_spark():
    # 400 records cost 1.7 s: batch 3 is cut at 3 s while batch 2 runs until 3.7 s
    free = backlog_run([100, 400, 400, 100, 100], 1, 0.004, 0.1)
    assert free.scheduling_delay_s == pytest.approx([0, 0, 0.7, 1.4, 0.9])
    assert free.queued == [0, 0, 400, 100, 200]  # at 4 s batch 3 runs and batch 4 waits


def rows_per_batch(spark, name, option, value):
    drop = FileDrop(scratch_dir(f"rl-{name}"))
    drop.drop_all(LINES)
    table = MicroBatchTable()
    query = (
        spark.readStream.option(option, value)
        .text(drop.path)
        .writeStream.foreachBatch(table.add)
        .option("checkpointLocation", str(scratch_dir(f"rl-{name}-ck")))
        .trigger(availableNow=True)
        .start()
    )
    assert query.awaitTermination(120)
    return [len(part) for part in table.parts], [f.stat().st_size for f in drop.files]


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 7])
def test_max_files_per_trigger_equals_spark(spark, limit):
    got, _ = rows_per_batch(spark, f"files{limit}", "maxFilesPerTrigger", limit)
    sizes = [len(lines) for lines in LINES]
    expected, start = [], 0
    for n in split_by_limit(len(LINES), limit):
        expected.append(sum(sizes[start : start + n]))
        start += n
    assert got == expected


@pytest.mark.parametrize("max_bytes", [40, 60, 100, 1000])
def test_max_bytes_per_trigger_equals_spark(spark, max_bytes):
    got, file_sizes = rows_per_batch(spark, f"bytes{max_bytes}", "maxBytesPerTrigger", max_bytes)
    expected = [
        sum(len(LINES[i]) for i in batch) for batch in split_by_bytes(file_sizes, max_bytes)
    ]
    assert got == expected
