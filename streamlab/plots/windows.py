"""Window figures: batches on a time axis, and one bar per window Spark emits, with its counts.

Everything drawn comes from the pure-Python model (`streamlab.simulate.windows`), so a figure
redraws instantly and raises the model's plain `WindowSetupError` for a setting Spark refuses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from ..simulate.windows import check_window, model_window_counts, window_outputs
from .style import PALETTE, STYLE, finish, new_figure


def describe_counts(counts: Mapping[str, int], max_words: int = 3) -> str:
    """'5 words: spark 3, stream 2' (largest first, ties by word), then keys kept at 0.

    An empty window reads 'empty'; keys an inverse function left at count 0 are listed after
    'kept at 0:', since Spark still emits them.
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
        text += "; kept at 0: " + ", ".join(zeros)
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


def window_timeline(
    batch_s: float,
    window_s: float,
    slide_s: float | None = None,
    batches: Sequence[Sequence[str]] | None = None,
    n_batches: int | None = None,
    inverse: bool = False,
    drop_zeros: bool = False,
    max_words: int = 3,
    title: str | None = None,
) -> Figure:
    """Batches on a time axis (top row) and a bar per emitted window spanning its batches.

    With `batches` (the words of each batch) every window is labelled with what
    `reduceByKeyAndWindow` emits there (`inverse`/`drop_zeros` as in the model); without, with
    the batches it covers. Raises `WindowSetupError` for a window Spark would refuse.
    """
    spec = check_window(batch_s, window_s, slide_s)
    n = n_batches if n_batches is not None else (len(batches) if batches is not None else 8)
    outputs = window_outputs(n, batch_s, window_s, slide_s)
    counts = (
        model_window_counts(batches, batch_s, window_s, slide_s, n, inverse, drop_zeros)
        if batches is not None
        else None
    )
    end = n * batch_s
    with plt.rc_context(STYLE):
        fig, ax = new_figure(9.0, 1.3 + 0.36 * (len(outputs) + 1))
        # Top row: the batches, one cell per batch interval, with the number of elements.
        for j in range(1, n + 1):
            ax.barh(
                0,
                batch_s,
                left=(j - 1) * batch_s,
                height=0.7,
                color="#E8E8E8",
                edgecolor="#555555",
                linewidth=0.8,
            )
            size = None if batches is None else (len(batches[j - 1]) if j <= len(batches) else 0)
            label = f"{j}" if size is None else f"{j}\n({size})"
            ax.text(
                (j - 0.5) * batch_s, 0, label, ha="center", va="center", fontsize=7 if n > 12 else 8
            )
        # One row per emitted window: the nominal window (dashed), the batches it covers (solid).
        for row, (k, covered) in enumerate(outputs, start=1):
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
            if counts is not None:
                text = describe_counts(counts[k], max_words)
            else:
                text = f"batches {covered[0]}–{covered[-1]}" if len(covered) > 1 else (f"batch {k}")
            ax.text(
                1.01,
                row,
                text,
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=8,
                clip_on=False,
            )
        ax.set_yticks(
            range(len(outputs) + 1),
            ["batches\n(words)" if batches is not None else "batches"]
            + [f"window @ batch {k}" for k, _ in outputs],
        )
        ax.set_ylim(len(outputs) + 0.6, -0.6)
        ax.set_xlim(min(0.0, -(spec.window_batches - 1) * batch_s) - 0.02 * end, end * 1.02)
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("time since the stream started (s); a window is emitted at its right end")
        ax.set_ylabel("")
        ax.legend(
            handles=[
                Patch(color=PALETTE[0], alpha=0.85, label="batches the window holds"),
                Patch(
                    fill=False,
                    edgecolor="#555555",
                    linestyle="--",
                    label="window before the stream started (no batches)",
                ),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            # just below the x label, whatever the height of the figure
            bbox_transform=offset_copy(ax.transAxes, fig, y=-36, units="points"),
            ncols=2,
            fontsize=8,
            frameon=False,
        )
        w, s = spec.window_batches, spec.slide_batches
        ax.set_title(
            title
            or (
                f"Window {window_s:g} s ({_batches(w)}) sliding by {spec.slide_s:g} s"
                f" ({_batches(s)}), batch interval {batch_s:g} s"
            ),
            fontsize=10,
        )
    return finish(fig)


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
    window holds, which label the columns. A blank cell is a word absent from the window.
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
        fig, ax = new_figure(max(5.5, 0.62 * len(order) + 1.8), 0.42 * len(words) + 1.9)
        image = ax.imshow(values, cmap="Blues", vmin=0, vmax=top, aspect="auto")
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
        ax.set_xticks(
            range(len(order)),
            [_span(k, covered[k]) for k in order],
            fontsize=7 if len(order) > 12 else 8,
        )
        ax.set_yticks(range(len(words)), list(words))
        ax.grid(False)
        ax.set_xlabel(
            "window: emitted at batch k, holding batches a–b" + (f"  ({note})" if note else "")
        )
        ax.set_ylabel("word")
        ax.set_title(title, fontsize=10)
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        bar.set_label("count in the window (words)")
    return finish(fig)


def _span(k: int, batches: Sequence[int]) -> str:
    if not batches:
        return f"{k}\n(none)"
    low, high = min(batches), max(batches)
    return f"{k}\n({low}–{high})" if low != high else f"{k}\n({low})"
