"""How a receiver-based DStream job is laid out: source, receiver, blocks, driver, batch jobs."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from .style import PALETTE, STYLE, finish, new_figure

DRIVER, EXECUTOR, OUTSIDE = "#DCEAF7", "#E3F4EC", "#F2F2F2"


def _box(
    ax: Axes,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    face: str,
    weight: str = "normal",
    size: float = 9.0,
) -> None:
    """A rounded box with centred text; (x, y) is the lower-left corner."""
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=face,
            edgecolor="#444444",
            linewidth=1.0,
        )
    )
    ax.text(
        x + w / 2,
        y + h / 2,
        text,
        ha="center",
        va="center",
        fontsize=size,
        fontweight=weight,
        wrap=True,
    )


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    label: str = "",
    colour: str = "#333333",
    offset: tuple[float, float] = (0.0, 0.12),
    style: str = "-|>",
    rad: float = 0.0,
) -> None:
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": style,
            "color": colour,
            "lw": 1.4,
            "shrinkA": 2,
            "shrinkB": 2,
            "connectionstyle": f"arc3,rad={rad}",
        },
    )
    if label:
        mx, my = (start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1]
        ax.text(mx, my, label, ha="center", va="bottom", fontsize=8, color=colour)


def architecture_diagram() -> Figure:
    """Boxes and arrows of a receiver-based Spark Streaming application, in data-flow order."""
    with plt.rc_context(STYLE):
        fig, ax = new_figure(10.0, 5.6)
        ax.set_xlim(0, 10)
        ax.set_ylim(0, 5.6)
        ax.axis("off")

        # The outside world.
        _box(ax, 0.1, 2.35, 1.5, 0.9, "source\n(socket, Kafka,\nKinesis, ...)", OUTSIDE)
        _box(ax, 8.45, 0.35, 1.45, 0.9, "output\n(files, database,\nconsole)", OUTSIDE)

        # The driver, on top.
        ax.add_patch(
            FancyBboxPatch(
                (2.1, 3.75),
                7.8,
                1.65,
                boxstyle="round,pad=0.02",
                facecolor="white",
                edgecolor=PALETTE[0],
                linewidth=1.6,
            )
        )
        ax.text(
            2.25,
            5.22,
            "driver (your program + StreamingContext)",
            fontsize=9.5,
            fontweight="bold",
            color=PALETTE[0],
            va="center",
        )
        _box(ax, 2.3, 3.9, 2.2, 1.05, "ReceiverTracker\nknows which blocks\nhave arrived", DRIVER)
        _box(
            ax,
            4.95,
            3.9,
            2.2,
            1.05,
            "JobGenerator\ntimer: every batch\ninterval",
            DRIVER,
            weight="bold",
        )
        _box(ax, 7.6, 3.9, 2.15, 1.05, "JobScheduler\nruns each batch's\njobs, in order", DRIVER)

        # Executors, below.
        for x, title in ((2.1, "executor 1"), (5.35, "executor 2")):
            ax.add_patch(
                FancyBboxPatch(
                    (x, 0.2),
                    2.95,
                    2.95,
                    boxstyle="round,pad=0.02",
                    facecolor="white",
                    edgecolor=PALETTE[2],
                    linewidth=1.6,
                )
            )
            ax.text(
                x + 0.12,
                2.98,
                title,
                fontsize=9.5,
                fontweight="bold",
                color=PALETTE[2],
                va="center",
            )
        _box(ax, 2.3, 1.85, 2.55, 0.85, "receiver\n(a long-running task)", EXECUTOR, weight="bold")
        for i in range(4):
            _box(ax, 2.35 + i * 0.64, 0.85, 0.52, 0.5, f"b{i + 1}", "#FFF4D6", size=8)
        ax.text(
            3.57,
            0.45,
            "blocks: one per block interval (200 ms\nby default), read by the batch's tasks",
            ha="center",
            va="center",
            fontsize=7.5,
        )
        _box(ax, 5.55, 1.85, 2.55, 0.85, "tasks of batch k\n(one per block)", EXECUTOR)
        _box(ax, 5.55, 0.55, 2.55, 0.85, "tasks of batch k + 1", EXECUTOR)

        # Data flow.
        _arrow(ax, (1.6, 2.8), (2.3, 2.35), "records", offset=(0.05, 0.12))
        _arrow(ax, (3.57, 1.85), (3.57, 1.38), "", colour=PALETTE[1])
        _arrow(ax, (4.0, 2.7), (3.4, 3.9), "block ids", colour=PALETTE[1], offset=(-0.45, 0.0))
        _arrow(ax, (4.5, 4.42), (4.95, 4.42), "", colour=PALETTE[0])
        ax.text(4.72, 4.58, "blocks of\nthe interval", ha="center", va="bottom", fontsize=7)
        _arrow(ax, (7.15, 4.42), (7.6, 4.42), "", colour=PALETTE[0])
        ax.text(7.37, 4.58, "one job\nper output", ha="center", va="bottom", fontsize=7)
        _arrow(
            ax, (8.0, 3.9), (7.4, 2.7), "micro-batch jobs", colour=PALETTE[0], offset=(0.75, -0.05)
        )
        _arrow(ax, (4.85, 1.1), (5.55, 2.1), "", colour=PALETTE[1], style="->", rad=-0.2)
        _arrow(ax, (8.1, 1.0), (8.45, 0.85), "", colour="#333333")
        ax.set_title("A receiver-based DStream application: who does what", fontsize=11)
    return finish(fig)
