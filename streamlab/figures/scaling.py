"""Scaling figures: a rate limit against a burst of input, batch by batch."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..errors import SetupError
from ..models.ratelimit import BacklogRun, backlog_run
from .style import PALETTE, STYLE, finish, new_figure


def backlog_chart(
    run: BacklogRun,
    limit_per_s: float | None = None,
    title: str = "A burst of input, with and without a rate limit",
) -> Figure:
    """Three panels over the batches: records in and processed, records waiting (in the source,
    held back by a cap, or in Spark, in batches queued behind a late one), and the scheduling
    delay (how long each batch waited for the previous ones)."""
    batches = list(range(1, len(run.taken) + 1))
    with plt.rc_context(STYLE):
        fig, (top, middle, bottom) = new_figure(7.2, 6.2, rows=3, sharex=True)
        top.bar(batches, run.taken, color=PALETTE[0], label="processed in the batch")
        top.step(
            batches,
            run.arrived,
            where="mid",
            color=PALETTE[3],
            lw=1.5,
            label="arrived during the interval",
        )
        if limit_per_s is not None:
            top.axhline(
                limit_per_s * run.batch_s,
                color="black",
                ls="--",
                lw=1,
                label="cap per batch",
            )
        top.set_ylabel("records")
        top.legend(loc="upper right", fontsize=8, frameon=False)
        middle.bar(
            batches, run.waiting, color=PALETTE[1], label="in the source (held back by a cap)"
        )
        middle.bar(
            batches,
            run.queued,
            bottom=run.waiting,
            color=PALETTE[5],
            label="in Spark: batches queued behind a late one",
        )
        middle.set_ylabel("records\nwaiting")
        middle.legend(loc="upper right", fontsize=8, frameon=False)
        bottom.bar(batches, run.scheduling_delay_s, color=PALETTE[4])
        bottom.axhline(0, color="black", lw=0.5)
        bottom.set_ylabel("scheduling\ndelay (s)")
        # Fixed scales, so that pictures for different caps compare at a glance.
        top.set_ylim(0, max(450, 1.1 * max(run.arrived + run.taken)))
        waiting = [a + b for a, b in zip(run.waiting, run.queued)]
        middle.set_ylim(0, max(1300, 1.1 * max(waiting)))
        bottom.set_ylim(0, max(4, 1.1 * max(run.scheduling_delay_s)))
        for ax, values, text in (
            (middle, waiting, "nothing waits"),
            (bottom, run.scheduling_delay_s, "no batch waits: no delay"),
        ):
            if not any(values):
                ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", color="0.4")
        bottom.set_xlabel(f"batch number (one batch every {run.batch_s:g} s)")
        bottom.set_xticks(batches)
        top.set_title(title)
    return finish(fig)


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).

# Chapter 08: records per second in each one-second batch: a burst in the middle.
BURST_ARRIVALS = [100] * 3 + [400] * 5 + [100] * 10


def burst(limit: float | None):
    """Chapter 08: the burst processed with an optional cap in records per second."""
    return backlog_run(
        BURST_ARRIVALS,
        batch_s=1.0,
        cost_per_record_s=0.004,
        overhead_s=0.1,
        limit_per_s=limit,
    )


def rate_cap(limit: float) -> Figure:
    """Chapter 08: the burst's backlog with a cap of `limit` records/s (0: no cap)."""
    if 0 < limit < 100:
        raise SetupError(
            "a cap below the normal input rate (100 records/s) never drains"
            " the backlog; choose 0 (no cap) or at least 100"
        )
    cap = limit or None
    label = f"cap {limit:g} records/s" if cap else "no cap"
    return backlog_chart(burst(cap), cap, title=f"Burst of input, {label}")
