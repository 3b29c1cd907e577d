"""Lab 2 as an application: sliding-window word counts by arrival with DStreams, and by event
time with a watermark with Structured Streaming, on the lab's word events.

The Spark code is the lab's own, imported from `streamlab.lessons.windows` (the cells of
labs/02-sliding-windows.ipynb tagged `export`). The input is replayed as in the lab: the events
of data/word-events.csv go to the DStream by arrival, one batch per interval, and to Structured
Streaming as one file per second of arrival, so every run gives the same numbers on any master.
Results, in --output:

    dstream_windows.csv        batch, word, count                 windowed_counts
    dstream_window_totals.csv  batch, words                       windowed_total
    event_windows.csv          batch_id, start, end, word, count  event_time_counts

(`reduceByKeyAndWindow`, `countByWindow`, and `window(...)` with a watermark, respectively.)

A DStream window is named by the batch that emits it (from 1); an event-time window by its start
and end, in seconds after 2026-01-01 12:00:00 (`streamlab.data.EVENT_EPOCH`), and by the
micro-batch that wrote it (Spark's `batch_id`, from 0).

    spark-submit --master spark://127.0.0.1:7077 streamlab/apps/windowed_count.py \\
        --output results/windowed-count --work-dir /tmp/windowed-count
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import pandas as pd
from pyspark.sql import SparkSession

from streamlab.apps.common import (
    common_arguments,
    empty_checkpoint,
    finish,
    location,
    write_tables,
)
from streamlab.data import (
    EVENT_EPOCH,
    WORD_EVENTS_FILE,
    WordEvent,
    event_lines_by_second,
    read_word_events,
    words_by_batch,
)
from streamlab.dstream.batches import capture, run
from streamlab.dstream.context import streaming_context
from streamlab.dstream.replay import replay
from streamlab.lessons.windows import (
    event_time_counts,
    stream_word_events,
    windowed_counts,
    windowed_total,
)
from streamlab.models.windows import WindowSetupError, check_window
from streamlab.runtime.spark import get_spark
from streamlab.structured.file_drop import FileDrop
from streamlab.structured.micro_batch_table import MicroBatchTable


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="windowed_count", description=__doc__.split("\n\n")[0].replace("\n", " ")
    )
    parser.add_argument(
        "--events",
        type=Path,
        default=WORD_EVENTS_FILE,
        help="the word events, CSV as data/word-events.csv (the default)",
    )
    parser.add_argument("--batch-seconds", type=float, default=1.0, help="DStream batch interval")
    parser.add_argument(
        "--window-seconds", type=float, default=2.0, help="window length, for both clocks"
    )
    parser.add_argument(
        "--slide-seconds", type=float, default=1.0, help="slide interval, for both clocks"
    )
    parser.add_argument(
        "--watermark-seconds",
        type=float,
        default=1.0,
        help="how late an event may be and still be counted by event time",
    )
    parser.add_argument(
        "--output-mode",
        choices=["append", "update"],
        default="append",
        help="what the event-time query writes: each window once, final (append), or every "
        "change (update)",
    )
    common_arguments(parser)
    args = parser.parse_args(argv)
    try:
        check_window(args.batch_seconds, args.window_seconds, args.slide_seconds)
    except WindowSetupError as error:
        parser.error(str(error))
    return args


def dstream_windows(
    spark: SparkSession, events: list[WordEvent], args: argparse.Namespace, checkpoint: str
) -> dict[str, pd.DataFrame]:
    """Part 1 of the lab: counts per word and in all, per window of arrival."""
    batches = words_by_batch(events, args.batch_seconds)
    # Run on past the input until the last window is empty, so every window is emitted.
    n = len(batches) + round(args.window_seconds / args.batch_seconds)
    ssc = streaming_context(args.batch_seconds, checkpoint)
    words = replay(ssc, batches)
    counts = capture(
        windowed_counts(words, args.window_seconds, args.slide_seconds), ["word", "count"]
    )
    totals = capture(windowed_total(words, args.window_seconds, args.slide_seconds), ["words"])
    run(ssc, batches=n, timeout=args.timeout)
    return {"dstream_windows": counts.frame(), "dstream_window_totals": totals.frame()}


def event_windows(
    spark: SparkSession, events: list[WordEvent], args: argparse.Namespace, checkpoint: str
) -> dict[str, pd.DataFrame]:
    """Part 3 of the lab: counts per event-time window, late events beyond the watermark
    dropped."""
    folder = args.work_dir / "input"
    shutil.rmtree(folder, ignore_errors=True)  # files of an earlier run would be read again
    FileDrop(folder).drop_all(event_lines_by_second(events))
    counts = event_time_counts(
        stream_word_events(spark, location(folder)),
        args.watermark_seconds,
        args.window_seconds,
        args.slide_seconds,
    )
    table = MicroBatchTable()
    query = (
        counts.writeStream.outputMode(args.output_mode)
        .foreachBatch(table.add)
        .option("checkpointLocation", checkpoint)
        .trigger(availableNow=True)
        .start()
    )
    finish(query, args.timeout)
    frame = table.frame()
    for column in ("start", "end"):
        if len(frame):
            frame[column] = (frame[column] - EVENT_EPOCH).dt.total_seconds()
    return {"event_windows": frame}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    events = read_word_events(args.events)
    checkpoint = args.checkpoint or location(args.work_dir / "checkpoint")
    spark = get_spark("windowed-count", log_level="WARN")  # a terminal shows Spark's warnings
    spark.conf.set("spark.sql.shuffle.partitions", str(args.partitions))
    try:
        print(f"windowed_count on {spark.sparkContext.master}: {len(events)} events")
        empty_checkpoint(spark, checkpoint)
        tables = dstream_windows(spark, events, args, f"{checkpoint}/dstream")
        tables |= event_windows(spark, events, args, f"{checkpoint}/structured")
        write_tables(args.output, tables)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
