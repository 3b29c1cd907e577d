"""Figures of Lab 3: rejected log lines per batch, and a model's quality batch after batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .style import PALETTE, STYLE, finish, new_figure


def rejected_by_batch(rejected: pd.DataFrame, title: str = "Rejected lines per batch") -> Figure:
    """Stacked bars: rejected lines of each batch (x) by reason (colour).

    `rejected` has one row per batch and one column per reason (counts).
    """
    with plt.rc_context(STYLE):
        fig, ax = new_figure(8.0, 3.6)
        bottom = pd.Series(0, index=rejected.index)
        for i, reason in enumerate(rejected.columns):
            ax.bar(
                rejected.index,
                rejected[reason],
                bottom=bottom,
                label=reason,
                color=PALETTE[i % len(PALETTE)],
                width=0.7,
            )
            bottom = bottom + rejected[reason]
        for x, total in bottom.items():
            ax.text(x, total, f"{int(total)}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(list(rejected.index))
        ax.set_xlabel("batch (one file of the log)")
        ax.set_ylabel("rejected lines")
        ax.set_ylim(0, bottom.max() * 1.18)
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", visible=False)
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
            frameon=False,
            title="reason",
            title_fontsize=8,
        )
    return finish(fig)


def metric_by_batch(
    table: pd.DataFrame,
    series: Mapping[str, str],
    ylabel: str,
    title: str,
    events: Sequence[tuple[float, str]] = (),
    ylim: tuple[float, float] | None = None,
    dashed: Sequence[str] = (),
) -> Figure:
    """One line per column of `table` (index: batch), named by `series` {column: label}.

    `events` marks moments on the batch axis with a vertical line and a label; columns in
    `dashed` are drawn as dashed lines (baselines).
    """
    with plt.rc_context(STYLE):
        fig, ax = new_figure(8.0, 3.8)
        for i, (column, label) in enumerate(series.items()):
            ax.plot(
                table.index,
                table[column],
                marker="o",
                markersize=4,
                linestyle="--" if column in dashed else "-",
                color=PALETTE[i % len(PALETTE)],
                label=label,
            )
        for x, label in events:
            ax.axvline(x, color="#555555", linestyle=":", linewidth=1.2)
            ax.annotate(
                label,
                (x, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, -4),
                textcoords="offset points",
                va="top",
                fontsize=8,
                color="#333333",
            )
        ax.set_xticks(list(table.index))
        ax.set_xlabel("batch")
        ax.set_ylabel(ylabel)
        if ylim:
            ax.set_ylim(*ylim)
        ax.set_title(title, fontsize=10)
        # Beside the axes, never over a point: a legend inside would hide whichever batch
        # happens to sit in its corner.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return finish(fig)
