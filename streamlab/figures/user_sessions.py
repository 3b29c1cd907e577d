"""Chapter 13's figure: each user's events on a time line, and the sessions they make."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..data.ads import read_ad_batches
from ..models import user_sessions as sessions_model
from ..models.user_sessions import Event, SessionBatch, clock, sessions_of
from .style import PALETTE, finish, new_figure

WRITTEN, OPEN, LATE = PALETTE[0], "#BBBBBB", PALETTE[3]


def sessions_chart(
    batches: Sequence[Sequence[Event]],
    results: Sequence[SessionBatch],
    gap_s: int,
    delay_s: int,
) -> Figure:
    """One row per user: ads shown (dots), clicks (crosses), a bar per session.

    A session written by a micro-batch is blue and labelled with that micro-batch; one still
    open when the input ends (its end is after the final watermark) is grey; a late event,
    dropped by the watermark, is an orange ring. The dashed line is the final watermark.
    """
    late = {e for r in results for e in r.late}
    kept = [e for batch in batches for e in batch if e not in late]
    written = {(s.user_id, s.start_s): r.batch_id for r in results for s in r.written}
    users = sorted({e.user_id for batch in batches for e in batch}, reverse=True)
    row = {user: i for i, user in enumerate(users)}
    fig, ax = new_figure(8.6, 4.8)
    for session in sessions_of(kept, gap_s):
        y = row[session.user_id]
        batch = written.get((session.user_id, session.start_s))
        ax.barh(
            y, session.end_s - session.start_s, left=session.start_s, height=0.56,
            color=WRITTEN if batch is not None else OPEN, alpha=0.35 if batch is None else 0.3,
            edgecolor=WRITTEN if batch is not None else "#888888", linewidth=1,
        )  # fmt: skip
        if batch is not None:
            ax.text(session.end_s - 3, y + 0.02, f"{batch}", ha="right", va="center", fontsize=8,
                    color=WRITTEN, fontweight="bold")  # fmt: skip
    for kind, marker in (("impression", "o"), ("click", "x")):
        events = [e for e in kept if e.kind == kind]
        ax.scatter([e.time_s for e in events], [row[e.user_id] for e in events], marker=marker,
                   s=22, color="black", linewidths=1.2, zorder=3)  # fmt: skip
    if late:
        ax.scatter([e.time_s for e in late], [row[e.user_id] for e in late], s=90,
                   facecolors="none", edgecolors=LATE, linewidths=1.6, zorder=4)  # fmt: skip
    final = results[-1].watermark_s if results else None
    if final is not None:
        ax.axvline(final, color="black", linestyle="--", linewidth=1)
        ax.text(final + 4, len(users) - 0.35, f"final watermark {clock(final)}", fontsize=8)
    ticks = range(0, 9 * 60 + 1, 60)
    ax.set_xticks(list(ticks), [clock(t)[:5] for t in ticks])
    ax.set_xlim(-10, 9 * 60 + 30)
    ax.set_yticks(range(len(users)), users)
    ax.set_ylim(-0.7, len(users) - 0.1)
    ax.set_xlabel("event time (UTC)")
    ax.set_ylabel("user")
    n_written = sum(len(r.written) for r in results)
    n_open = len(sessions_of(kept, gap_s)) - n_written
    ax.set_title(
        f"Sessions with a gap of {gap_s} s and a watermark delay of {delay_s} s: "
        f"{n_written} written, {n_open} still open, "
        + (f"{len(late)} late event{'s' * (len(late) != 1)} dropped" if late else "no late event"),
        fontsize=10,
    )
    handles = [
        Line2D([], [], marker="o", color="black", linestyle="", markersize=5, label="ad shown"),
        Line2D([], [], marker="x", color="black", linestyle="", markersize=6, label="click"),
        Patch(
            facecolor=WRITTEN,
            alpha=0.3,
            edgecolor=WRITTEN,
            label="session written (by micro-batch n)",
        ),  # fmt: skip
        Patch(facecolor=OPEN, alpha=0.35, edgecolor="#888888", label="session still open"),
    ]
    if late:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markerfacecolor="none",
                markeredgecolor=LATE,
                linestyle="",
                markersize=9,
                label="late, dropped",
            )  # fmt: skip
        )
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=5,
              fontsize=8, frameon=False)  # fmt: skip
    return finish(fig)


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).


@functools.cache
def ad_event_batches() -> list:
    """The ad streams' events per micro-batch, as the sessions model reads them."""
    return sessions_model.event_batches(read_ad_batches("impressions"), read_ad_batches("clicks"))


def session_gap_and_delay(gap_s: float, delay_s: float) -> Figure:
    """Chapter 13: user sessions with a gap and a watermark delay, and when each is written."""
    gap_s, delay_s = int(gap_s), int(delay_s)
    batches = ad_event_batches()
    return sessions_chart(batches, sessions_model.simulate(batches, gap_s, delay_s), gap_s, delay_s)
