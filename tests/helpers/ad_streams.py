"""The ad streams of chapter 11 as the join tests read them: valid lines only, with a time."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession

from streamlab.lessons.ads import ad_stream


def parsed(spark: SparkSession, path: str, time_column: str) -> DataFrame:
    """A folder of impression or click lines, one file per micro-batch, parsed by chapter 11's
    `parse` (streamlab/lessons/ads.py), damaged lines left out: (impression_id, time_column)."""
    return (
        ad_stream(spark, path, time_column)
        .where("reason IS NULL")
        .select("impression_id", time_column)
    )
