"""What the state data source reads from a checkpoint: a running count, micro-batch by micro-batch.

Both figures take one table of counts: a row per key, a column per batch id, each cell the count
that `spark.read.format("statestore").option("batchId", k)` returned for that key (0 where the
key was not yet in the state).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ..data import read_word_batches
from ..models.checkpoints import running_counts
from .style import PALETTE, STYLE, finish, new_figure

if TYPE_CHECKING:
    import pandas as pd


def state_heatmap(counts: pd.DataFrame, title: str | None = None) -> Figure:
    """Keys (down) by batch id (across), each cell the key's count in the state after it."""
    values = counts.to_numpy()
    with plt.rc_context(STYLE):
        fig, ax = new_figure(7.6, 0.26 * len(counts) + 1.6)
        ax.grid(False)
        image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0, vmax=values.max())
        top = values.max()
        for row in range(len(counts.index)):
            for col in range(values.shape[1]):
                value = values[row, col]
                ax.text(
                    col,
                    row,
                    f"{value:g}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value > 0.55 * top else "black",
                )
        ax.set_xticks(range(len(counts.columns)), [str(c) for c in counts.columns])
        ax.set_yticks(range(len(counts.index)), list(counts.index), fontsize=8)
        ax.set_xlabel("batch id (the state after that micro-batch)")
        ax.set_ylabel("key of the state (word)")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        bar.set_label("count in the state")
        ax.set_title(title or "The running count as the state reader returns it, batch by batch")
    return finish(fig)


def state_snapshot_chart(counts: pd.DataFrame, batch_id: int) -> Figure:
    """The state after one micro-batch: each key's count, split into what it held before and
    what this micro-batch added."""
    columns = list(counts.columns)
    position = columns.index(batch_id)
    now = counts[batch_id]
    before = counts[columns[position - 1]] if position > 0 else now * 0
    added = now - before
    keys = list(counts.index)[::-1]  # first key at the top
    with plt.rc_context(STYLE):
        fig, ax = new_figure(7.6, 0.22 * len(keys) + 1.5)
        ax.barh(keys, before[keys], color=PALETTE[5], label="held before this micro-batch")
        ax.barh(keys, added[keys], left=before[keys], color=PALETTE[1], label="added by this one")
        ax.set_xlim(0, counts.to_numpy().max() * 1.05)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel("count in the state")
        ax.set_ylabel("key of the state (word)")
        ax.grid(axis="y", visible=False)
        ax.legend(fontsize=8, loc="lower right", framealpha=0.9)
        changed = int((added != 0).sum())
        ax.set_title(
            f"State after micro-batch {batch_id}: {int((now > 0).sum())} keys, "
            f"{changed} changed, {int(added.sum())} words added",
            fontsize=10,
        )
    return finish(fig)


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).


@functools.cache
def word_count_state() -> pd.DataFrame:
    """Chapter 14: the state of the complete-mode word count after each micro-batch.

    Words (rows) by batch id (columns, from 0, one file of data/words per micro-batch), most
    frequent word at the end first; chapter 14 checks it equal to Spark's state store.
    """
    after = running_counts(read_word_batches())
    table = pd.DataFrame(dict(enumerate(after))).fillna(0).astype(int).sort_index()
    return table.sort_values(len(after) - 1, ascending=False, kind="stable")


def state_after_batch(batch_id: int) -> Figure:
    """Chapter 14: each word's count in the state after one micro-batch, and what it added."""
    return state_snapshot_chart(word_count_state(), batch_id)
