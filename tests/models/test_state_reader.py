"""The state data source (spark.read.format("statestore")) against what the queries themselves say.

Chapter 14 reads the state of its queries from their checkpoints. Here the same reads are
checked against independent answers:

* a running word count of data/words in complete mode: at every batch id, the state the reader
  returns equals the whole result table the sink received in that micro-batch;
* chapter 11's stream-stream join of the ad streams: at every batch id, the rows the reader
  returns for each side (`joinSide`) are as many as the join model (`streamlab.models.joins`)
  keeps in state. The model exposes counts of buffered rows, not the rows, so the counts are
  compared, every buffered row is checked against the model's watermark (none is one the
  watermark had evicted), and the two sides add up to the progress report's `numRowsTotal`.
"""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from streamlab import FileDrop, run_query, scratch_dir
from streamlab.data import read_word_batches
from streamlab.data.ads import START, read_ad_batches
from streamlab.models.joins import join_rows, simulate
from tests.helpers.ad_streams import parsed

DELAY_S, BOUND_S = 30, 120  # chapter 11's join: 30-second watermarks, clicks within 2 minutes


def read_state(spark, checkpoint, **options):
    reader = spark.read.format("statestore")
    for name, value in options.items():
        reader = reader.option(name, value)
    return reader.load(str(checkpoint))


def batch_ids(spark, checkpoint):
    first, last = (
        spark.read.format("state-metadata")
        .load(str(checkpoint))
        .select("minBatchId", "maxBatchId")
        .first()
    )
    return range(first, last + 1)


def test_the_word_count_state_equals_the_sink_at_every_batch(spark):
    folder = FileDrop(scratch_dir("state-reader-words"))
    batches = read_word_batches()
    folder.drop_all(batches)
    words = (
        spark.readStream.option("maxFilesPerTrigger", 1)
        .text(folder.path)
        .select(F.explode(F.split("value", " ")).alias("word"))
    )
    checkpoint = scratch_dir("state-reader-count")
    sink, _ = run_query(words.groupBy("word").count(), "complete", checkpoint)

    ids = batch_ids(spark, checkpoint)
    assert list(ids) == list(range(len(batches)))
    for batch_id in ids:
        state = read_state(spark, checkpoint, batchId=batch_id)
        got = dict(state.select("key.word", "value.count").collect())
        sent = sink[sink["batch_id"] == batch_id]
        assert got == dict(zip(sent["word"], sent["count"])), batch_id
        # and both equal the words of the files read so far, counted in plain Python
        assert sum(got.values()) == sum(
            len(line.split()) for lines in batches[: batch_id + 1] for line in lines
        )
    # the default batch id is the last committed one
    latest = dict(read_state(spark, checkpoint).select("key.word", "value.count").collect())
    assert latest == got


@pytest.fixture(scope="module")
def join_run(spark):
    """Chapter 11's inner join, run to the end with a checkpoint: (checkpoint, query)."""
    impressions = FileDrop(scratch_dir("state-reader-impressions"))
    impressions.drop_all(read_ad_batches("impressions"))
    clicks = FileDrop(scratch_dir("state-reader-clicks"))
    clicks.drop_all(read_ad_batches("clicks"))
    left = parsed(spark, impressions.path, "impression_time").withWatermark(
        "impression_time", f"{DELAY_S} seconds"
    )
    right = (
        parsed(spark, clicks.path, "click_time")
        .withWatermark("click_time", f"{DELAY_S} seconds")
        .withColumnRenamed("impression_id", "click_impression_id")
    )
    condition = F.expr(
        "click_impression_id = impression_id AND click_time >= impression_time AND "
        f"click_time <= impression_time + interval {BOUND_S} seconds"
    )
    checkpoint = scratch_dir("state-reader-join")
    _, query = run_query(
        left.join(right, condition).select("impression_id", "click_time"), "append", checkpoint
    )
    return checkpoint, query


def seconds(stamp):
    return int((stamp - START).total_seconds())


def test_the_join_buffers_equal_the_join_model_at_every_batch(spark, join_run):
    checkpoint, query = join_run
    model = simulate(
        join_rows(read_ad_batches("impressions")),
        join_rows(read_ad_batches("clicks")),
        DELAY_S,
        BOUND_S,
    )
    progress = query.recentProgress
    ids = batch_ids(spark, checkpoint)
    assert list(ids) == [b.batch for b in model] == [p["batchId"] for p in progress]
    for batch in model:
        impressions = read_state(spark, checkpoint, joinSide="left", batchId=batch.batch)
        clicks = read_state(spark, checkpoint, joinSide="right", batchId=batch.batch)
        imp_times = [seconds(r[0]) for r in impressions.select("value.impression_time").collect()]
        click_times = [seconds(r[0]) for r in clicks.select("value.click_time").collect()]
        assert len(imp_times) == batch.state_impressions, batch.batch
        assert len(click_times) == batch.state_clicks, batch.batch
        if batch.watermark_s is not None:  # nothing the watermark evicted is still there
            assert all(t + BOUND_S >= batch.watermark_s for t in imp_times), batch.batch
            assert all(t >= batch.watermark_s for t in click_times), batch.batch
        total = progress[batch.batch]["stateOperators"][0]["numRowsTotal"]
        assert len(imp_times) + len(click_times) == total, batch.batch


def test_the_join_has_four_stores_and_joinside_reads_the_rows_store(spark, join_run):
    checkpoint, _ = join_run
    stores = sorted(
        r.stateStoreName
        for r in spark.read.format("state-metadata").load(str(checkpoint)).collect()
    )
    assert stores == [
        f"{side}-{store}"
        for side in ("left", "right")
        for store in ("keyToNumValues", "keyWithIndexToValue")
    ]
    by_side = read_state(spark, checkpoint, joinSide="left").select("value.*")
    by_store = read_state(spark, checkpoint, storeName="left-keyWithIndexToValue")
    assert sorted(by_side.collect()) == sorted(
        by_store.select("value.impression_id", "value.impression_time").collect()
    )
