"""A stream-stream join, drawn: which impressions meet their clicks, when, and which never do."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ..data.ads import read_ad_batches
from ..models import joins as join_model
from ..models.joins import JoinBatch, JoinRow
from .style import PALETTE, finish, new_figure, shade_without_input

PAIRED, UNMATCHED, WAITING, DROPPED = PALETTE[2], PALETTE[3], "#9a9a9a", "#000000"


def join_chart(
    impressions: Sequence[JoinRow],
    clicks: Sequence[JoinRow],
    batches: Sequence[JoinBatch],
    bound_s: float,
    title: str | None = None,
) -> Figure:
    """Every row at its event time (across, in minutes) and its arrival micro-batch (down).

    Impressions are circles, clicks triangles. A green line joins each pair the join wrote,
    coloured by nothing else; an impression written with NULL clicks (left outer join) is
    orange, one still waiting in state at the end grey; a row dropped as late is a black cross.
    The green step line is the watermark each micro-batch evicted state with.
    """
    paired = {(p[0], p[2]) for b in batches for p in b.pairs}  # (impression id, click time)
    paired_imps = {p[0] for p in paired}
    unmatched = {u[0] for b in batches for u in b.unmatched}
    late_rows = _late_rows(impressions, clicks, batches)
    fig, ax = new_figure(width=9.0, height=4.6)
    by_id = {}
    for imp in impressions:
        by_id.setdefault(imp.impression_id, imp)
    for click in clicks:
        imp = by_id.get(click.impression_id)
        if imp is not None and (click.impression_id, click.time_s) in paired:
            ax.plot(
                [imp.time_s / 60, click.time_s / 60],
                [imp.batch, click.batch],
                color=PAIRED,
                lw=1.0,
                alpha=0.8,
            )
    for imp in impressions:
        if ("imp", imp) in late_rows:
            ax.plot(imp.time_s / 60, imp.batch, "x", color=DROPPED, ms=7)
            continue
        colour = (
            PAIRED
            if imp.impression_id in paired_imps
            else UNMATCHED
            if imp.impression_id in unmatched
            else WAITING
        )
        ax.plot(imp.time_s / 60, imp.batch, "o", color=colour, ms=6, mec="white", mew=0.5)
    for click in clicks:
        if ("click", click) in late_rows:
            ax.plot(click.time_s / 60, click.batch, "x", color=DROPPED, ms=7)
            continue
        colour = PAIRED if (click.impression_id, click.time_s) in paired else WAITING
        ax.plot(click.time_s / 60, click.batch, "^", color=colour, ms=7, mec="white", mew=0.5)
    steps = [(b.batch, b.watermark_s) for b in batches if b.watermark_s is not None]
    if steps:
        for batch, mark in steps:
            ax.plot([mark / 60, mark / 60], [batch - 0.4, batch + 0.4], color=PALETTE[0], lw=2.5)
    n_batches = len(batches)
    ax.set_ylim(n_batches - 0.5, -0.7)
    ax.set_yticks(range(n_batches))
    ax.set_xlabel("event time (minutes after 12:00)")
    ax.set_ylabel("arrives in micro-batch")
    handles = [
        Line2D([], [], marker="o", ls="", color=PAIRED, label="impression, paired"),
        Line2D([], [], marker="o", ls="", color=UNMATCHED, label="impression, written with NULLs"),
        Line2D([], [], marker="o", ls="", color=WAITING, label="impression, no click (yet)"),
        Line2D([], [], marker="^", ls="", color=PAIRED, label="click, paired"),
        Line2D([], [], marker="^", ls="", color=WAITING, label="click, not paired"),
        Line2D([], [], marker="x", ls="", color=DROPPED, label="dropped as late"),
        Line2D([], [], color=PALETTE[0], lw=2.5, label="watermark of the micro-batch"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5)
    ax.set_title(
        title or f"Clicks within {bound_s / 60:g} min of their impression",
        fontsize=10.5,
        loc="left",
    )
    return finish(fig)


def state_rows_chart(
    rows_in_state: Mapping[str, Sequence[int]],
    input_batches: int | None = None,
    title: str = "Rows a stream-stream inner join keeps in state",
) -> Figure:
    """Rows in the join's state after each micro-batch, one line per query (label -> counts).

    Micro-batches after the first `input_batches` read no new input: they are shaded. Each line
    ends with its last count.
    """
    fig, ax = new_figure(7.0, 3.4)
    longest = max(len(counts) for counts in rows_in_state.values())
    for (label, counts), colour in zip(rows_in_state.items(), PALETTE, strict=False):
        ax.plot(range(len(counts)), counts, marker="o", ms=4, color=colour, label=label)
        ax.annotate(
            f"{counts[-1]}",
            (len(counts) - 1, counts[-1]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=colour,
        )
    if input_batches is not None and input_batches < longest:
        shade_without_input(ax, input_batches - 0.5, longest - 0.5, "no new input", pad=0.1)
    ax.set_xlim(-0.5, longest - 0.2)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("micro-batch (batch id)")
    ax.set_ylabel("rows in state (impressions + clicks)")
    ax.set_title(title, fontsize=10.5, loc="left")
    ax.legend(loc="upper left", fontsize=9, frameon=False)
    return finish(fig)


def _late_rows(impressions, clicks, batches) -> set[tuple[str, JoinRow]]:
    """The rows the join dropped as late: those at or before their micro-batch's late-row
    watermark."""
    late_by_batch = {b.batch: b.late_watermark_s for b in batches}
    out = set()
    for kind, rows in (("imp", impressions), ("click", clicks)):
        for row in rows:
            mark = late_by_batch.get(row.batch)
            if mark is not None and row.time_s <= mark:
                out.add((kind, row))
    return out


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).


@functools.cache
def ad_join_rows() -> tuple[list, list]:
    """The valid impressions and clicks of data/ads, as the join model's rows."""
    impressions = join_model.join_rows(read_ad_batches("impressions"))
    clicks = join_model.join_rows(read_ad_batches("clicks"))
    return impressions, clicks


def stream_join(delay: float, bound: float) -> Figure:
    """Chapter 11: a left outer stream-stream join with a watermark delay and a time bound."""
    impressions, clicks = ad_join_rows()
    model = join_model.simulate(impressions, clicks, delay, bound, outer=True)
    pairs = sum(len(b.pairs) for b in model)
    nulls = sum(len(b.unmatched) for b in model)
    return join_chart(
        impressions,
        clicks,
        model,
        bound_s=bound,
        title=f"Watermark {delay:g} s, clicks within {bound:g} s: {pairs} pairs, {nulls} NULL rows",
    )
