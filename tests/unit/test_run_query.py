"""`run_query`, the query helper chapter 10 writes out (streamlab/structured/queries.py): it runs
a query to the end of its input or for n micro-batches, keeps each micro-batch's rows with its
batch id, and leaves no query running, whatever happens."""

from __future__ import annotations

import pytest
from pyspark.errors import StreamingQueryException
from pyspark.sql import functions as F
from pyspark.testing import assertDataFrameEqual

from streamlab import FileDrop, run_query, scratch_dir

FILES = [["a", "b"], ["c"], ["d", "e", "f"]]


@pytest.fixture
def lines(spark):
    """Three files of letters, read one per micro-batch."""
    drop = FileDrop(scratch_dir("run-query-input"))
    drop.drop_all(FILES)
    yield spark.readStream.option("maxFilesPerTrigger", 1).text(drop.path)
    assert not spark.streams.active, "a query was left running"


def test_to_the_end_each_micro_batch_with_its_batch_id(spark, lines):
    rows, query = run_query(lines, checkpoint=scratch_dir("run-query-end"))
    expected = [(batch, line) for batch, file in enumerate(FILES) for line in file]
    assert list(zip(rows["batch_id"], rows["value"])) == expected
    assert not query.isActive
    assert [p["numInputRows"] for p in query.recentProgress] == [2, 1, 3]


def test_the_output_mode_is_the_one_asked_for(spark, lines):
    counts = lines.groupBy(F.length("value").alias("n")).count()
    rows, _ = run_query(counts, "complete")
    last = rows[rows["batch_id"] == 2].drop(columns="batch_id")
    assertDataFrameEqual(spark.createDataFrame(last), [(1, 6)], checkRowOrder=False)


def test_a_failing_query_raises_and_is_stopped(spark, lines):
    @F.udf("string")
    def broken(value):
        raise ValueError(f"cannot read {value}")

    with pytest.raises(StreamingQueryException, match="cannot read"):
        run_query(lines.select(broken("value")))
    assert not spark.streams.active


def test_n_micro_batches_then_stopped(spark):
    rate = spark.readStream.format("rate").option("rowsPerSecond", 50).load()
    rows, query = run_query(rate, batches=3, timeout=120)
    assert not query.isActive
    with_rows = [p["batchId"] for p in query.recentProgress if p["numInputRows"] > 0]
    assert len(with_rows) >= 3
    # no rows of a micro-batch that began after the last one reported
    assert rows["batch_id"].max() <= query.lastProgress["batchId"]


def test_a_timeout_raises_and_stops_the_query(spark):
    rate = spark.readStream.format("rate").option("rowsPerSecond", 1).load()
    with pytest.raises(TimeoutError, match="fewer than 1000 micro-batches"):
        run_query(rate, batches=1000, timeout=3)
    assert not spark.streams.active


def test_a_sink_of_ones_own_and_a_query_name(spark, lines):
    seen = []
    rows, query = run_query(
        lines, sink=lambda df, batch_id: seen.append((batch_id, df.count())), name="letters"
    )
    assert rows is None and query.name == "letters"
    assert seen == [(0, 2), (1, 1), (2, 3)]
