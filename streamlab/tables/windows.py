"""Display tables of the window chapter and Lab 2: captured output side by side, as text.

Plumbing only: the Spark code and the checks (`assert`) stay in the notebooks; these helpers
turn captured rows (`streamlab.dstream.batches`) into the small tables a reader compares by eye.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import pandas as pd

WindowCounts = Mapping[int, Mapping[str, int]]  # {emitting batch: {word: count}}


class TimedEvent(Protocol):
    """An event with its event time and its arrival, in seconds (`streamlab.data.WordEvent`)."""

    time_s: float
    arrival_s: float


def counts_per_batch(frame: pd.DataFrame) -> dict[int, dict[str, int]]:
    """{batch: {word: count}} from captured (batch, word[, count]) rows; no count column = 1."""
    table: dict[int, dict[str, int]] = {}
    has_count = "count" in frame.columns
    for row in frame.itertuples(index=False):
        words = table.setdefault(int(row.batch), {})
        words[row.word] = words.get(row.word, 0) + (int(row.count) if has_count else 1)
    return table


def non_empty(counts: WindowCounts) -> dict[int, Mapping[str, int]]:
    """The windows that hold something: an empty window emits an empty RDD, so no rows."""
    return {batch: c for batch, c in counts.items() if c}


def counts_text(counts: Mapping[str, int], empty: str = "-") -> str:
    """'kafka 1, spark 2' (words in alphabetical order), or `empty` for an empty window."""
    return ", ".join(f"{w} {c}" for w, c in sorted(counts.items())) or empty


def side_by_side(
    columns: Mapping[str, WindowCounts],
    batches: Iterable[int],
    index_name: str = "emitted at batch",
    empty: str = "-",
) -> pd.DataFrame:
    """One row per batch, one column per result (name -> {batch: counts}), each as text."""
    order = list(batches)
    return pd.DataFrame(
        {
            name: [counts_text(got.get(k, {}), empty) for k in order]
            for name, got in columns.items()
        },
        index=pd.Index(order, name=index_name),
    )


def window_contents(
    elements: pd.DataFrame,
    totals: Mapping[int, int],
    counts: pd.DataFrame,
    n_windows: int,
    held_column: str = "arrived in batch",
) -> pd.DataFrame:
    """Per window: the batches its elements came from, its number of words and its counts.

    `elements` are `window`'s captured rows (column `held_column`: the batch an element arrived
    in), `totals` what `countByWindow` emitted per batch, `counts` the captured (batch, word,
    count) rows of `reduceByKeyAndWindow`.
    """
    held = elements.groupby("batch")[held_column].agg(["min", "max"])
    per_window = counts_per_batch(counts)
    order = range(1, n_windows + 1)
    return pd.DataFrame(
        {
            "holds batches": [
                f"{held.loc[k, 'min']}–{held.loc[k, 'max']}" if k in held.index else "none"
                for k in order
            ],
            "words (countByWindow)": [totals.get(k) for k in order],
            "counts (reduceByKeyAndWindow)": [
                counts_text(per_window.get(k, {}), "") for k in order
            ],
        },
        index=pd.Index(order, name="window emitted at batch"),
    )


def append_against_update(appended: pd.DataFrame, updated: pd.DataFrame, word: str) -> pd.DataFrame:
    """One word's windows as append mode wrote them (once, final), and how often update mode did.

    Both frames are (batch_id, start, end, word, count) rows, start and end in seconds.
    """
    final = appended[appended["word"] == word]
    written = updated[updated["word"] == word].groupby(["start", "end"]).size()
    return pd.DataFrame(
        {
            "written in micro-batch": final["batch_id"].to_numpy(),
            "window": [f"{s:g}–{e:g}" for s, e in zip(final["start"], final["end"])],
            "final count": final["count"].to_numpy(),
            "times written in update mode": [
                int(written[(s, e)]) for s, e in zip(final["start"], final["end"])
            ],
        }
    )


def clocks_compared(
    events: Sequence[TimedEvent],
    by_arrival: Mapping[int, int],
    by_event_time: Mapping[float, int],
    window_s: float,
    ends: Iterable[int],
) -> pd.DataFrame:
    """Per window ending at second k: what happened, what each clock counted, and why they differ.

    `by_arrival` maps a DStream window's emitting batch (its end, on 1 s batches) to its word
    count; `by_event_time` maps an event-time window's end (s) to its count.
    """
    rows = []
    for k in ends:
        start = k - window_s

        def happened(e: TimedEvent, start: float = start, k: int = k) -> bool:
            return start <= e.time_s < k

        def arrived(e: TimedEvent, start: float = start, k: int = k) -> bool:
            return start <= e.arrival_s < k

        rows.append(
            {
                "window": f"{start:g}–{k:g}",
                "happened": sum(happened(e) for e in events),
                "event time": int(by_event_time.get(float(k), 0)),
                "processing time": int(by_arrival.get(k, 0)),
                "late, counted elsewhere by arrival": sum(
                    happened(e) and not arrived(e) for e in events
                ),
                "arrived late from earlier windows": sum(
                    arrived(e) and not happened(e) for e in events
                ),
            }
        )
    return pd.DataFrame(rows)
