"""Checks of Lab 2's key functions (labs/02-sliding-windows.ipynb) against the book's models.

`model_window_counts` (reduceByKeyAndWindow) and `simulate` (event-time windows with a
watermark) are the models the book's differential tests prove equal to Spark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..data.word_events import EVENT_EPOCH
from ..lessons import windows as book
from ..models.watermark import Event, simulate
from ..models.windows import model_window_counts
from ..runtime.scratch import scratch_dir
from ..runtime.spark import get_spark
from ..structured.file_drop import FileDrop
from ..structured.micro_batch_table import MicroBatchTable
from . import Mismatch, run_dstream, show_batches, verdict

TASKS = {
    "windowed_counts": "pair each word with 1 (map), then count each word over the window "
    "with reduceByKeyAndWindow(operator.add, None, window_s, slide_s, numPartitions=1): "
    "None means no inverse function, so each window is counted afresh.",
    "event_time_counts": "set the watermark (withWatermark on event_time, delay_s seconds), "
    "group by F.window(event_time, window, slide) and word, count, and select the window's "
    "start and end, the word and the count.",
}

WORDS = [["a", "b"], ["a"], ["c", "a"], [], ["b"]]


def check_windowed_counts(windowed_counts: Callable) -> Callable:
    """A window of 3 batches sliding by 2, against the book's model of reduceByKeyAndWindow."""
    window_s, slide_s, n = 3.0, 2.0, 7

    def trial(function: Callable) -> str:
        model = model_window_counts(WORDS, 1.0, window_s, slide_s, n_batches=n)
        expected = [model.get(k, {}) for k in range(1, n + 1)]
        rows = run_dstream(lambda words: function(words, window_s, slide_s), WORDS, n_batches=n)
        got = [dict(batch) for batch in rows]
        if got != expected:
            raise Mismatch(
                f"words {WORDS} at one batch per second, window {window_s:g} s, "
                f"slide {slide_s:g} s",
                show_batches(expected),
                show_batches(got),
            )
        return (
            f"a {window_s:g} s window sliding by {slide_s:g} s gave, in every second batch, "
            f"the counts of its last three batches ({show_batches(got)})."
        )

    return verdict(
        "windowed_counts", windowed_counts, book.windowed_counts, trial, TASKS["windowed_counts"]
    )


# (event time in s, word) arriving in each micro-batch: `c` at 1.5 s comes late, after the
# watermark has closed its window 0-2 s, but not 1-3 s.
EVENTS = [[(0.5, "a"), (1.2, "b")], [(3.1, "a"), (0.8, "a")], [(5.5, "b"), (1.5, "c")]]


def _seconds(stamp) -> float:
    return round((stamp - EVENT_EPOCH).total_seconds(), 3)


def _show_rows(batches: dict[int, list[tuple]]) -> str:
    return (
        " | ".join(
            f"micro-batch {b}: " + ", ".join(f"{w} {c} in [{s:g}, {e:g}) s" for s, e, w, c in rows)
            for b, rows in sorted(batches.items())
        )
        or "(no rows)"
    )


def check_event_time_counts(event_time_counts: Callable) -> Callable:
    """Append mode over three small files, against the book's model of the watermark."""
    delay_s, window_s, slide_s = 1, 2, 1

    def trial(function: Callable) -> str:
        drop = FileDrop(scratch_dir("check-events"))
        for batch in EVENTS:
            stamps = (EVENT_EPOCH + dt.timedelta(seconds=t) for t, _ in batch)
            drop.drop(
                f"{s:%Y-%m-%d %H:%M:%S.%f}"[:-5] + f",u,{w}" for s, (_, w) in zip(stamps, batch)
            )
        model = simulate(
            [Event(t, b, w) for b, batch in enumerate(EVENTS) for t, w in batch],
            delay_s,
            window_s,
            slide_s,
        )
        expected = {r.batch: r.append for r in model.batches if r.append}
        table = MicroBatchTable()
        query = (
            function(book.stream_word_events(get_spark(), drop.path), delay_s, window_s, slide_s)
            .writeStream.outputMode("append")
            .foreachBatch(table.add)
            .option("checkpointLocation", str(scratch_dir("check-events-query")))
            .trigger(availableNow=True)
            .start()
        )
        try:
            query.awaitTermination(60)
        finally:
            query.stop()
        frame = table.frame()
        got = (
            {
                int(b): sorted(
                    (_seconds(r.start), _seconds(r.end), r.word, int(r.count))
                    for r in rows.itertuples()
                )
                for b, rows in frame.groupby("batch_id")
            }
            if set(frame.columns) >= {"start", "end", "word", "count"}
            else {}
        )
        if got != expected:
            raise Mismatch(
                f"events {EVENTS} (seconds, word) in three micro-batches, watermark delay "
                f"{delay_s} s, window {window_s} s sliding by {slide_s} s, append mode",
                _show_rows(expected),
                _show_rows(got) if got or frame.empty else f"columns {list(frame.columns)}",
            )
        return (
            "append mode wrote each window once, when the watermark passed its end, and "
            f"dropped the late c from the window that had closed ({_show_rows(got)})."
        )

    return verdict(
        "event_time_counts",
        event_time_counts,
        book.event_time_counts,
        trial,
        TASKS["event_time_counts"],
    )
