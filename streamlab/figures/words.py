"""Word-count figures: the top words, and running totals after each batch."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from .style import STYLE, finish, new_figure


def top_words_bar(
    counts: pd.DataFrame,
    word: str = "word",
    count: str = "count",
    title: str = "Most frequent words",
    n: int = 10,
) -> Figure:
    """Horizontal bars of the `n` largest counts, largest on top (ties broken by word)."""
    top = counts.sort_values([count, word], ascending=[False, True]).head(n)
    with plt.rc_context(STYLE):
        fig, ax = new_figure(7.0, 0.32 * len(top) + 1.2)
        ax.barh(top[word][::-1], top[count][::-1], color="#1f77b4")
        for y, value in enumerate(top[count][::-1]):
            ax.text(value, y, f" {value}", va="center", fontsize=9)
        ax.set_xlabel("occurrences (words)")
        ax.set_ylabel("word")
        ax.set_title(title)
        ax.grid(axis="y", visible=False)
        ax.set_xlim(0, top[count].max() * 1.12)
    return finish(fig)


def running_totals_lines(
    totals: pd.DataFrame,
    words: Sequence[str],
    batch: str = "batch",
    word: str = "word",
    total: str = "total",
    title: str = "Running totals after each batch",
) -> Figure:
    """One line per word: its running total (y) after each batch (x)."""
    wide = totals[totals[word].isin(words)].pivot(index=batch, columns=word, values=total)
    wide = wide.reindex(columns=list(words)).ffill().fillna(0)
    with plt.rc_context(STYLE):
        fig, ax = new_figure()
        for name in words:
            ax.plot(wide.index, wide[name], marker="o", markersize=3, label=name)
        ax.set_xlabel("batch number (one batch per batch interval)")
        ax.set_ylabel("running total (words)")
        ax.set_xticks(list(wide.index))
        ax.set_title(title)
        ax.legend(loc="upper left", ncols=2, fontsize=9, frameon=False)
    return finish(fig)
