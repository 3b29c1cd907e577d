"""Window figures: batches on a time axis, and one bar per window Spark emits, with its counts.

Everything drawn comes from the pure-Python model (`streamlab.models.windows`), so a figure
redraws instantly and raises the model's plain `WindowSetupError` for a setting Spark refuses.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from ..data import read_word_events, words_by_batch
from ..models.windows import check_window, model_window_counts, window_outputs
from .style import PALETTE, STYLE, finish, new_figure


def describe_counts(counts: Mapping[str, int], max_words: int = 3, zeros_sep: str = "; ") -> str:
    """'5 words: spark 3, stream 2' (largest first, ties by word), then keys kept at 0.

    An empty window reads 'empty'; keys an inverse function left at count 0 are listed after
    `zeros_sep` and 'kept at 0:', since Spark still emits them.
    """
    if not counts:
        return "empty"
    total = sum(counts.values())
    top = sorted(((w, c) for w, c in counts.items() if c), key=lambda wc: (-wc[1], wc[0]))
    text = f"{total} word{'' if total == 1 else 's'}"
    if top:
        text += ": " + ", ".join(f"{w} {c}" for w, c in top[:max_words])
        if len(top) > max_words:
            text += f", +{len(top) - max_words} more"
    zeros = sorted(w for w, c in counts.items() if c == 0)
    if zeros:
        text += zeros_sep + "kept at 0: " + ", ".join(zeros)
    return text


def window_table(
    batches: Sequence[Sequence[str]],
    batch_s: float,
    window_s: float,
    slide_s: float | None = None,
    n_batches: int | None = None,
    inverse: bool = False,
    drop_zeros: bool = False,
) -> pd.DataFrame:
    """One row per window the model says Spark emits: when, which batches, and its counts."""
    n = len(batches) if n_batches is None else n_batches
    counts = model_window_counts(batches, batch_s, window_s, slide_s, n, inverse, drop_zeros)
    rows = []
    for k, covered in window_outputs(n, batch_s, window_s, slide_s):
        window = counts[k]
        rows.append(
            {
                "emitted at batch": k,
                "time (s)": round(k * batch_s, 3),
                "covers batches": f"{covered[0]}–{covered[-1]}" if len(covered) > 1 else str(k),
                "words": sum(window.values()),
                "counts": ", ".join(f"{w} {c}" for w, c in sorted(window.items())) or "(none)",
            }
        )
    return pd.DataFrame(rows)


# The width of the website's text column, in inches at the figures' 100 dpi: a figure no wider
# is shown at its own size, so its 8 pt labels stay 8 pt on the page.
PAGE_WIDTH_IN = 7.2
LABEL_PT = 8.5  # labels drawn in the figure (counts, batch numbers, legend)


def window_timeline(
    batch_s: float,
    window_s: float,
    slide_s: float | None = None,
    batches: Sequence[Sequence[str]] | None = None,
    n_batches: int | None = None,
    inverse: bool = False,
    drop_zeros: bool = False,
    max_words: int = 4,
    title: str | None = None,
) -> Figure:
    """Batches on a time axis (top row) and a bar per emitted window spanning its batches.

    With `batches` (the words of each batch) every window is labelled with what
    `reduceByKeyAndWindow` emits there (`inverse`/`drop_zeros` as in the model; keys kept at 0
    on a second line); without, with the batches it covers. The figure is as wide as the page,
    and the labels to the right of the bars get the room they need. Raises `WindowSetupError`
    for a window Spark would refuse.
    """
    spec = check_window(batch_s, window_s, slide_s)
    n = n_batches if n_batches is not None else (len(batches) if batches is not None else 8)
    outputs = window_outputs(n, batch_s, window_s, slide_s)
    counts = (
        model_window_counts(batches, batch_s, window_s, slide_s, n, inverse, drop_zeros)
        if batches is not None
        else None
    )
    if counts is not None:
        texts = [describe_counts(counts[k], max_words, zeros_sep="\n") for k, _ in outputs]
    else:
        texts = [
            f"batches {covered[0]}–{covered[-1]}" if len(covered) > 1 else f"batch {k}"
            for k, covered in outputs
        ]
    row_in = 0.42 if any("\n" in t for t in texts) else 0.34
    end = n * batch_s
    with plt.rc_context(STYLE):
        fig, ax = new_figure(PAGE_WIDTH_IN, 2.0 + row_in * (len(outputs) + 1))
        # Top row: the batches, one cell per batch interval, with the number of elements.
        cells = []
        for j in range(1, n + 1):
            ax.barh(
                0,
                batch_s,
                left=(j - 1) * batch_s,
                height=0.8,
                color="#E8E8E8",
                edgecolor="#555555",
                linewidth=0.8,
            )
            size = None if batches is None else (len(batches[j - 1]) if j <= len(batches) else 0)
            label = f"{j}" if size is None else f"{j}\n({size})"
            cells.append(
                ax.text((j - 0.5) * batch_s, 0, label, ha="center", va="center", fontsize=8)
            )
        # One row per emitted window: the nominal window (dashed), the batches it covers (solid).
        right_of_axes = offset_copy(ax.get_yaxis_transform(), fig, x=6, units="points")
        labels = []
        for row, ((k, covered), text) in enumerate(zip(outputs, texts), start=1):
            colour = PALETTE[(row - 1) % 2]
            stop = k * batch_s
            nominal = stop - spec.window_batches * batch_s
            if nominal < 0:  # the window reaches back before the stream started
                ax.barh(
                    row,
                    -nominal,
                    left=nominal,
                    height=0.6,
                    fill=False,
                    edgecolor=colour,
                    linestyle="--",
                    linewidth=0.8,
                )
            start = (covered[0] - 1) * batch_s
            ax.barh(row, stop - start, left=start, height=0.6, color=colour, alpha=0.85)
            label = ax.text(
                1.0,
                row,
                text,
                transform=right_of_axes,
                va="center",
                fontsize=LABEL_PT,
                linespacing=1.1,
                clip_on=False,
            )
            label.set_in_layout(False)  # room is made for the labels below
            labels.append(label)
        ax.set_yticks(
            range(len(outputs) + 1),
            ["batch\n(words)" if batches is not None else "batch"] + [str(k) for k, _ in outputs],
        )
        ax.set_ylim(len(outputs) + 0.6, -0.6)
        ax.set_xlim(min(0.0, -(spec.window_batches - 1) * batch_s) - 0.02 * end, end * 1.02)
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("time since the stream started (s)")
        ax.set_ylabel("window emitted at batch")
        legend = fig.legend(
            handles=[
                (
                    Patch(color=PALETTE[0], alpha=0.85),
                    Patch(color=PALETTE[1], alpha=0.85),
                ),
                Patch(fill=False, edgecolor="#555555", linestyle="--"),
            ],
            labels=[
                "the batches a window holds, up to the batch that emits it (its right end);"
                "\nthe two colours only tell neighbouring windows apart",
                "the part of a window before the stream started (no batches)",
            ],
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
            loc="lower left",  # along the bottom of the figure, room made for it below
            bbox_to_anchor=(0.0, 0.0),
            fontsize=LABEL_PT,
            frameon=False,
        )
        legend.set_in_layout(False)
        w, s = spec.window_batches, spec.slide_batches
        ax.set_title(
            title
            or (
                f"Window {window_s:g} s ({_batches(w)}) sliding by {spec.slide_s:g} s"
                f" ({_batches(s)}), batch interval {batch_s:g} s"
            ),
            fontsize=10,
        )
        renderer = fig.canvas.get_renderer()
        room = max(t.get_window_extent(renderer).width for t in labels) if labels else 0
        room += 10 * fig.dpi / 72  # the 6 pt offset and a margin
        below = legend.get_window_extent(renderer).height + 4 * fig.dpi / 72
        rect = (0, below / fig.bbox.height, 1 - room / fig.bbox.width, 1)
        fig.tight_layout(rect=rect)
        # A title centred over the axes and wider than the page around them: two lines.
        heading, page = ax.title, fig.get_figwidth() * fig.dpi
        centre = (ax.get_position().x0 + ax.get_position().x1) / 2 * page
        if heading.get_window_extent(renderer).width / 2 > min(centre, page - centre) - 4:
            text = heading.get_text()
            heading.set_text(textwrap.fill(text, math.ceil(len(text) / 2) + 8))
            fig.tight_layout(rect=rect)
        for label in [*labels, legend]:  # back in, or a "tight" savefig would crop them
            label.set_in_layout(True)
        _thin_out(cells, batch_s, ax, renderer)
    plt.close(fig)
    return fig


def _thin_out(cells: list, batch_s: float, ax, renderer) -> None:
    """Where batch cells are too narrow for their labels, number only every few batches."""
    if not cells:
        return
    x0, x1 = ax.transData.transform([(0, 0), (batch_s, 0)])[:, 0]
    if max(t.get_window_extent(renderer).width for t in cells) <= x1 - x0 - 1:
        return  # every label fits in its cell, with a pixel to spare
    for j, text in enumerate(cells, start=1):
        text.set_text(str(j))  # the numbers of words no longer fit: numbers only
    step = math.ceil(max(t.get_window_extent(renderer).width for t in cells) / (0.8 * (x1 - x0)))
    for j, text in enumerate(cells, start=1):
        text.set_text(str(j) if (j - 1) % step == 0 else "")


def _batches(n: int) -> str:
    return f"{n} batch" if n == 1 else f"{n} batches"


def window_heatmap(
    counts: pd.DataFrame,
    covered: Mapping[int, Sequence[int]],
    words: Sequence[str] | None = None,
    title: str = "Word counts per window",
    note: str | None = None,
) -> Figure:
    """Words (rows) by emitted window (columns), each cell the word's count in that window.

    `counts` has columns `batch` (the batch that emitted the window), `word` and `count`, as
    captured from `reduceByKeyAndWindow`; `covered` maps each emitting batch to the batches its
    window holds, which label the columns. A blank cell is a word absent from the window; every
    other cell prints its count (the shade repeats it, darker for more), so no colour bar.
    """
    order = list(covered)
    wide = counts.pivot_table(index="word", columns="batch", values="count", aggfunc="sum")
    wide = wide.reindex(columns=order)
    if words is None:
        totals = counts.groupby("word")["count"].sum()
        words = sorted(totals.index, key=lambda w: (-totals[w], w))
    wide = wide.reindex(index=list(words))
    values = wide.to_numpy(dtype=float)
    top = max(1.0, float(pd.Series(values.ravel()).max(skipna=True) or 1.0))
    with plt.rc_context(STYLE):
        # as wide as the page at most, so that 8 pt stays 8 pt on the website
        fig, ax = new_figure(
            min(PAGE_WIDTH_IN, max(5.5, 0.45 * len(order) + 1.2)), 0.38 * len(words) + 2.0
        )
        ax.imshow(values, cmap="Blues", vmin=0, vmax=top, aspect="auto")
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                value = values[i, j]
                if value == value:  # not NaN: the word is in the window's result
                    ax.text(
                        j,
                        i,
                        f"{value:g}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if value > 0.6 * top else "black",
                    )
        many = len(order) > 16  # no room for two-line labels side by side: turn them
        ax.set_xticks(
            range(len(order)),
            [_span(k, covered[k], " " if many else "\n") for k in order],
            fontsize=8,
            rotation=90 if many else 0,
        )
        ax.set_yticks(range(len(words)), list(words))
        ax.grid(False)
        ax.set_xlabel(
            "window: emitted at batch k, holding batches a–b"
            + (" (k a–b)" if many else " (k over a–b)")
            + (f"\n{note}" if note else "")
        )
        ax.set_ylabel("word (cell: its count)")
        ax.set_title(title, fontsize=10)
    return finish(fig)


def _span(k: int, batches: Sequence[int], sep: str = "\n") -> str:
    """'7' over '3–7': the emitting batch, and the batches its window holds."""
    if not batches:
        return f"{k}{sep}none"
    low, high = min(batches), max(batches)
    return f"{k}{sep}{low}–{high}" if low != high else f"{k}{sep}{low}"


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).

# Chapter 04: the words of ten batches (half a second each), and how long each run lasts.
WINDOW_WORD_BATCHES = [
    ["spark", "stream", "spark"],
    ["stream"],
    [],
    ["kafka", "spark"],
    ["spark"],
    [],
    [],
    ["stream", "stream", "batch"],
    ["spark"],
    [],
]


WINDOW_RUN_BATCHES = 12


def sliding_windows(batch_s: float, window_s: float, slide_s: float) -> Figure:
    """Chapter 04: the windows `reduceByKeyAndWindow` emits, and what each one counts."""
    return window_timeline(
        batch_s, window_s, slide_s, batches=WINDOW_WORD_BATCHES, n_batches=WINDOW_RUN_BATCHES
    )


# Lab 2: the six words of the article's word count.
LAB2_WORDS = ["hello", "world", "spark", "streaming", "big", "data"]


def window_counts_by_model(batch_s: float, window_s: float, slide_s: float) -> Figure:
    """Lab 2 on the website: the windowed word counts from the book's model of Spark.

    The lab's widget re-runs the DStream job on Spark; without a kernel the website draws the
    same counts from `model_window_counts`, which tests/models/test_model_windows.py proves equal
    to `reduceByKeyAndWindow`, and shows no run time.
    """
    replayed = words_by_batch(read_word_events(), batch_s)
    n = len(replayed)
    counts = model_window_counts(replayed, batch_s, window_s, slide_s, n_batches=n)
    rows = [(k, word, c) for k, window in counts.items() for word, c in window.items()]
    result = pd.DataFrame(rows, columns=["batch", "word", "count"])
    covered = dict(window_outputs(n, batch_s, window_s, slide_s))
    return window_heatmap(
        result,
        covered,
        LAB2_WORDS,
        title=f"Window {window_s:g} s, slide {slide_s:g} s, batch interval "
        f"{batch_s:g} s: {n} batches, counted by the book's model of Spark",
    )
