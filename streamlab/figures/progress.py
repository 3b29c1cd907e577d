"""A streaming query's progress, micro-batch by micro-batch: rates, durations, state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure

from .style import PALETTE, finish, new_figure

LEGEND = {"fontsize": 8, "loc": "upper left", "framealpha": 0.9}  # in the headroom above the data


def progress_row(progress: Any) -> dict[str, Any]:
    """The fields of one progress report (a StreamingQueryProgress or its dict) that the
    chart draws."""
    operators = progress["stateOperators"] or []
    return {
        "batch": progress["batchId"],
        "input rows": progress["numInputRows"],
        "input rows/s": float(progress["inputRowsPerSecond"] or 0.0),
        "processed rows/s": float(progress["processedRowsPerSecond"] or 0.0),
        "batch duration (ms)": progress["batchDuration"],
        "state rows": sum(op["numRowsTotal"] for op in operators),
        "dropped by watermark": sum(op["numRowsDroppedByWatermark"] for op in operators),
    }


def progress_chart(
    rows: Sequence[dict[str, Any]], trigger_ms: float | None = None, title: str | None = None
) -> Figure:
    """Three panels over the micro-batches: input and processed rows per second; each
    micro-batch's duration against the trigger interval; rows read, and (where there are any)
    rows in state and rows dropped by the watermark."""
    fig, (rates, durations, state) = new_figure(width=9.5, height=3.1, cols=3)
    batches = [r["batch"] for r in rows]
    rates.plot(
        batches, [r["input rows/s"] for r in rows], "o-", color=PALETTE[0], label="input rows/s"
    )
    rates.plot(
        batches,
        [r["processed rows/s"] for r in rows],
        "s--",
        color=PALETTE[1],
        label="processed rows/s",
    )
    rates.set_title("rates", fontsize=10)
    rates.set_ylabel("rows per second")
    rates.legend(**LEGEND)
    durations.bar(
        batches,
        [r["batch duration (ms)"] / 1000 for r in rows],
        color=PALETTE[2],
        label="micro-batch duration",
    )
    if trigger_ms:
        durations.axhline(
            trigger_ms / 1000,
            color=PALETTE[3],
            ls="--",
            label=f"trigger interval ({trigger_ms / 1000:g} s)",
        )
    durations.set_title("duration", fontsize=10)
    durations.set_ylabel("seconds")
    durations.legend(**LEGEND)
    state.bar(batches, [r["input rows"] for r in rows], color=PALETTE[5], label="rows read")
    if any(r["state rows"] for r in rows):
        state.plot(
            batches, [r["state rows"] for r in rows], "o-", color=PALETTE[4], label="rows in state"
        )
    if any(r["dropped by watermark"] for r in rows):
        state.bar(
            batches,
            [r["dropped by watermark"] for r in rows],
            color=PALETTE[3],
            width=0.5,
            label="dropped by watermark",
        )
    state.set_title("rows", fontsize=10)
    state.set_ylabel("rows per micro-batch")
    state.legend(**LEGEND)
    for ax in (rates, durations, state):
        ax.set_xlabel("micro-batch")
        ax.set_xticks(batches)
        ax.set_ylim(0, max(ax.get_ylim()[1], 1e-9) * 1.55)  # room for the legend
    if title:
        fig.suptitle(title, fontsize=10.5, x=0.01, ha="left")
    return finish(fig)
