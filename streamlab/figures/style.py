"""The shared look of every figure: white background (readable in a dark theme), light grid."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
}

# A colour-blind-safe palette (Okabe–Ito), in the order series are drawn.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def new_figure(
    width: float = 7.0, height: float = 3.6, rows: int = 1, cols: int = 1, **kwargs
) -> tuple[Figure, Axes]:
    """A figure in the book's style, with `rows` x `cols` axes."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(rows, cols, figsize=(width, height), dpi=100, **kwargs)
    fig.patch.set_facecolor("white")
    return fig, ax


def finish(fig: Figure) -> Figure:
    """Tighten the layout and close the figure, so a notebook shows it once, as the cell value."""
    fig.tight_layout()
    plt.close(fig)
    return fig


def shade_without_input(ax: Axes, start: float, end: float, label: str, pad: float) -> None:
    """Grey the micro-batches from `start` to `end` that read no input, labelled at the foot."""
    ax.axvspan(start, end, color="0.92", zorder=0)
    ax.text(
        start + pad,
        0.03,
        label,
        transform=ax.get_xaxis_transform(),
        va="bottom",
        fontsize=9,
        color="0.3",
    )
