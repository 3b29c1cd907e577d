"""Event time against arrival: where each record belongs, when it came, and the watermark."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..simulate.watermark import WatermarkRun
from .style import PALETTE, STYLE, finish, new_figure

MARKERS = {  # status -> (marker, colour, legend label)
    "counted": ("o", PALETTE[0], "counted"),
    "partly": ("D", PALETTE[1], "counted in some windows only"),
    "dropped": ("X", PALETTE[3], "dropped as late"),
}


def event_time_chart(
    run: WatermarkRun,
    window_s: float,
    slide_s: float | None = None,
    title: str = "Event time against arrival, with the watermark",
) -> Figure:
    """Events at (event time, arrival micro-batch); the watermark of each batch as a step line.

    Windows are shaded along the event-time axis (alternate bands of one slide). A row arriving
    in batch k is dropped when its window ends at or before the watermark drawn at batch k - 1.
    """
    slide_s = window_s if slide_s is None else slide_s
    times = [f.event.time_s for f in run.fates]
    marks = [b.watermark_s for b in run.batches if b.watermark_s is not None]
    low = min([*times, *marks]) if times else 0.0
    high = max([*times, *marks]) if times else window_s
    x0 = math.floor(low / slide_s) * slide_s
    x1 = (math.floor(high / slide_s) + 1) * slide_s
    n = len(run.batches)
    with plt.rc_context(STYLE):
        fig, ax = new_figure(7.6, 1.2 + 0.55 * n)
        for i, start in enumerate(range(int(x0), int(x1), int(slide_s) or 1)):
            if i % 2 == 0:
                ax.axvspan(start, start + slide_s, color="#000000", alpha=0.06, lw=0)
        # The watermark each micro-batch runs with, as a step from batch to batch.
        for b in run.batches:
            if b.watermark_s is None:
                continue
            ax.plot([b.watermark_s] * 2, [b.batch - 0.45, b.batch + 0.45], color=PALETTE[2], lw=2.5)
            ax.text(
                b.watermark_s,
                b.batch - 0.3,
                f"{b.watermark_s:g} ",
                color=PALETTE[2],
                fontsize=8,
                va="center",
                ha="right",
            )
        for earlier, later in zip(run.batches, run.batches[1:]):
            if earlier.watermark_s is not None and later.watermark_s is not None:
                ax.plot(
                    [earlier.watermark_s, later.watermark_s],
                    [earlier.batch + 0.45, later.batch - 0.45],
                    color=PALETTE[2],
                    lw=1,
                    ls=":",
                )
        for fate in run.fates:
            marker, colour, _ = MARKERS[fate.status]
            e = fate.event
            ax.scatter(e.time_s, e.batch, marker=marker, s=60, color=colour, zorder=3)
            ax.annotate(
                e.word,
                (e.time_s, e.batch),
                xytext=(0, -11),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )
        ax.set_xlim(x0, x1)
        ax.set_ylim(n - 0.5, -0.6)  # first batch on top, time runs down the page
        ax.set_yticks(range(n))
        ax.set_yticklabels(
            [f"{b.batch}" + ("" if b.has_data else " (no data)") for b in run.batches]
        )
        ax.set_xticks(range(int(x0), int(x1) + 1, int(window_s)))
        ax.set_xlabel(f"event time (s); shaded bands: windows of {window_s:g} s")
        ax.set_ylabel("arrival (micro-batch id)")
        ax.set_title(title)
        handles = [
            Line2D([], [], marker=m, color=c, ls="", label=label)
            for status, (m, c, label) in MARKERS.items()
            if status != "partly" or any(f.status == "partly" for f in run.fates)
        ]
        handles.append(Line2D([], [], color=PALETTE[2], lw=2.5, label="watermark of the batch"))
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
            frameon=False,
        )
        ax.grid(axis="y", visible=False)
    return finish(fig)
