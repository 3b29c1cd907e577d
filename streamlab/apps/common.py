"""What the applications share: a SparkSession whose master comes from spark-submit, a
StreamingContext, waiting for a query with a timeout, emptying a checkpoint, writing CSV.

Nothing here names a master: `spark-submit --master URL` sets it, and an application started with
plain `python -m` gets PySpark's default, `local[*]`. Settings a JVM needs before it starts
(driver memory, Java options) are spark-submit options too, never set in code.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery
from pyspark.streaming import StreamingContext


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


def start_spark(app_name: str, partitions: int) -> SparkSession:
    """The SparkSession, on whatever master spark-submit was given."""
    spark = (
        SparkSession.builder.appName(app_name)
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "false")  # streaming queries turn it off anyway
        .config("spark.sql.session.timeZone", "UTC")  # the labs read event times as UTC
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    return spark


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


def streaming_context(spark: SparkSession, batch_s: float, checkpoint: str) -> StreamingContext:
    """A StreamingContext with this batch interval and checkpoint folder."""
    with warnings.catch_warnings():
        # DStreams are deprecated since Spark 3.4; the book says so in its text.
        warnings.filterwarnings("ignore", message="DStream is deprecated", category=FutureWarning)
        ssc = StreamingContext(spark.sparkContext, batch_s)
    ssc.checkpoint(checkpoint)
    # The replayed input (queueStream) cannot be checkpointed, and Spark warns at every
    # checkpoint; the replay is how the book makes runs repeatable, so the warning is no news.
    jvm = spark.sparkContext._jvm
    jvm.org.apache.logging.log4j.core.config.Configurator.setLevel(
        "org.apache.spark.streaming.dstream.QueueInputDStream",
        jvm.org.apache.logging.log4j.Level.ERROR,
    )
    return ssc


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
