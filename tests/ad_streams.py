"""The ad streams of chapter 11 as the join tests read them: valid lines only, with a time."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F


def parsed(spark: SparkSession, path: str, time_column: str) -> DataFrame:
    """A folder of impression or click lines, one file per micro-batch, damaged lines left out:
    (impression_id, time_column). Which lines are damaged is data/README.md's business."""
    fields = F.split("value", ",")
    return (
        spark.readStream.option("maxFilesPerTrigger", 1)
        .text(path)
        .select(
            F.get(fields, 0).alias("impression_id"),
            F.get(fields, 1).alias("user_id"),
            F.try_to_timestamp(F.get(fields, 3), F.lit("yyyy-MM-dd HH:mm:ss")).alias(time_column),
            F.size(fields).alias("n"),
        )
        .where(f"n = 4 AND user_id != '' AND {time_column} IS NOT NULL")
        .drop("n", "user_id")
    )
