"""The live progress view (streamlab.widgets.progress_view) and the progress chart's rows."""

from __future__ import annotations

import pytest
from pyspark.sql import functions as F

from streamlab import FileDrop, MicroBatchTable, scratch_dir
from streamlab.errors import RunError
from streamlab.figures.progress import progress_chart, progress_row
from streamlab.widgets.progress_view import ProgressView


def counting_query(spark, name, batches):
    drop = FileDrop(scratch_dir(f"progress-{name}"))
    drop.drop_all(batches)
    counts = (
        spark.readStream.option("maxFilesPerTrigger", 1)
        .text(drop.path)
        .groupBy(F.col("value").alias("word"))
        .count()
    )
    return (
        counts.writeStream.outputMode("update")
        .foreachBatch(MicroBatchTable().add)
        .queryName(name)
        .trigger(availableNow=True)
    )


def test_the_view_keeps_the_reports_of_its_own_query_only(spark):
    view = ProgressView(spark, "watched", trigger_ms=500)
    other = counting_query(spark, "other", [["x"], ["y"]]).start()
    watched = counting_query(spark, "watched", [["a", "b"], ["a"], ["c", "c", "c"]]).start()
    try:
        assert watched.awaitTermination(120) and other.awaitTermination(120)
        view.wait_for(batches=3, timeout=60)
    finally:
        view.close()
    assert [r["batch"] for r in view.rows] == [0, 1, 2]
    assert [r["input rows"] for r in view.rows] == [2, 1, 3]
    assert [r["state rows"] for r in view.rows] == [2, 2, 3]  # a, b; a, b; a, b, c
    assert [r["dropped by watermark"] for r in view.rows] == [0, 0, 0]
    assert view.figure().axes[0].get_xlabel() == "micro-batch"
    assert view.still_png  # the picture the website shows


def test_after_close_the_view_hears_nothing(spark):
    view = ProgressView(spark, "closed")
    view.close()
    query = counting_query(spark, "closed", [["a"]]).start()
    assert query.awaitTermination(120)
    with pytest.raises(RunError, match="reported 0 of 1 micro-batches within 0.5 s"):
        view.wait_for(batches=1, timeout=0.5)
    assert view.rows == []


def test_a_progress_row_reads_the_report_fields():
    report = {
        "batchId": 4,
        "numInputRows": 30,
        "inputRowsPerSecond": 15.0,
        "processedRowsPerSecond": None,  # Spark leaves it out when nothing was processed
        "batchDuration": 1200,
        "stateOperators": [
            {"numRowsTotal": 5, "numRowsDroppedByWatermark": 2},
            {"numRowsTotal": 1, "numRowsDroppedByWatermark": 0},
        ],
    }
    assert progress_row(report) == {
        "batch": 4,
        "input rows": 30,
        "input rows/s": 15.0,
        "processed rows/s": 0.0,
        "batch duration (ms)": 1200,
        "state rows": 6,
        "dropped by watermark": 2,
    }
    chart = progress_chart([progress_row(report)], trigger_ms=1000)
    assert [ax.get_title() for ax in chart.axes] == ["rates", "duration", "rows"]
