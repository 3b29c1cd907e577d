"""Event-time windows with a watermark, as Structured Streaming runs them micro-batch by batch.

The rules, measured on Spark 4.3 (tests/models/test_model_watermark.py checks them against it):

* Micro-batch k runs with the watermark `max(event time seen in batches < k) - delay`
  (it never goes back; before any data there is none). Spark computes it at the end of a batch
  and uses it from the next one.
* A row is dropped as late, window by window, when the window's end is at or before the
  watermark of the *previous* micro-batch (k - 1). A row in a sliding window can therefore be
  counted in one window and dropped from another.
* Spark counts the late rows per (window, word) key, not per event: the aggregation merges a
  batch's rows by key before its state store drops the late keys, so two late events of one
  word in one window are one row dropped (`numRowsDroppedByWatermark`).
* At the end of batch k, every window whose end is at or before batch k's own watermark is
  removed from the state; the (window, word) keys left are its rows in state (`numRowsTotal`).
  Append mode emits a window when it is removed, once, with its final count; update mode
  emits, in every batch, the windows whose count changed in that batch (with the new total).
* When the last batch moved the watermark, Spark runs one more micro-batch without data, which
  evicts (and in append mode emits) the windows the new watermark closes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import SetupError

Window = tuple[float, float]  # (start, end) in seconds; end is exclusive


class WatermarkSetupError(SetupError):
    """A setting Spark would refuse; the message says why."""


@dataclass(frozen=True)
class Event:
    """One record: its own event time, the micro-batch it arrives in, and its word."""

    time_s: float
    batch: int
    word: str


@dataclass
class EventFate:
    """What happened to one event: the windows that counted it and those that dropped it."""

    event: Event
    counted: list[Window] = field(default_factory=list)
    dropped: list[Window] = field(default_factory=list)

    @property
    def status(self) -> str:
        """'counted', 'dropped', or 'partly' (a sliding window counted it, another did not)."""
        if not self.dropped:
            return "counted"
        return "partly" if self.counted else "dropped"


@dataclass
class BatchResult:
    """One micro-batch: its watermarks and what each output mode writes.

    Rows are (window start, window end, word, count), sorted.
    """

    batch: int
    late_before_s: float | None  # rows in windows ending at or before this are dropped
    watermark_s: float | None  # windows ending at or before this are closed and evicted
    has_data: bool
    append: list[tuple[float, float, str, int]]
    update: list[tuple[float, float, str, int]]
    dropped: int = 0  # (window, word) keys of this batch's events dropped as late
    state_rows: int = 0  # (window, word) keys in state after the batch (closed ones evicted)


@dataclass
class WatermarkRun:
    """The whole run: per event its fate, per micro-batch its output."""

    fates: list[EventFate]
    batches: list[BatchResult]


def check_settings(delay_s: float, window_s: float, slide_s: float) -> None:
    """Refuse what Spark refuses, in plain words."""
    if delay_s < 0:
        raise WatermarkSetupError(f"The watermark delay cannot be negative (got {delay_s:g} s).")
    if window_s <= 0:
        raise WatermarkSetupError(f"The window length must be more than 0 s (got {window_s:g} s).")
    if slide_s <= 0:
        raise WatermarkSetupError(f"The slide must be more than 0 s (got {slide_s:g} s).")
    if slide_s > window_s:
        raise WatermarkSetupError(
            f"The slide ({slide_s:g} s) must not be longer than the window ({window_s:g} s): "
            "Spark refuses windows that leave gaps between them."
        )


def windows_of(time_s: float, window_s: float, slide_s: float | None = None) -> list[Window]:
    """Every window [start, end) holding `time_s`; starts are multiples of the slide (from 0)."""
    slide_s = window_s if slide_s is None else slide_s
    last_start = math.floor(time_s / slide_s) * slide_s
    windows = []
    start = last_start
    while start > time_s - window_s:
        windows.append((start, start + window_s))
        start -= slide_s
    return sorted(windows)


def simulate(
    events: Sequence[Event], delay_s: float, window_s: float, slide_s: float | None = None
) -> WatermarkRun:
    """Run `events` through a windowed count with a watermark, as Spark does (see above)."""
    slide_s = window_s if slide_s is None else slide_s
    check_settings(delay_s, window_s, slide_s)
    fates = [EventFate(e) for e in events]
    n_batches = max((e.batch for e in events), default=-1) + 1
    state: Counter[tuple[float, float, str]] = Counter()
    max_event: float | None = None
    previous_watermark: float | None = None  # the watermark of batch k - 1
    watermark: float | None = None  # the watermark of batch k
    results: list[BatchResult] = []
    batch = 0
    while True:
        has_data = batch < n_batches
        if not has_data and (batch == 0 or watermark == previous_watermark_after(results)):
            break
        changed: set[tuple[float, float, str]] = set()
        late: set[tuple[float, float, str]] = set()
        batch_max = None
        for fate in fates:
            event = fate.event
            if event.batch != batch:
                continue
            batch_max = event.time_s if batch_max is None else max(batch_max, event.time_s)
            for start, end in windows_of(event.time_s, window_s, slide_s):
                if previous_watermark is not None and end <= previous_watermark:
                    fate.dropped.append((start, end))
                    late.add((start, end, event.word))
                    continue
                fate.counted.append((start, end))
                state[(start, end, event.word)] += 1
                changed.add((start, end, event.word))
        update = sorted((*key, state[key]) for key in changed)
        append = []
        if watermark is not None:
            closed = [key for key in state if key[1] <= watermark]
            append = sorted((*key, state[key]) for key in closed)
            for key in closed:
                del state[key]
        results.append(
            BatchResult(
                batch,
                previous_watermark,
                watermark,
                has_data,
                append,
                update,
                len(late),
                len(state),
            )
        )
        # End of the batch: the watermark for the next batch.
        if batch_max is not None:
            max_event = batch_max if max_event is None else max(max_event, batch_max)
        previous_watermark = watermark
        if max_event is not None:
            candidate = max_event - delay_s
            watermark = candidate if watermark is None else max(watermark, candidate)
        batch += 1
    return WatermarkRun(fates, results)


def previous_watermark_after(results: list[BatchResult]) -> float | None:
    """The watermark the last batch ran with (no extra batch runs if the next one is the same)."""
    return results[-1].watermark_s if results else None
