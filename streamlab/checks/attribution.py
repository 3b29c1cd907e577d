"""Checks of Lab 4's key code (labs/04-ad-attribution.ipynb): the idempotent foreachBatch sink
and the click-through rate per window, against plain Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..lessons import attribution as book
from ..runtime.scratch import scratch_dir
from ..runtime.spark import get_spark
from . import Mismatch, verdict

TASKS = {
    "ParquetByBatch": "in __call__, write batch_df as Parquet to "
    "f'{self.folder}/batch_id={batch_id}' in overwrite mode, so that a micro-batch Spark "
    "runs again after a failure replaces its folder instead of adding its rows twice.",
    "ctr_by_window": "group by F.window('impression_time', f'{window_s} seconds') and "
    "campaign; count every row (impressions) and the non-null click_time (clicks); select "
    "the window's start and end, campaign, impressions, clicks and "
    "ctr = round(clicks / impressions, 3).",
}


def check_parquet_by_batch(parquet_by_batch: type) -> type:
    """Batch 0, batch 1, then batch 0 again (a replay after a crash): no row twice."""

    def trial(sink_class: type) -> str:
        spark = get_spark()
        folder = scratch_dir("check-parquet-by-batch")
        sink = sink_class(str(folder))
        sink(spark.range(0, 3), 0)
        sink(spark.range(3, 5), 1)
        sink(spark.range(0, 3), 0)  # Spark runs micro-batch 0 again after a failure
        given = "micro-batch 0 (ids 0-2), micro-batch 1 (ids 3-4), then micro-batch 0 again"
        if not any(folder.iterdir()):
            raise Mismatch(given, "folders batch_id=0 and batch_id=1", "nothing written")
        rows = spark.read.parquet(str(folder)).collect()
        got = sorted((row["batch_id"], row["id"]) for row in rows)
        expected = [(0, 0), (0, 1), (0, 2), (1, 3), (1, 4)]
        if got != expected:
            raise Mismatch(given, f"(batch_id, id) rows {expected}", f"{got}")
        return "a micro-batch written twice left its rows once, in its own folder."

    return verdict(
        "ParquetByBatch", parquet_by_batch, book.ParquetByBatch, trial, TASKS["ParquetByBatch"]
    )


START = dt.datetime(2026, 5, 4, 10, 0, 0)
# (impression id, campaign, seconds after START of the impression, of its click or None)
ATTRIBUTED = [
    ("i1", "spring", 5, 12),
    ("i2", "spring", 40, None),
    ("i3", "spring", 61, None),
    ("i4", "autumn", 10, None),
    ("i5", "autumn", 20, 25),
    ("i6", "autumn", 30, 31),
    ("i7", "spring", 119, 130),
]


def ctr_in_python(rows: list[tuple], window_s: int) -> list[tuple]:
    """(start s, end s, campaign, impressions, clicks, ctr) per tumbling window."""
    groups: dict[tuple, list[int]] = {}
    for _, campaign, shown, clicked in rows:
        start = shown // window_s * window_s
        counts = groups.setdefault((start, start + window_s, campaign), [0, 0])
        counts[0] += 1
        counts[1] += clicked is not None
    return sorted((*key, n, c, round(c / n, 3)) for key, (n, c) in groups.items())


def check_ctr_by_window(ctr_by_window: Callable) -> Callable:
    """Seven attributed impressions in two campaigns and two minutes, against plain Python."""
    window_s = 60

    def stamp(seconds: int | None) -> str:
        if seconds is None:
            return "CAST(NULL AS TIMESTAMP)"
        return f"TIMESTAMP '{START + dt.timedelta(seconds=seconds):%Y-%m-%d %H:%M:%S}'"

    def trial(function: Callable) -> str:
        values = ", ".join(
            f"('{i}', 'u1', '{c}', {stamp(s)}, {stamp(k)})" for i, c, s, k in ATTRIBUTED
        )
        attributed = get_spark().sql(
            f"SELECT * FROM VALUES {values} "
            "AS t(impression_id, user_id, campaign, impression_time, click_time)"
        )
        expected = ctr_in_python(ATTRIBUTED, window_s)
        result = function(attributed, window_s)
        columns = ["start", "end", "campaign", "impressions", "clicks", "ctr"]
        if result is None or set(columns) - set(result.columns):
            raise Mismatch(
                f"window_s={window_s}",
                f"columns {columns}",
                "nothing" if result is None else f"columns {result.columns}",
            )
        got = sorted(
            (
                int((r["start"] - START).total_seconds()),
                int((r["end"] - START).total_seconds()),
                r["campaign"],
                r["impressions"],
                r["clicks"],
                float(r["ctr"]),
            )
            for r in result.collect()
        )
        if got != expected:
            raise Mismatch(
                f"window_s={window_s} and the impressions (id, campaign, shown at s, clicked "
                f"at s) {ATTRIBUTED}",
                f"(start s, end s, campaign, impressions, clicks, ctr) {expected}",
                f"{got}",
            )
        return f"{len(expected)} (window, campaign) rows, as plain Python counts them."

    return verdict(
        "ctr_by_window", ctr_by_window, book.ctr_by_window, trial, TASKS["ctr_by_window"]
    )
