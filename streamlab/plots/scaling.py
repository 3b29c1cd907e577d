"""Scaling figures: a rate limit against a burst of input, batch by batch."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..simulate.ratelimit import BacklogRun
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
