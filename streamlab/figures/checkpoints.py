"""A stopped and resumed query on one timeline: which micro-batches each run executed."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..models.checkpoints import checkpoint_at_stop, resume_plan
from .style import PALETTE, STYLE, finish, new_figure


def resume_timeline(n_batches: int, stop_after: int, crashed: bool = False) -> Figure:
    """Micro-batches 0..n-1 in two rows (first run, resumed run), the stop, and the checkpoint."""
    plan = resume_plan(n_batches, stop_after, crashed)
    held = checkpoint_at_stop(n_batches, stop_after, crashed)
    colours = {
        "first": PALETTE[0],
        "resumed": PALETTE[2],
        "replay": PALETTE[3],
    }
    with plt.rc_context(STYLE):
        fig, ax = new_figure(7.5, 3.4)
        for b in plan:
            y = 1 if b.run == 1 else 0
            if b.run == 1 and b.completed:
                face, hatch = colours["first"], None
            elif b.run == 1:
                face, hatch = "white", "///"
            else:
                face = colours["replay"] if b.replayed else colours["resumed"]
                hatch = None
            ax.barh(
                y,
                0.86,
                left=b.batch_id + 0.07,
                height=0.5,
                color=face,
                edgecolor=colours["replay"] if hatch else "none",
                hatch=hatch,
                zorder=2,
            )
            # the batch a crash interrupted: its id sits left of the crash line
            label_x = b.batch_id + (0.27 if hatch else 0.5)
            ax.text(
                label_x,
                y,
                str(b.batch_id),
                ha="center",
                va="center",
                color="black" if hatch else "white",
                fontsize=9,
                zorder=3,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1} if hatch else None,
            )
        if crashed:  # inside the interrupted batch, first run only, clear of every label
            stop_x = stop_after + 0.72
            ax.plot([stop_x, stop_x], [0.6, 1.55], color="black", ls="--", lw=1.2, zorder=4)
        else:  # between two batches, through both runs
            stop_x = stop_after
            ax.axvline(stop_x, color="black", linestyle="--", linewidth=1.2, zorder=1)
        ax.text(
            stop_x,
            1.5,
            " crash" if crashed else " stop",
            va="center",
            fontsize=9,
        )
        commit = "none" if held.last_commit is None else f"0–{held.last_commit}"
        offsets = "none" if held.last_offsets is None else f"0–{held.last_offsets}"
        state = f"state versions 1–{held.state_version}" if held.state_version else "no state"
        ax.set_title(
            f"At the stop the checkpoint holds offsets {offsets}, commits {commit}, {state}",
            fontsize=10,
        )
        ax.set_yticks([1, 0], ["first run", "resumed run"])
        ax.set_xticks(
            [b + 0.5 for b in range(n_batches)],
            [str(b) for b in range(n_batches)],
        )
        ax.set_xlim(0, n_batches)
        ax.set_ylim(-0.6, 1.7)
        ax.set_xlabel("micro-batch id (one input file each)")
        ax.grid(False)
        handles = [
            Patch(color=colours["first"], label="committed in the first run"),
            Patch(
                facecolor="white",
                edgecolor=colours["replay"],
                hatch="///",
                label="started, never committed",
            ),
            Patch(color=colours["replay"], label="replayed: same offsets again"),
            Patch(color=colours["resumed"], label="new after the restart"),
        ]
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.3),
            ncols=2,
            fontsize=8.5,
            frameon=False,
        )
    return finish(fig)


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).


def restart_from_checkpoint(stop_after: int, crashed: bool) -> Figure:
    """Chapter 06: which of eight micro-batches run again after a stop or a crash."""
    return resume_timeline(8, stop_after=int(stop_after), crashed=crashed)
