"""A DStream drawn as what it is: a row of RDDs, one per batch, linked by transformations."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from ..errors import SetupError
from .style import PALETTE, STYLE, finish, new_figure

PLAIN, CHOSEN, JOB = "#EEF3F8", "#FFE2B8", "#E3F4EC"


def dstream_grid(
    stages: Sequence[str],
    operations: Sequence[str],
    n_batches: int,
    batch_s: float,
    highlight: int | None = None,
    contents: Mapping[str, Sequence[object]] | None = None,
    output: str = "foreachRDD",
) -> Figure:
    """Rows: the DStreams `stages` (top to bottom); columns: batches 1..n_batches.

    `operations[i]` is the transformation from `stages[i]` to `stages[i + 1]`. The bottom row
    shows the output operation and the job it makes per batch. With `highlight`, that batch's
    column is coloured and `contents[stage]` (the elements of that batch's RDDs) is listed on
    the right.
    """
    if len(operations) != len(stages) - 1:
        raise SetupError("Give one transformation between each pair of DStreams.")
    if highlight is not None and not 1 <= highlight <= n_batches:
        raise SetupError(f"There are only batches 1 to {n_batches}.")
    rows = len(stages)
    with_text = highlight is not None and contents is not None
    width = 1.7 + 1.25 * n_batches + (3.6 if with_text else 0.3)
    with plt.rc_context(STYLE):
        fig, ax = new_figure(min(width, 12.0), 1.0 + 0.9 * (rows + 1))
        ax.axis("off")
        left, right = -1.9, n_batches + 0.6 + (3.4 if with_text else 0.0)
        ax.set_xlim(left, right)
        ax.set_ylim(-(rows + 0.7), 1.0)
        for k in range(1, n_batches + 1):
            ax.text(
                k, 0.55, f"batch {k}\nt = {k * batch_s:g} s", ha="center", va="center", fontsize=8
            )
        for r, name in enumerate(stages):
            y = -r
            ax.text(
                left + 0.05,
                y,
                name,
                ha="left",
                va="center",
                fontsize=9,
                fontweight="bold",
                color=PALETTE[0],
            )
            for k in range(1, n_batches + 1):
                face = CHOSEN if k == highlight else PLAIN
                ax.add_patch(
                    FancyBboxPatch(
                        (k - 0.38, y - 0.22),
                        0.76,
                        0.44,
                        boxstyle="round,pad=0.02",
                        facecolor=face,
                        edgecolor="#555555",
                        linewidth=0.9,
                    )
                )
                ax.text(k, y, "RDD", ha="center", va="center", fontsize=8)
                if r < rows - 1:
                    ax.annotate(
                        "",
                        xy=(k, y - 0.76),
                        xytext=(k, y - 0.26),
                        arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.0},
                    )
            if r < rows - 1:
                ax.text(
                    left + 0.05,
                    y - 0.5,
                    operations[r],
                    ha="left",
                    va="center",
                    fontsize=8,
                    style="italic",
                    color="#333333",
                )
        y = -rows
        ax.text(
            left + 0.05,
            y,
            output,
            ha="left",
            va="center",
            fontsize=8.5,
            fontweight="bold",
            color=PALETTE[2],
        )
        for k in range(1, n_batches + 1):
            ax.add_patch(
                FancyBboxPatch(
                    (k - 0.38, y - 0.2),
                    0.76,
                    0.4,
                    boxstyle="round,pad=0.02",
                    facecolor=JOB,
                    edgecolor=PALETTE[2],
                    linewidth=0.9,
                )
            )
            ax.text(k, y, f"job {k}", ha="center", va="center", fontsize=8)
            ax.annotate(
                "",
                xy=(k, y + 0.22),
                xytext=(k, y + 0.74),
                arrowprops={"arrowstyle": "-|>", "color": PALETTE[2], "lw": 1.0},
            )
        if with_text:
            x = n_batches + 0.75
            ax.text(
                x, 0.55, f"inside batch {highlight}", fontsize=9, fontweight="bold", va="center"
            )
            for r, name in enumerate(stages):
                items = ", ".join(str(item) for item in contents.get(name, []))
                shown = textwrap.shorten(items or "(empty)", 120, placeholder=" …")
                ax.text(
                    x, -r, textwrap.fill(shown, 46), fontsize=7.5, va="center", family="monospace"
                )
        ax.set_title("A DStream is a sequence of RDDs, one per batch interval", fontsize=10)
    return finish(fig)
