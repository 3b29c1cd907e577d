"""Run a streaming query to the end of its input, the way every Structured Streaming test does:
`availableNow`, a `foreachBatch` sink, a timeout, and the query stopped even when it fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql.streaming import StreamingQuery

from streamlab import MicroBatchTable


def run_to_end(
    query_df: DataFrame,
    checkpoint: str | Path | None = None,
    mode: str = "append",
    sink: Callable[[DataFrame, int], Any] | None = None,
    timeout: float = 180,
) -> tuple[Any, StreamingQuery]:
    """(the sink, the query) once `query_df` has read all its input; the sink is a new
    MicroBatchTable (its `frame()` holds every micro-batch) unless one is given."""
    sink = sink or MicroBatchTable()
    writer = query_df.writeStream.outputMode(mode).foreachBatch(
        sink.add if isinstance(sink, MicroBatchTable) else sink
    )
    if checkpoint is not None:
        writer = writer.option("checkpointLocation", str(checkpoint))
    query = writer.trigger(availableNow=True).start()
    try:
        assert query.awaitTermination(timeout), f"the query did not finish in {timeout:g} s"
    finally:
        query.stop()
    return sink, query
