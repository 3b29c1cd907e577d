"""The benchmark's figures, bench/results/notebooks-time.png and notebooks-memory.png."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.bench.results import MEMORY_TARGET_MIB, TIME_TARGET_RATIO, peak_pss_mib, short_name


def plot_time(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Horizontal bars: wall time and floor of each notebook, and what the target allows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(rows)[::-1]  # the first notebook at the top
    height = 0.5 * len(rows) + 1.8
    fig, ax = plt.subplots(figsize=(8.5, height), facecolor="white")
    for i, r in enumerate(rows):
        wall, floor = float(r["wall_s"]), float(r["floor_s"])
        ax.barh(i + 0.19, wall, height=0.38, color="#4c72b0")
        ax.barh(i - 0.19, floor, height=0.38, color="#bbbbbb")
        ax.barh(
            i - 0.19,
            floor * (TIME_TARGET_RATIO - 1),
            left=floor,
            height=0.38,
            color="white",
            edgecolor="#c44e52",
            hatch="////",
            linewidth=0.8,
        )
        ax.annotate(
            f"{r['ratio']} ×",
            (wall, i + 0.19),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color="#4c72b0",
        )
    ax.set_yticks(range(len(rows)), [short_name(r["notebook"]) for r in rows])
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(0, max(float(r["wall_s"]) for r in rows) * 1.12)
    ax.set_xlabel("time from a fresh kernel (s)")
    ax.set_title("Each notebook's run, and the least it could take")
    ax.grid(axis="x", alpha=0.3)
    handles = [
        plt.Rectangle((0, 0), 1, 1, color="#4c72b0"),
        plt.Rectangle((0, 0), 1, 1, color="#bbbbbb"),
        plt.Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="#c44e52", hatch="////"),
    ]
    labels = [
        "wall time (label: wall ÷ floor)",
        "floor: Spark start + waits asked for",
        "allowed by the target (up to 1.5 × floor)",
    ]
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, fontsize=7.5)
    fig.tight_layout(rect=(0, 0.35 / height, 1, 1))
    fig.savefig(path, dpi=110, facecolor="white")
    plt.close(fig)


def plot_memory(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Horizontal bars: peak memory (PSS) of each notebook's processes in its first and second
    run, with the 900 MiB line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(rows)[::-1]  # the first notebook at the top
    runs = [
        ("peak_pss_mib", "run 1, from a fresh kernel", "#4c72b0", 0.19),
        ("peak_pss_run2_mib", "run 2, again in the same kernel", "#8fb0d9", -0.19),
    ]
    height = 0.55 * len(rows) + 1.8
    fig, ax = plt.subplots(figsize=(8.5, height), facecolor="white")
    for key, _label, color, offset in runs:
        pss = [float(r[key]) for r in rows]
        colors = [color if p <= MEMORY_TARGET_MIB else "#c44e52" for p in pss]
        ax.barh([i + offset for i in range(len(rows))], pss, height=0.38, color=colors)
        for i, p in enumerate(pss):
            ax.annotate(
                f"{p:.0f}",
                (p, i + offset),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=7.5,
            )
    ax.axvline(MEMORY_TARGET_MIB, color="#c44e52", linestyle="--")
    ax.annotate(
        "900 MiB target",
        (MEMORY_TARGET_MIB, len(rows) - 0.5),
        xytext=(-4, 0),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=8,
        color="#c44e52",
    )
    ax.set_yticks(range(len(rows)), [short_name(r["notebook"]) for r in rows])
    ax.set_ylim(-0.6, len(rows) - 0.1)
    ax.set_xlim(0, max([*(peak_pss_mib(r) for r in rows), MEMORY_TARGET_MIB]) * 1.12)
    ax.set_xlabel("peak memory of kernel + JVM + Python workers, PSS (MiB)")
    ax.set_title("Peak memory of each notebook, run twice in one kernel")
    ax.grid(axis="x", alpha=0.3)
    handles = [plt.Rectangle((0, 0), 1, 1, color=color) for _, _, color, _ in runs]
    handles.append(plt.Rectangle((0, 0), 1, 1, color="#c44e52"))
    labels = [label for _, label, _, _ in runs] + ["over the target"]
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, fontsize=7.5)
    fig.tight_layout(rect=(0, 0.35 / height, 1, 1))
    fig.savefig(path, dpi=110, facecolor="white")
    plt.close(fig)
