"""The unbounded table: input table, result table and what the sink receives, per micro-batch."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..models import output_modes as output_modes_model
from ..models.output_modes import QUERIES, MicroBatchOutput
from .style import PALETTE, finish, new_figure

NEW = "#cfe3f3"  # input rows that arrived in this micro-batch
WRITTEN = "#f7d9a8"  # result rows the sink received from this micro-batch
OLD = "#f2f2f2"
EDGE = "#9a9a9a"


def _cell_text(row: tuple) -> str:
    return "  ".join(str(v) for v in row)


def _table(ax, x: float, top: float, width: float, rows: Sequence[tuple], colours: Sequence[str]):
    """Rows as stacked boxes from `top` downwards; returns the y below the last one."""
    y = top
    for row, colour in zip(rows, colours):
        ax.add_patch(Rectangle((x, y - 1), width, 0.9, facecolor=colour, edgecolor=EDGE, lw=0.6))
        ax.text(
            x + 0.15,
            y - 0.55,
            _cell_text(row),
            va="center",
            ha="left",
            fontsize=8.5,
            family="monospace",
        )
        y -= 1
    return y


def output_modes_chart(
    outputs: Sequence[MicroBatchOutput], mode: str, query: str, title: str | None = None
) -> Figure:
    """One column per micro-batch: the input table so far (new rows blue), the result table
    after the batch (rows the sink received in `mode` orange), and how many rows were written."""
    n = len(outputs)
    col_w, gap = 2.6, 0.5
    input_rows = sum(len(o.new_rows) for o in outputs)
    result_rows = max((len(o.result) for o in outputs), default=0)
    height = input_rows + result_rows + 5.5
    fig, ax = new_figure(width=max(6.0, 1.55 * n + 1.2), height=0.23 * height + 0.9)
    ax.set_xlim(-1.9, n * (col_w + gap))
    ax.set_ylim(-height, 1.2)
    ax.axis("off")
    ax.grid(False)
    result_top = -(input_rows + 2.6)
    ax.text(-1.8, -1.4, "input\ntable", ha="left", va="center", fontsize=9, weight="bold")
    ax.text(
        -1.8, result_top - 0.8, "result\ntable", ha="left", va="center", fontsize=9, weight="bold"
    )
    seen: list[tuple[str]] = []
    for i, out in enumerate(outputs):
        x = i * (col_w + gap)
        ax.text(
            x + col_w / 2,
            0.1,
            f"micro-batch {out.batch_id}",
            ha="center",
            va="bottom",
            fontsize=9,
            weight="bold",
        )
        new = [(w,) for w in out.new_rows]
        _table(ax, x, -0.2, col_w, seen + new, [OLD] * len(seen) + [NEW] * len(new))
        seen = seen + new
        ax.annotate(
            "",
            xy=(x + col_w / 2, result_top + 0.1),
            xytext=(x + col_w / 2, result_top + 1.3),
            arrowprops={"arrowstyle": "->", "color": PALETTE[0]},
        )
        colours = [WRITTEN if w else OLD for w in out.written_mask()]
        bottom = _table(ax, x, result_top, col_w, out.result, colours)
        written = len(out.written)
        ax.text(
            x + col_w / 2,
            bottom - 0.4,
            f"sink gets {written} row{'s' * (written != 1)}",
            ha="center",
            va="top",
            fontsize=8.5,
            color=PALETTE[3] if written else "#555555",
        )
    legend = [
        Rectangle((0, 0), 1, 1, facecolor=NEW, edgecolor=EDGE, label="new input row"),
        Rectangle(
            (0, 0),
            1,
            1,
            facecolor=WRITTEN,
            edgecolor=EDGE,
            label=f"written to the sink ({mode} mode)",
        ),
        Rectangle((0, 0), 1, 1, facecolor=OLD, edgecolor=EDGE, label="kept, not written"),
    ]
    ax.legend(
        handles=legend,
        loc="lower center",
        bbox_to_anchor=(0.5, -0.02 - 0.5 / height),
        ncol=3,
        frameon=False,
        fontsize=8.5,
    )
    ax.set_title(title or f"{QUERIES[query]} in {mode} mode", fontsize=10.5, loc="left")
    return finish(fig)


# The widget's draw (chapter and data in its docstring): the website's build draws every
# setting of its controls with it (tools/site/widget_frames.py).

# Chapter 10: the words of four files, one file per micro-batch.
TABLE_WORD_BATCHES = [
    ["spark", "kafka", "spark"],
    ["state", "spark"],
    ["kafka", "kafka", "watermark"],
    ["spark"],
]


def output_modes(query: str, mode: str, batches: int) -> Figure:
    """Chapter 10: what each output mode writes after the first `batches` micro-batches."""
    return output_modes_chart(
        output_modes_model.simulate(TABLE_WORD_BATCHES[:batches], query, mode), mode, query
    )
