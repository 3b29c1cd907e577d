"""Kafka's topic as the book draws it: one row of boxes per partition, a box per record at its
offset, labelled and coloured by its key (chapters/10b-kafka-for-real.ipynb)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .style import finish, new_figure

# Twelve light colours (ColorBrewer's Set3): a key's label in black stays readable on each; the
# label, not the colour, is what tells keys apart.
KEY_COLOURS = mpl.colormaps["Set3"].colors


def partition_logs(records: Sequence[tuple[int, int, str]], topic: str) -> Figure:
    """`records`: (partition, offset, key) of every record of the topic."""
    partitions = sorted({partition for partition, _, _ in records})
    keys = sorted({key for _, _, key in records})
    colour = {key: KEY_COLOURS[i % len(KEY_COLOURS)] for i, key in enumerate(keys)}
    longest = max(offset for _, offset, _ in records) + 1
    fig, ax = new_figure(width=7.2, height=1.0 + 0.7 * len(partitions))
    for partition, offset, key in records:
        row = partitions.index(partition)
        ax.add_patch(
            Rectangle(
                (offset, row - 0.35),
                0.92,
                0.7,
                facecolor=colour[key],
                edgecolor="white",
                alpha=0.85,
            )
        )
        ax.text(offset + 0.46, row, key, ha="center", va="center", fontsize=7, rotation=90)
    for row, partition in enumerate(partitions):
        count = sum(1 for p, _, _ in records if p == partition)
        ax.annotate(
            f"next offset {count}",
            (count + 0.1, row),
            va="center",
            fontsize=8,
            color="#555555",
        )
    ax.set_xlim(0, longest + 6)
    ax.set_ylim(len(partitions) - 0.5, -0.5)
    ax.set_yticks(range(len(partitions)), [f"partition {p}" for p in partitions])
    ax.set_xlabel("offset (position of a record in its partition; oldest on the left)")
    ax.grid(False)
    ax.set_title(
        f"Topic {topic}: {len(records)} records in {len(partitions)} partitions, {len(keys)} keys"
    )
    return finish(fig)
