"""Lab 1 as an application: word counts per batch, running totals and the top words with
DStreams, and running totals with Structured Streaming, on the lab's eight batches of text.

The Spark code is the lab's own, imported from `streamlab.lessons.word_count` (the cells of
labs/01-word-count.ipynb tagged `export`). The input is replayed one batch file per batch, as in
the lab, so every run gives the same numbers on any master. Results, in --output:

    dstream_counts.csv     batch, word, count        count_words (reduceByKey), per batch
    dstream_totals.csv     batch, word, total        running_totals (updateStateByKey)
    dstream_top.csv        batch, rank, word, count  top_words (sortBy), in rank order
    structured_totals.csv  batch_id, word, total     count_words_df in update mode

DStream batches are numbered from 1, Structured Streaming micro-batches from 0 (Spark's
`batch_id`), as in the lab.

    spark-submit --master spark://127.0.0.1:7077 streamlab/apps/word_count.py \\
        --input data/words --output results/word-count --work-dir /tmp/word-count
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
from streamlab.data import WORDS_DIR, read_batch_files
from streamlab.dstream.batches import capture, run
from streamlab.dstream.context import streaming_context
from streamlab.dstream.replay import replay
from streamlab.lessons.word_count import (
    count_words,
    count_words_df,
    running_totals,
    top_words,
)
from streamlab.runtime.spark import get_spark
from streamlab.structured.file_drop import FileDrop
from streamlab.structured.micro_batch_table import MicroBatchTable


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="word_count", description=__doc__.split("\n\n")[0].replace("\n", " ")
    )
    parser.add_argument(
        "--input",
        type=Path,
        default=WORDS_DIR,
        help="folder of batch files (batch-01.txt, ...), one per batch (default: data/words)",
    )
    parser.add_argument(
        "--batch-seconds", type=float, default=1.0, help="the DStream batch interval"
    )
    parser.add_argument("--top", type=int, default=10, help="how many top words per batch")
    parser.add_argument(
        "--api",
        choices=["dstream", "structured", "both"],
        default="both",
        help="which of the lab's two word counts to run",
    )
    common_arguments(parser)
    return parser.parse_args(argv)


def dstream_word_count(
    spark: SparkSession, batches: list[list[str]], args: argparse.Namespace, checkpoint: str
) -> dict[str, pd.DataFrame]:
    """Part 1 and 3 of the lab: counts, running totals and top words of every batch."""
    ssc = streaming_context(args.batch_seconds, checkpoint)
    counts = count_words(replay(ssc, batches))
    outputs = {
        "dstream_counts": capture(counts, ["word", "count"]),
        "dstream_totals": capture(running_totals(counts), ["word", "total"]),
        "dstream_top": capture(top_words(counts, args.top), ["word", "count"]),
    }
    run(ssc, batches=len(batches), timeout=args.timeout)
    tables = {name: out.frame() for name, out in outputs.items() if name != "dstream_top"}
    top = outputs["dstream_top"].frame(sort=False)  # Spark's order is the ranking
    top.insert(1, "rank", top.groupby("batch").cumcount() + 1)
    tables["dstream_top"] = top
    return tables


def structured_word_count(
    spark: SparkSession, batches: list[list[str]], args: argparse.Namespace, checkpoint: str
) -> dict[str, pd.DataFrame]:
    """Part 3 of the lab: the running totals of Structured Streaming, in update mode."""
    folder = args.work_dir / "input"
    shutil.rmtree(folder, ignore_errors=True)  # files of an earlier run would be read again
    FileDrop(folder).drop_all(batches)
    lines = spark.readStream.option("maxFilesPerTrigger", 1).text(location(folder))
    table = MicroBatchTable()
    query = (
        count_words_df(lines)
        .writeStream.outputMode("update")
        .foreachBatch(table.add)
        .option("checkpointLocation", checkpoint)
        .trigger(availableNow=True)
        .start()
    )
    finish(query, args.timeout)
    return {"structured_totals": table.frame().rename(columns={"count": "total"})}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    batches = read_batch_files(args.input, ".txt")
    if not batches:
        raise SystemExit(f"No batch files (batch-*.txt) in {args.input}.")
    checkpoint = args.checkpoint or location(args.work_dir / "checkpoint")
    spark = get_spark("word-count", log_level="WARN")  # a terminal shows Spark's warnings
    spark.conf.set("spark.sql.shuffle.partitions", str(args.partitions))
    try:
        print(f"word_count on {spark.sparkContext.master}: {len(batches)} batches")
        empty_checkpoint(spark, checkpoint)
        tables: dict[str, pd.DataFrame] = {}
        if args.api in ("dstream", "both"):
            tables |= dstream_word_count(spark, batches, args, f"{checkpoint}/dstream")
        if args.api in ("structured", "both"):
            tables |= structured_word_count(spark, batches, args, f"{checkpoint}/structured")
        write_tables(args.output, tables)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
