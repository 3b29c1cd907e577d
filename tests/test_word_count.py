"""Lab 1's results, computed independently in plain Python, must equal what Spark produces."""

from __future__ import annotations

from collections import Counter
from itertools import accumulate

from pyspark.sql import functions as F

from streamlab import BatchTable, FileDrop, capture, replay, run, streaming_context
from streamlab.data import ARTICLE_SENTENCE, read_word_batches

EXPECTED_SENTENCE = {"hello": 2, "world": 2, "streaming": 2, "spark": 1, "big": 1, "data": 1}


def python_counts(batches):
    """Per-batch Counters and running-total Counters, without Spark."""
    per_batch = [Counter(w for line in b for w in line.split()) for b in batches]
    running = list(accumulate(per_batch, lambda a, b: a + b))
    return per_batch, running


def test_the_article_sentence_in_plain_python():
    assert python_counts([[ARTICLE_SENTENCE]])[0][0] == EXPECTED_SENTENCE


def test_dstream_counts_totals_and_top10_equal_plain_python(sc, tmp_path):
    batches = read_word_batches()
    per_batch, running = python_counts(batches)
    ssc = streaming_context(0.5, checkpoint=tmp_path / "ck")
    pairs = replay(ssc, batches).flatMap(lambda line: line.split()).map(lambda w: (w, 1))
    counts = pairs.reduceByKey(lambda a, b: a + b)
    totals = pairs.updateStateByKey(lambda new, old: sum(new) + (old or 0))
    top10 = counts.transform(
        lambda rdd: rdd.context.parallelize(rdd.takeOrdered(10, key=lambda wc: (-wc[1], wc[0])))
    )
    counts_out = capture(counts, ["word", "count"])
    totals_out = capture(totals, ["word", "total"])
    top_out = capture(top10, ["word", "count"])
    run(ssc, batches=len(batches))

    got_counts, got_totals, got_top = (
        counts_out.frame(),
        totals_out.frame(),
        top_out.frame(sort=False),
    )
    for number, (expected, expected_total) in enumerate(zip(per_batch, running), start=1):
        batch = got_counts[got_counts["batch"] == number]
        assert dict(zip(batch["word"], batch["count"])) == dict(expected)
        total = got_totals[got_totals["batch"] == number]
        assert dict(zip(total["word"], total["total"])) == dict(expected_total)
        top = got_top[got_top["batch"] == number]
        ranked = sorted(expected.items(), key=lambda wc: (-wc[1], wc[0]))[:10]
        assert list(zip(top["word"], top["count"])) == ranked


def test_structured_update_mode_equals_plain_python(spark, tmp_path):
    batches = read_word_batches()
    per_batch, running = python_counts(batches)
    drop = FileDrop(tmp_path / "in")
    drop.drop_all(batches)
    updates = BatchTable()
    counts = (
        spark.readStream.option("maxFilesPerTrigger", 1)
        .text(drop.path)
        .select(F.explode(F.split(F.col("value"), r"\s+")).alias("word"))
        .where(F.col("word") != "")
        .groupBy("word")
        .count()
    )
    query = (
        counts.writeStream.outputMode("update")
        .foreachBatch(updates.add)
        .option("checkpointLocation", str(tmp_path / "ck"))
        .trigger(availableNow=True)
        .start()
    )
    assert query.awaitTermination(120)
    got = updates.frame()
    assert sorted(got["batch_id"].unique()) == list(range(len(batches)))
    for batch_id, (seen, total) in enumerate(zip(per_batch, running)):
        rows = got[got["batch_id"] == batch_id]
        assert dict(zip(rows["word"], rows["count"])) == {w: total[w] for w in seen}


def test_structured_complete_mode_on_the_sentence(spark, tmp_path):
    drop = FileDrop(tmp_path / "sentence")
    drop.drop([ARTICLE_SENTENCE])
    counts = (
        spark.readStream.text(drop.path)
        .select(F.explode(F.split(F.col("value"), r"\s+")).alias("word"))
        .groupBy("word")
        .count()
    )
    query = (
        counts.writeStream.outputMode("complete")
        .format("memory")
        .queryName("test_sentence")
        .trigger(availableNow=True)
        .start()
    )
    assert query.awaitTermination(60)
    rows = spark.table("test_sentence").collect()
    assert {r["word"]: r["count"] for r in rows} == EXPECTED_SENTENCE
