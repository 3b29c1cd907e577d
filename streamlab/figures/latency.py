"""End-to-end latency by trigger, and what each micro-batch spends before and after its work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.figure import Figure

from .style import PALETTE, finish, new_figure

# The steps of a progress report's durationMs, in the order a micro-batch runs them.
DURATION_STEPS = ["latestOffset", "getBatch", "queryPlanning", "walCommit", "addBatch"]
DURATION_STEPS += ["commitOffsets"]


def latency_by_trigger(samples: Mapping[str, Sequence[float]], title: str | None = None) -> Figure:
    """One strip of points per trigger: each row's latency (event time to the sink's write,
    in seconds), with its median marked."""
    fig, ax = new_figure(width=7.5, height=3.6)
    for place, values in enumerate(samples.values()):
        values = sorted(values)
        # Spread the points across the strip by the golden ratio: no randomness, same picture.
        offsets = [0.3 * ((i * 0.618034) % 1 - 0.5) for i in range(len(values))]
        colour = PALETTE[place % len(PALETTE)]
        ax.scatter([place + o for o in offsets], values, s=9, alpha=0.5, color=colour)
        if values:
            median = values[len(values) // 2]
            ax.plot([place - 0.25, place + 0.25], [median, median], color="black", lw=2)
            ax.annotate(
                f"median {median:.2f} s",
                (place + 0.27, median),
                fontsize=8,
                va="center",
            )
    ax.set_xticks(range(len(samples)), list(samples))
    ax.set_xlim(-0.5, len(samples) - 0.2)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("trigger")
    ax.set_ylabel("latency per row (s)")
    ax.set_title(title or "From a row's event time to the moment the sink wrote it", fontsize=10)
    return finish(fig)


def batch_floor(reports: Sequence[Mapping[str, Any]], title: str | None = None) -> Figure:
    """A stacked bar per micro-batch of its durationMs steps (ms): the fixed cost beside the
    work (`addBatch`)."""
    fig, ax = new_figure(width=7.5, height=3.6)
    batches = [r["batchId"] for r in reports]
    bottoms = [0.0] * len(reports)
    for place, step in enumerate(DURATION_STEPS):
        heights = [float(r["durationMs"].get(step, 0)) for r in reports]
        ax.bar(batches, heights, bottom=bottoms, color=PALETTE[place], label=step, width=0.7)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    ax.set_xlabel("micro-batch")
    ax.set_ylabel("time (ms)")
    ax.set_xticks(batches)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title(title or "Where a micro-batch's time goes (durationMs)", fontsize=10)
    return finish(fig)
