"""The output-mode model (streamlab.models.output_modes) against real Structured Streaming.

Each word list goes to Spark as one text file per micro-batch (maxFilesPerTrigger=1); both
queries of the model run in every output mode Spark accepts, and write through foreachBatch.
Micro-batch by micro-batch, the model must give the same rows written, the same rows in state
(`numRowsTotal` of the progress's one state operator: words counted so far) and the same rows
dropped as late (`numRowsDroppedByWatermark`: 0, as neither query has a watermark, so there is
no delay to vary), or, for the filter, no state operator at all; and refuse exactly the modes
Spark refuses.
"""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from pyspark.errors import AnalysisException
from pyspark.sql import functions as F

from streamlab import FileDrop, MicroBatchTable, scratch_dir
from streamlab.models.output_modes import (
    FILTERED_OUT,
    MODES,
    QUERIES,
    OutputModeError,
    check_mode,
    simulate,
)

SMALL = [
    ["spark", "kafka", "spark"],
    ["state", "spark"],
    ["kafka", "kafka", "watermark"],
    ["spark"],
]
# A batch that the filter empties, a word seen again after a gap, a batch of one new word.
GAPS = [["a", "spark"], ["spark", "spark"], ["b", "a", "a"], ["c"], ["spark", "b"]]


def seeded(seed, n_batches=5):
    rng = random.Random(seed)
    return [
        [rng.choice(["spark", "x", "y", "z"]) for _ in range(rng.randint(1, 5))]
        for _ in range(n_batches)
    ]


DATA = {"small": SMALL, "gaps": GAPS, "seeded": seeded(7)}
ACCEPTED = [
    (q, m)
    for q in QUERIES
    for m in MODES
    if (q, m) not in {("count", "append"), ("filter", "complete")}
]


def spark_query(lines, query):
    words = lines.select(F.col("value").alias("word"))
    if query == "count":
        return words.groupBy("word").count()
    return words.where(F.col("word") != FILTERED_OUT)


def by_batch(rows):
    out = defaultdict(list)
    for batch_id, *row in rows:
        out[batch_id].append(tuple(row))
    return {b: sorted(r) for b, r in out.items() if r}


@pytest.mark.parametrize("name", sorted(DATA))
def test_each_micro_batch_equals_spark(spark, name):
    """Per micro-batch, each query in each mode Spark accepts: the rows written, and the rows in
    state and rows dropped as late (or no state operator), against the model."""
    batches = DATA[name]
    drop = FileDrop(scratch_dir(f"output-modes-{name}"))
    for words in batches:
        drop.drop(words)
    lines = spark.readStream.option("maxFilesPerTrigger", 1).text(drop.path)
    for query, mode in ACCEPTED:
        table = MicroBatchTable()
        run = (
            spark_query(lines, query)
            .writeStream.outputMode(mode)
            .foreachBatch(table.add)
            .trigger(availableNow=True)
            .start()
        )
        assert run.awaitTermination(120)
        assert len(run.recentProgress) == len(batches), (query, mode)
        frame = table.frame(sort=False)
        got = by_batch(frame.itertuples(index=False)) if len(frame) else {}
        model = simulate(batches, query, mode)
        expected = {o.batch_id: sorted(o.written) for o in model if o.written}
        assert got == expected, (name, query, mode)
        state = [state_counts(p) for p in sorted(run.recentProgress, key=lambda p: p["batchId"])]
        assert state == [(o.state_rows, o.dropped) for o in model], (name, query, mode)


def state_counts(progress):
    """(rows in state, rows dropped as late) of the one state operator; (None, None) if none."""
    if not progress["stateOperators"]:
        return None, None
    (operator,) = progress["stateOperators"]
    return operator["numRowsTotal"], operator["numRowsDroppedByWatermark"]


@pytest.mark.parametrize(("query", "mode"), [("count", "append"), ("filter", "complete")])
def test_spark_refuses_what_the_model_refuses(spark, query, mode):
    drop = FileDrop(scratch_dir(f"output-modes-refused-{query}"))
    drop.drop(["spark"])
    lines = spark.readStream.option("maxFilesPerTrigger", 1).text(drop.path)
    with pytest.raises(OutputModeError, match="STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION"):
        check_mode(query, mode)
    with pytest.raises(AnalysisException, match="STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION"):
        spark_query(lines, query).writeStream.outputMode(mode).foreachBatch(
            MicroBatchTable().add
        ).start()


def test_the_model_counts_and_filters():
    count = simulate(SMALL, "count", "update")
    assert [o.written for o in count] == [
        (("kafka", 1), ("spark", 2)),
        (("spark", 3), ("state", 1)),
        (("kafka", 3), ("watermark", 1)),
        (("spark", 4),),
    ]
    complete = simulate(SMALL, "count", "complete")
    assert (
        complete[-1].written
        == complete[-1].result
        == (("kafka", 3), ("spark", 4), ("state", 1), ("watermark", 1))
    )
    kept = simulate(SMALL, "filter", "append")
    assert kept[-1].result == (("kafka",), ("state",), ("kafka",), ("kafka",), ("watermark",))
    assert kept[-1].written == ()
    assert kept[2].written_mask() == [False, False, True, True, True]
    assert count[3].written_mask() == [False, True, False, False]


def test_unknown_query_or_mode_is_a_plain_error():
    with pytest.raises(ValueError, match="unknown output mode"):
        simulate(SMALL, "count", "replace")
    with pytest.raises(ValueError, match="unknown query"):
        simulate(SMALL, "join", "append")
