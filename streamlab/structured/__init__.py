"""Plumbing of the Structured Streaming lessons (pyspark.sql.streaming): the file drop, the
micro-batch table, a replay data source and a committing JSON sink, and `run_query`, written out
in chapter 10 where running a query is taught (`queries`, exported from its cell)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .file_drop import FileDrop
from .json_sink import JsonBatchesDataSource, read_json_batches
from .micro_batch_table import MicroBatchTable
from .queries import run_query, wait_for_batches
from .replay_source import ReplayDataSource

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def register_sources(spark: SparkSession) -> None:
    """Register format("replay") (a source) and format("json_batches") (a sink) with `spark`."""
    spark.dataSource.register(ReplayDataSource)
    spark.dataSource.register(JsonBatchesDataSource)


__all__ = [
    "FileDrop",
    "MicroBatchTable",
    "read_json_batches",
    "register_sources",
    "run_query",
    "wait_for_batches",
]
