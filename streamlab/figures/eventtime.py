"""Event time against arrival: where each record belongs, when it came, and the watermark."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..models import watermark as watermark_model
from ..models.watermark import WatermarkRun
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


FATES = {  # fate of an event -> (marker, face colour, edge colour, legend label)
    "on time": ("o", PALETTE[0], PALETTE[0], "arrived on time"),
    "late, counted": ("o", "white", PALETTE[1], "late, still counted"),
    "late, partly counted": ("D", PALETTE[1], PALETTE[1], "late, dropped from some windows"),
    "late, dropped": ("X", PALETTE[3], PALETTE[3], "late, dropped (after the watermark)"),
}


def counts_over_event_time(
    windows: pd.DataFrame,
    events: pd.DataFrame,
    words: Sequence[str],
    window_s: float,
    final_watermark_s: float | None = None,
    title: str = "Counts per event-time window, and the events behind them",
) -> Figure:
    """Top: each word's count per window, at the window's middle. Bottom: every event.

    `windows` has columns `start`, `end` (s), `word`, `count`; `events` has `time_s`, `word`
    and `fate` (a key of FATES). Dropped events appear below with no count above them.
    """
    with plt.rc_context(STYLE):
        fig, (top, bottom) = new_figure(
            9.0, 6.2, rows=2, sharex=True, gridspec_kw={"height_ratios": [3, 2]}
        )
        # Every word over every window, 0 where the word is absent, so no line skips a window.
        spans = windows[["start", "end"]].drop_duplicates().sort_values("start")
        for i, word in enumerate(words):
            rows = spans.merge(windows[windows["word"] == word], on=["start", "end"], how="left")
            middle = (rows["start"] + rows["end"]) / 2
            top.plot(
                middle,
                rows["count"].fillna(0),
                marker="o",
                markersize=4,
                lw=1.5,
                color=PALETTE[i % len(PALETTE)],
                label=word,
            )
        top.set_ylabel("count in the window (words)")
        top.set_title(title, fontsize=10)
        top.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
            frameon=False,
            title="word",
            title_fontsize=8,
        )
        for fate, (marker, face, edge, label) in FATES.items():
            rows = events[events["fate"] == fate]
            y = [list(words).index(w) for w in rows["word"]]
            bottom.scatter(
                rows["time_s"],
                y,
                marker=marker,
                s=46 if marker != "X" else 70,
                facecolors=face,
                edgecolors=edge,
                linewidths=1.2,
                label=label,
                zorder=3,
            )
        bottom.set_yticks(range(len(words)), list(words))
        bottom.set_ylim(len(words) - 0.5, -0.5)
        bottom.grid(axis="y", visible=False)
        bottom.set_ylabel("word")
        bottom.set_xlabel(
            f"event time (s after 12:00:00); counts drawn at the middle of their "
            f"{window_s:g} s window"
        )
        bottom.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
            frameon=False,
            title="each event",
            title_fontsize=8,
        )
        if final_watermark_s is not None:
            for ax in (top, bottom):
                ax.axvline(final_watermark_s, color=PALETTE[2], ls="--", lw=1.2)
            top.annotate(
                f"watermark at the end: {final_watermark_s:g} s\n"
                "windows ending later are still open",
                (final_watermark_s, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(-4, -4),
                textcoords="offset points",
                ha="right",
                va="top",
                fontsize=8,
                color=PALETTE[2],
            )
    return finish(fig)


def processing_vs_event_time(
    table: pd.DataFrame,
    title: str = "The same words, windowed by arrival and by event time",
) -> Figure:
    """Grouped bars per window: words that happened in it, counted by event time, arrived in it.

    `table` has columns `window` (a label), `happened`, `event time` and `processing time`.
    """
    series = [
        ("happened", "happened in the window (the truth)", "#BBBBBB"),
        ("event time", "event-time window, with watermark", PALETTE[0]),
        ("processing time", "processing-time window (DStream, by arrival)", PALETTE[1]),
    ]
    x = np.arange(len(table))
    width = 0.27
    with plt.rc_context(STYLE):
        fig, ax = new_figure(9.0, 3.8)
        for i, (column, label, colour) in enumerate(series):
            ax.bar(x + (i - 1) * width, table[column], width, label=label, color=colour)
        ax.set_xticks(x, table["window"], fontsize=8)
        ax.set_xlabel("window (s): event time for the first two bars, arrival time for the third")
        ax.set_ylabel("words in the window")
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", visible=False)
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3, bbox_to_anchor=(0.0, -0.2))
    return finish(fig)


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).

# Chapter 07: (event time in seconds after 12:00:00, word), one list per micro-batch.
LATE_ARRIVALS = [
    [(3, "spark"), (7, "kafka"), (12, "spark")],
    [(15, "state"), (9, "kafka"), (21, "spark")],
    [(24, "spark"), (6, "state"), (18, "kafka")],
    [(33, "spark"), (8, "kafka"), (19, "state")],
    [(38, "kafka"), (17, "spark"), (26, "state")],
    [(44, "spark"), (14, "kafka"), (29, "spark")],
]


LATE_EVENTS = [
    watermark_model.Event(t, batch, word)
    for batch, pairs in enumerate(LATE_ARRIVALS)
    for t, word in pairs
]


def watermark_delay(delay: float) -> Figure:
    """Chapter 07: which events a watermark of `delay` seconds keeps and drops."""
    result = watermark_model.simulate(LATE_EVENTS, delay_s=delay, window_s=10)
    dropped = sum(f.status == "dropped" for f in result.fates)
    return event_time_chart(
        result, window_s=10, title=f"Watermark delay {delay:g} s: {dropped} events dropped"
    )
