"""How big the state of a stream gets: number of keys after each batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..models.state import state_sizes, visitor_batches
from .style import PALETTE, STYLE, finish, new_figure, shade_without_input


def state_size_lines(
    sizes: Mapping[str, Sequence[int]],
    input_batches: int | None = None,
    title: str = "Keys kept in the state after each batch",
) -> Figure:
    """One line per setting (label -> keys after batch 1, 2, ...); a shade after the input ends."""
    with plt.rc_context(STYLE):
        fig, ax = new_figure(7.0, 3.6)
        longest = max(len(v) for v in sizes.values())
        for (label, values), colour in zip(sizes.items(), PALETTE, strict=False):
            ax.plot(
                range(1, len(values) + 1),
                values,
                marker="o",
                markersize=3,
                color=colour,
                label=label,
            )
        if input_batches is not None and input_batches < longest:
            shade_without_input(ax, input_batches + 0.5, longest + 0.5, "no more input", pad=0.2)
        ax.set_xlim(0.5, longest + 0.5)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("batch number")
        ax.set_ylabel("keys in the state")
        ax.set_title(title)
        ax.legend(loc="upper left", fontsize=9, frameon=False)
    return finish(fig)


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).

# Chapter 05: visitors in twelve batches, then four quiet batches.
VISITOR_BATCHES = visitor_batches(n_batches=12)


VISITOR_RUN_BATCHES = len(VISITOR_BATCHES) + 4


def state_expiry(idle_batches: int) -> Figure:
    """Chapter 05: keys in the updateStateByKey state, never expiring and after idle batches."""
    return state_size_lines(
        {
            "never expire": state_sizes(VISITOR_BATCHES, VISITOR_RUN_BATCHES),
            f"expire after {idle_batches:g} idle batches": state_sizes(
                VISITOR_BATCHES, VISITOR_RUN_BATCHES, idle_batches
            ),
        },
        input_batches=len(VISITOR_BATCHES),
        title="Keys in the updateStateByKey state, without and with expiry",
    )
