"""What the applications share: their options, locations every node resolves alike, emptying a
checkpoint, waiting for a query with a timeout, writing CSV.

Spark itself comes from `streamlab.runtime.spark`, as in the notebooks: `get_spark(app_name)` and
`streaming_context(batch_s, checkpoint)`. Nothing names a master: `spark-submit --master URL`
sets it (with the driver's memory and Java options), and an application started with plain
`python -m` gets $SPARK_MASTER or `local[*]`, like a notebook.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery


class AppError(RuntimeError):
    """The application could not finish; the message says why."""


def common_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every application takes: where results, replayed input and checkpoints go."""
    parser.add_argument(
        "--output",
        type=Path,
        required=True,
        help="folder for the result CSV files, written by the driver (on the machine it runs on)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        required=True,
        help="folder where the Structured Streaming part drops its input files, one per "
        "micro-batch; on a cluster it must be a folder every node sees (a shared disk)",
    )
    parser.add_argument(
        "--checkpoint",
        default=None,
        help="checkpoint location (a path or a URI such as hdfs://... or s3a://...); on a "
        "cluster, storage every node sees. Emptied at the start: the app replays its input "
        "from the beginning. Default: WORK_DIR/checkpoint",
    )
    parser.add_argument(
        "--partitions",
        type=int,
        default=2,
        help="shuffle partitions of the Structured Streaming query (about the number of cores)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="seconds after which the app stops and fails instead of waiting any longer",
    )


def location(path_or_uri: str | Path) -> str:
    """A URI Spark resolves the same way on every node: a plain path becomes file:///..."""
    text = str(path_or_uri)
    if "://" in text:
        return text
    return Path(text).resolve().as_uri()


def empty_checkpoint(spark: SparkSession, uri: str) -> None:
    """Delete a checkpoint folder, on whatever file system its URI names (local, HDFS, S3)."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(path, True)


def finish(query: StreamingQuery, timeout: float) -> None:
    """Wait for a query that stops by itself (availableNow); stop it and fail after `timeout`."""
    if not query.awaitTermination(timeout):
        query.stop()
        raise AppError(f"The query {query.name or query.id} did not finish in {timeout:g} s.")


def write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Write each table as folder/<name>.csv and say where."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False)
        print(f"{path}: {len(frame)} rows")
