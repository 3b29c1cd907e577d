"""Time lines of micro-batches: events cut into batches, and batches waiting in the queue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..errors import SetupError
from ..models.batches import (
    QueuedBatch,
    group_into_batches,
    is_stable,
    queue_batches,
    random_arrivals,
)
from .style import PALETTE, STYLE, finish, new_figure

MAX_BATCHES_DRAWN = 200


def check_interval(batch_s: float) -> None:
    """Refuse a batch interval Spark would refuse, with a plain message."""
    if batch_s <= 0:
        raise SetupError(f"The batch interval must be more than 0 s (got {batch_s:g} s).")
    if abs(round(batch_s * 1000) - batch_s * 1000) > 1e-6:
        raise SetupError(
            f"Spark counts the batch interval in whole milliseconds; {batch_s:g} s is not."
        )


def batch_timeline(
    arrivals_s: Sequence[float], batch_s: float, duration_s: float, title: str | None = None
) -> Figure:
    """Events as dots on a time axis, the batch intervals as bands, each band's count on top.

    Batch k collects the events of [(k-1)·batch, k·batch) and is ready at k·batch.
    """
    check_interval(batch_s)
    n_batches = max(1, round(duration_s * 1000) // round(batch_s * 1000))
    if n_batches > MAX_BATCHES_DRAWN:
        raise SetupError(f"{n_batches} batches are too many to draw; use a longer batch interval.")
    inside = [t for t in arrivals_s if t < n_batches * batch_s]
    groups = group_into_batches(inside, batch_s)
    with plt.rc_context(STYLE):
        fig, ax = new_figure(9.0, 2.9)
        for k in range(1, n_batches + 1):
            start = (k - 1) * batch_s
            colour = PALETTE[0] if k % 2 else PALETTE[1]
            ax.axvspan(start, start + batch_s, color=colour, alpha=0.10, linewidth=0)
            ax.axvline(k * batch_s, color="#666666", linewidth=0.8, linestyle=":")
            members = groups.get(k, [])
            xs = [inside[i] for i in members]
            ys = [0.15 + 0.14 * (i % 5) for i in members]
            ax.scatter(xs, ys, s=16, color=colour, zorder=3)
            if n_batches <= 40:
                ax.text(
                    start + batch_s / 2,
                    0.93,
                    str(len(members)),
                    ha="center",
                    va="center",
                    fontsize=8 if n_batches <= 20 else 6.5,
                )
        ax.set_xlim(0, n_batches * batch_s)
        ax.set_ylim(0, 1.05)
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("arrival time since the stream started (s); dotted lines: a batch is cut")
        ax.set_title(
            title
            or (
                f"{len(inside)} events, batch interval {batch_s:g} s → {n_batches} batches "
                f"(number on top: events in the batch)"
            ),
            fontsize=10,
        )
    return finish(fig)


def queue_chart(runs: Sequence[QueuedBatch], batch_s: float, title: str | None = None) -> Figure:
    """One row per batch: the time it waited in the queue (grey) and ran (colour), in seconds."""
    with plt.rc_context(STYLE):
        fig, ax = new_figure(8.0, 0.28 * len(runs) + 1.4)
        for run in runs:
            y = run.batch
            ax.barh(
                y,
                run.scheduling_delay_s,
                left=run.ready_s,
                color="#BBBBBB",
                height=0.6,
                label="waiting (scheduling delay)" if y == 1 else None,
            )
            ax.barh(
                y,
                run.processing_s,
                left=run.start_s,
                color=PALETTE[0],
                height=0.6,
                label="processing" if y == 1 else None,
            )
            ax.plot([run.ready_s], [y], marker="|", color="black", markersize=9)
        ax.invert_yaxis()
        ax.set_xlabel("time since the stream started (s); | marks when a batch is ready")
        ax.set_ylabel("batch")
        ax.set_yticks([r.batch for r in runs] if len(runs) <= 25 else [])
        last_end = max(r.end_s for r in runs)
        ax.set_xlim(0, max(last_end, (len(runs) + 1) * batch_s) * 1.02)
        ax.legend(loc="lower left", fontsize=8, frameon=False)
        ax.grid(axis="y", visible=False)
        ax.set_title(title or f"Batch interval {batch_s:g} s", fontsize=10)
    return finish(fig)


def delay_per_batch(
    series: Mapping[str, Sequence[float]],
    title: str = "Scheduling delay of each batch",
    ylabel: str = "scheduling delay (s)",
) -> Figure:
    """One line per setting: the delay (y, seconds) of batch 1, 2, 3, ... (x)."""
    with plt.rc_context(STYLE):
        fig, ax = new_figure(7.0, 3.4)
        for i, (label, delays) in enumerate(series.items()):
            batches = range(1, len(delays) + 1)
            ax.plot(batches, delays, marker="o", markersize=4, color=PALETTE[i % 8], label=label)
        longest = max((len(d) for d in series.values()), default=1)
        ax.set_xticks(range(1, longest + 1))
        ax.set_xlabel("batch number")
        ax.set_ylabel(ylabel)
        top = max((max(d) for d in series.values() if len(d)), default=0) or 1.0
        ax.set_ylim(-0.04 * top, top * 1.08)  # a line at zero stays visible above the axis
        ax.set_title(title, fontsize=10)
        ax.legend(loc="upper left", fontsize=9, frameon=False)
    return finish(fig)


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).

# Chapter 01: eight events a second for six seconds, cut into batches.
BATCHING_EVENTS = random_arrivals(rate_per_s=8, duration_s=6, seed=3)


def batching_timeline(batch_interval: float) -> Figure:
    """Chapter 01: the same events cut into batches of `batch_interval` seconds."""
    return batch_timeline(BATCHING_EVENTS, batch_interval, duration_s=6)


# Chapter 02: the cost of a batch, fixed part plus a cost per record.
QUEUE_FIXED_S = 0.5  # per batch


QUEUE_PER_RECORD_S = 0.005  # per record (10 ms, on two partitions in parallel)


def batch_queue(batch_interval: float, input_rate: float) -> Figure:
    """Chapter 02: twelve batches queued at an input rate; stable or falling behind."""
    if round(batch_interval * 1000) != batch_interval * 1000:
        raise SetupError("Spark counts the batch interval in whole ms.")
    n = 12
    events = random_arrivals(input_rate, n * batch_interval, seed=4)
    grouped = group_into_batches(events, batch_interval)
    sizes = [len(grouped.get(k, [])) for k in range(1, n + 1)]
    costs = [QUEUE_FIXED_S + size * QUEUE_PER_RECORD_S for size in sizes]
    runs = queue_batches(batch_interval, costs)
    stable = is_stable(batch_interval, input_rate, QUEUE_PER_RECORD_S, QUEUE_FIXED_S)
    title = (
        f"{input_rate:g} records/s, interval {batch_interval:g} s, "
        f"mean processing {sum(costs) / n:.2f} s: {'stable' if stable else 'unstable'}"
    )
    return queue_chart(runs, batch_interval, title=title)
