"""Lab 4 as an application: the ad-attribution pipeline on the impression and click streams,
its five queries run to the end of their input, each result written as CSV.

The Spark code is the lab's own, imported from `streamlab.lessons.attribution` (the cells of
labs/04-ad-attribution.ipynb tagged `export`) and `streamlab.lessons.user_sessions` (chapter 13's
`user_sessions`). The input is replayed as in the lab: the driver drops the files of --input
(data/ads), one per micro-batch and stream, into WORK_DIR/impressions and WORK_DIR/clicks, and
every query reads one file of each per micro-batch, so every run gives the same numbers on any
master. Each query has its own checkpoint (under --checkpoint) and writes every micro-batch to
WORK_DIR/results/<query>/batch_id=N (`ParquetByBatch`, idempotent), read back at the end.
State is kept in RocksDB, which `transformWithState` requires. Results, in --output:

    line_counts.csv   batch_id, stream, lines, valid, rejected       verdicts (every line)
    clean_clicks.csv  batch_id, click_impression_id, click_time      clean_clicks
    attributed.csv    batch_id, impression_id, user_id, campaign,    attribute (left outer
                      impression_time, click_time                    join; no click: empty)
    ctr_windows.csv   batch_id, start, end, campaign, impressions,   ctr_by_window (after the
                      clicks, ctr                                    join, same query)
    sessions.csv      batch_id, user_id, session, start, end,        user_sessions on activity
                      length_s, impressions, clicks

`batch_id` is Spark's micro-batch (from 0). Every time (click_time, impression_time, start,
end) is a whole number of seconds after 2026-03-02 12:00:00 (`streamlab.data.ads.START`), the
times of the plain-Python model `streamlab.models.attribution`. `line_counts` has a row for
each micro-batch and stream, 0 lines included (a file can be empty).

Lab 4 runs it with `--partitions 1`, as the lab's own Spark (one partition per stateful
operator; each partition of the sessions operator is a Python worker of its own):

    spark-submit --master spark://127.0.0.1:7077 streamlab/apps/ad_attribution.py \\
        --output results/ad-attribution --work-dir /tmp/ad-attribution --partitions 1
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from streamlab.apps.common import (
    common_arguments,
    empty_checkpoint,
    finish,
    location,
    write_tables,
)
from streamlab.data import ADS_DIR
from streamlab.data.ads import START, TIME_FORMAT, read_ad_batches
from streamlab.lessons.attribution import (
    ParquetByBatch,
    activity,
    attribute,
    clean_clicks,
    ctr_by_window,
    read_ads,
    verdicts,
)
from streamlab.lessons.user_sessions import user_sessions
from streamlab.runtime.spark import ROCKSDB_PROVIDER as ROCKSDB
from streamlab.runtime.spark import get_spark
from streamlab.structured.file_drop import FileDrop

STREAMS = ("impressions", "clicks")
CHANGELOG = "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled"
TIME_COLUMNS = ("click_time", "impression_time", "start", "end")
COLUMNS = {  # of each table, in order; every table is sorted by all of them
    "line_counts": ["batch_id", "stream", "lines", "valid", "rejected"],
    "clean_clicks": ["batch_id", "click_impression_id", "click_time"],
    "attributed": [
        "batch_id",
        "impression_id",
        "user_id",
        "campaign",
        "impression_time",
        "click_time",
    ],
    "ctr_windows": ["batch_id", "start", "end", "campaign", "impressions", "clicks", "ctr"],
    "sessions": [
        "batch_id",
        "user_id",
        "session",
        "start",
        "end",
        "length_s",
        "impressions",
        "clicks",
    ],
}


QUERIES = ["verdicts", "clean-clicks", "attribution", "ctr", "sessions"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="ad_attribution", description=__doc__.split("\n\n")[0].replace("\n", " ")
    )
    parser.add_argument(
        "--input",
        type=Path,
        default=ADS_DIR,
        help="folder with impressions/ and clicks/ (batch-01.csv, ...: one file per "
        "micro-batch) and catalogue.csv, as data/ads (the default); read by the driver, which "
        "copies it into WORK_DIR",
    )
    parser.add_argument(
        "--delay-seconds",
        type=int,
        default=60,
        help="the watermark delay, on both streams: how late a row may come",
    )
    parser.add_argument(
        "--bound-seconds",
        type=int,
        default=180,
        help="the attribution window: a click counts if it comes at most this long after "
        "its impression",
    )
    parser.add_argument(
        "--window-seconds",
        type=int,
        default=120,
        help="length of the event-time windows the click-through rate is counted in",
    )
    parser.add_argument(
        "--gap-seconds",
        type=int,
        default=90,
        help="a user's session ends after this long without activity",
    )
    parser.add_argument(
        "--queries",
        nargs="+",
        choices=QUERIES,
        default=QUERIES,
        help="the queries to run (all five by default); the sessions query alone starts Python "
        "workers (transformWithState), about 110 MiB more",
    )
    common_arguments(parser)
    args = parser.parse_args(argv)
    for option, value, rule in (
        ("--delay-seconds", args.delay_seconds, "0 or more: it is how late a row may come"),
        (
            "--bound-seconds",
            args.bound_seconds,
            "0 or more: it is how long after its impression a click may come",
        ),
    ):
        if value < 0:
            parser.error(f"{option} cannot be negative (it is {value}); give {rule}.")
    for option, value, what in (
        ("--window-seconds", args.window_seconds, "the length of a window"),
        ("--gap-seconds", args.gap_seconds, "how long a session lasts without activity"),
        ("--partitions", args.partitions, "the number of shuffle partitions"),
        ("--timeout", args.timeout, "how long the app may take"),
    ):
        if value <= 0:
            parser.error(f"{option} must be more than 0 (it is {value:g}): it is {what}.")
    for stream in STREAMS:
        if not list((args.input / stream).glob("batch-*.csv")):
            parser.error(f"no input: {args.input / stream} has no batch-*.csv files.")
    if not (args.input / "catalogue.csv").is_file():
        parser.error(f"no ad catalogue: {args.input / 'catalogue.csv'} is missing.")
    return args


def drop_input(work_dir: Path, lines: dict[str, list[list[str]]]) -> dict[str, str]:
    """Each stream's files into WORK_DIR/<stream>, emptied first; the folders as URIs."""
    folders = {}
    for stream in STREAMS:
        folder = work_dir / stream
        shutil.rmtree(folder, ignore_errors=True)  # files of an earlier run would be read again
        FileDrop(folder).drop_all(lines[stream])
        folders[stream] = location(folder)
    return folders


def read_catalogue(spark: SparkSession, path: Path, work_dir: Path) -> DataFrame:
    """The ad catalogue (ad_id, campaign, category), as the lab reads it: copied next to the
    dropped streams (a folder every node sees) and read by Spark, so no Python worker is needed
    to make it a DataFrame."""
    copy = work_dir / "catalogue.csv"
    shutil.copyfile(path, copy)
    return spark.read.option("header", True).csv(location(copy))


def run_query(stream: DataFrame, name: str, sink: str, checkpoint: str, timeout: float):
    """Run a query to the end of its input (availableNow) into a ParquetByBatch sink."""
    query = (
        stream.writeStream.queryName(name)
        .outputMode("append")
        .foreachBatch(ParquetByBatch(sink))
        .option("checkpointLocation", checkpoint)
        .trigger(availableNow=True)
        .start()
    )
    finish(query, timeout)
    return query


def read_sink(spark: SparkSession, folder: Path, columns: list[str]) -> pd.DataFrame:
    """What a ParquetByBatch sink holds, times as seconds after START, sorted."""
    if not folder.exists():  # the query ran no micro-batch
        return pd.DataFrame(columns=columns)
    table = spark.read.parquet(location(folder))
    start = F.to_timestamp(F.lit(START.strftime(TIME_FORMAT)))
    for column in TIME_COLUMNS:
        if column in table.columns:
            # both in the session's time zone, as the lab's parser read the lines
            table = table.withColumn(column, F.col(column).cast("long") - start.cast("long"))
    frame = table.select(*columns).toPandas()
    for column in TIME_COLUMNS:
        if column in frame.columns:
            frame[column] = frame[column].astype("Int64")  # a missing click stays empty
    return frame.sort_values(columns).reset_index(drop=True)


def line_counts(lines: pd.DataFrame, query: StreamingQuery) -> pd.DataFrame:
    """Lines, valid and rejected per micro-batch and stream, from the verdicts' sink."""
    ran = {int(p["batchId"]) for p in query.recentProgress}
    batches = sorted(ran | {int(b) for b in lines["batch_id"]})
    rows = []
    for batch in batches:
        for stream in STREAMS:
            mine = lines[(lines["batch_id"] == batch) & (lines["stream"] == stream)]
            rejected = int(mine["reason"].notna().sum())
            rows.append((batch, stream, len(mine), len(mine) - rejected, rejected))
    frame = pd.DataFrame(rows, columns=COLUMNS["line_counts"])
    return frame.sort_values(COLUMNS["line_counts"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    lines = {stream: read_ad_batches(stream, args.input) for stream in STREAMS}
    checkpoint = args.checkpoint or location(args.work_dir / "checkpoint")
    results = args.work_dir / "results"
    spark = get_spark("ad-attribution", log_level="WARN")  # a terminal shows Spark's warnings
    spark.conf.set("spark.sql.shuffle.partitions", str(args.partitions))
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", ROCKSDB)
    spark.conf.set(CHANGELOG, "true")  # each commit writes only the state that changed
    try:
        print(
            f"ad_attribution on {spark.sparkContext.master}: "
            + " and ".join(
                f"{sum(map(len, lines[s]))} {s[:-1]} lines ({len(lines[s])} files)" for s in STREAMS
            )
            + f"; delay {args.delay_seconds} s, bound {args.bound_seconds} s, "
            f"window {args.window_seconds} s, gap {args.gap_seconds} s"
        )
        empty_checkpoint(spark, checkpoint)
        shutil.rmtree(results, ignore_errors=True)
        folders = drop_input(args.work_dir, lines)
        impressions = read_ads(spark, folders["impressions"], "impression_time")
        clicks = read_ads(spark, folders["clicks"], "click_time")
        catalogue = read_catalogue(spark, args.input / "catalogue.csv", args.work_dir)
        delay, bound = args.delay_seconds, args.bound_seconds
        attributed = attribute(impressions, clean_clicks(clicks, delay), catalogue, delay, bound)
        queries = {  # query name: (stream, table)
            "verdicts": (verdicts(impressions, clicks), "line_counts"),
            "clean-clicks": (clean_clicks(clicks, delay), "clean_clicks"),
            "attribution": (attributed, "attributed"),
            "ctr": (ctr_by_window(attributed, args.window_seconds), "ctr_windows"),
            "sessions": (
                user_sessions(activity(impressions, clicks), args.gap_seconds, f"{delay} seconds"),
                "sessions",
            ),
        }
        tables = {}
        for name, (stream, table) in queries.items():
            if name not in args.queries:
                continue
            sink = results / name
            query = run_query(stream, name, location(sink), f"{checkpoint}/{name}", args.timeout)
            if table == "line_counts":
                raw = read_sink(spark, sink, ["batch_id", "stream", "reason"])
                tables[table] = line_counts(raw, query)
            else:
                tables[table] = read_sink(spark, sink, COLUMNS[table])
        write_tables(args.output, tables)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
