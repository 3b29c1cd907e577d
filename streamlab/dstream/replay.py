"""Replayed input for DStreams: fixed batches, one per batch interval, so every run is the same.

Real sources (sockets, Kafka) deliver whatever arrived during a batch interval, so the counts
would change run to run. The labs replay fixed batches instead and the book can check them.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.streaming import DStream, StreamingContext


def _tick(rdd: object) -> None:
    """An output operation that computes nothing: it makes every batch interval run a job."""


# Partitions of each replayed batch: two, as a small receiver would cut them, so that the
# chapters can show partitions; unit tests use one where partitioning is not their subject.
QUEUE_PARTITIONS = 2


def replay(
    ssc: StreamingContext, batches: Sequence[Sequence[str]], partitions: int | None = None
) -> DStream:
    """A DStream that delivers `batches[0]` in the first batch interval, `batches[1]` next, ...

    Built on `queueStream(..., oneAtATime=True)`: one RDD per batch (`partitions` partitions,
    QUEUE_PARTITIONS by default), empty batches afterwards. The stream also carries a no-op
    output, so Spark reports every batch, even when the lab's own outputs fire only every few
    batches (a window sliding by two batches, say); that is how `capture` numbers batches 1, 2,
    3, ... without gaps.
    """
    sc = ssc.sparkContext
    slices = partitions or QUEUE_PARTITIONS
    rdds = [sc.parallelize(list(batch), slices) for batch in batches]
    # After the last batch, every batch is empty (one empty partition, like a quiet source).
    stream = ssc.queueStream(rdds, oneAtATime=True, default=sc.parallelize([], 1))
    stream.foreachRDD(_tick)
    return stream
