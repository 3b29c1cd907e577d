"""The benchmark's results: one row per notebook (times, floor, memory, targets met), the CSV
files and machine description in bench/results/, and the table printed at the end."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import platform
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import psutil

from tools.bench.memory import GIB
from tools.paths import REPO, RESULTS

MEMORY_TARGET_MIB = 900  # every notebook within 900 MiB (kernel + JVM + Python workers)
TIME_TARGET_RATIO = 1.5  # wall time at most 1.5 x the floor
COLUMNS = [
    "notebook",
    "wall_s",
    "spark_start_s",
    "waits_s",
    "floor_s",
    "ratio",
    "within_1_5x_floor",
    "peak_pss_mib",
    "peak_rss_mib",
    "peak_pss_run2_mib",
    "peak_rss_run2_mib",
    "within_900mib",
]

# The same table with short headers, for the book's performance page.
PAGE_HEADERS = {
    "notebook": "notebook",
    "wall_s": "wall (s)",
    "spark_start_s": "Spark start (s)",
    "waits_s": "waits (s)",
    "floor_s": "floor (s)",
    "ratio": "wall ÷ floor",
    "within_1_5x_floor": "≤ 1.5 × floor",
    "peak_pss_mib": "peak PSS, run 1 (MiB)",
    "peak_rss_mib": "peak RSS, run 1 (MiB)",
    "peak_pss_run2_mib": "peak PSS, run 2 (MiB)",
    "peak_rss_run2_mib": "peak RSS, run 2 (MiB)",
    "within_900mib": "≤ 900 MiB, both runs",
}


def floor_s(spark_start_s: float, waits: Iterable[dict[str, Any]], started_spark: bool) -> float:
    """The least time a run can take: Spark's start (if it starts Spark) plus every wait."""
    return (spark_start_s if started_spark else 0.0) + sum(float(w["seconds"]) for w in waits)


def table_row(result: dict[str, Any], spark_start_s: float) -> dict[str, Any]:
    """One row of notebooks.csv from a measurement: times in s, memory in MiB, targets met."""
    waits = sum(float(w["seconds"]) for w in result["waits"])
    floor = floor_s(spark_start_s, result["waits"], result["started_spark"])
    ratio = result["wall_s"] / floor if floor > 0 else float("inf")
    return {
        "notebook": result["notebook"],
        "wall_s": round(result["wall_s"], 1),
        "spark_start_s": round(spark_start_s if result["started_spark"] else 0.0, 1),
        "waits_s": round(waits, 1),
        "floor_s": round(floor, 1),
        "ratio": round(ratio, 2),
        "within_1_5x_floor": "yes" if ratio <= TIME_TARGET_RATIO else "no",
        "peak_pss_mib": round(result["peak_pss_mib"]),
        "peak_rss_mib": round(result["peak_rss_mib"]),
        "peak_pss_run2_mib": round(result["peak_pss_run2_mib"]),
        "peak_rss_run2_mib": round(result["peak_rss_run2_mib"]),
        "within_900mib": "yes" if peak_pss_mib(result) <= MEMORY_TARGET_MIB else "no",
    }


def peak_pss_mib(row: dict[str, Any]) -> float:
    """The larger peak PSS of a notebook's two runs (MiB): what the memory target is about."""
    return max(float(row["peak_pss_mib"]), float(row["peak_pss_run2_mib"]))


def merge_rows(
    old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]], order: Sequence[str]
) -> list[dict[str, Any]]:
    """Old rows updated by new ones (by notebook), only notebooks in `order`, in that order."""
    by_name = {row["notebook"]: row for row in old}
    by_name.update({row["notebook"]: row for row in new})
    return [by_name[name] for name in order if name in by_name]


def write_csv(
    rows: Sequence[dict[str, Any]], path: Path, columns: Sequence[str] | None = None
) -> None:
    """Write `rows` with exactly `columns` (default: the first row's keys), a header first."""
    columns = list(rows[0]) if columns is None else columns
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows({column: row[column] for column in columns} for row in rows)


def page_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table's rows with the page's short headers, and notebooks named without .ipynb."""
    return [
        {
            PAGE_HEADERS[key]: short_name(value) if key == "notebook" else value
            for key, value in row.items()
            if key in PAGE_HEADERS
        }
        for row in rows
    ]


def read_csv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    """The rows of an earlier results file, or none if it is missing or has other columns."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != list(columns):
            return []
        return list(reader)


def targets(rows: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The book's targets, and which notebooks miss them (for the performance page)."""

    def result(key: str, value: Any, unit: str) -> str:
        missed = [r for r in rows if r[key] != "yes"]
        text = f"met by {len(rows) - len(missed)} of {len(rows)}"
        if missed:
            text += "; missed by " + ", ".join(
                f"{short_name(r['notebook'])} ({value(r)}{unit})" for r in missed
            )
        return text

    total = sum(float(r["wall_s"]) for r in rows)
    return [
        {
            "target": "every notebook within 900 MiB (peak PSS, first and second run)",
            "result": result("within_900mib", lambda r: f"{peak_pss_mib(r):.0f}", " MiB"),
        },
        {
            "target": "wall time at most 1.5 × the floor",
            "result": result("within_1_5x_floor", lambda r: r["ratio"], " ×"),
        },
        {
            "target": "make test within 5 minutes, warm environment",
            "result": f"not timed by make bench; running every notebook once took {total:.0f} s",
        },
    ]


def machine_info() -> dict[str, str]:
    """What the benchmark ran on: CPU, cores, memory, OS, Python, Java, PySpark, date."""
    import pyspark

    from streamlab.runtime.java import find_java, java_version

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    java = find_java()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(psutil.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / GIB:.0f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "java": java_version(java)[1] if java else "not found",
        "pyspark": pyspark.__version__,
        "spark_master": os.environ.get("SPARK_MASTER", "local[*]"),
    }


def write_machine(info: dict[str, str], spark_start_s: float, folder: Path = RESULTS) -> None:
    """machine.json, and machine.csv (item, value) for the book's performance page."""
    info = {**info, "spark_start_s": f"{spark_start_s:.1f}"}
    (folder / "machine.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    labels = {
        "date": "measured",
        "cpu": "CPU",
        "cores": "cores",
        "memory": "memory",
        "os": "operating system",
        "python": "Python",
        "java": "Java",
        "pyspark": "PySpark",
        "spark_master": "Spark master",
        "spark_start_s": "Spark start, imports included (s)",
    }
    rows = [{"item": labels[key], "value": info[key]} for key in labels if key in info]
    write_csv(rows, folder / "machine.csv", ["item", "value"])


def notebook_name(path: Path) -> str:
    """The notebook's path from the repository's root, as the table names it."""
    path = path.resolve()
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else path.as_posix()


def print_table(rows: Sequence[dict[str, Any]], info: dict[str, str]) -> None:
    print(
        f"\nMachine: {info['cpu']}, {info['cores']} cores, {info['memory']}, "
        f"Python {info['python']}, {info['java']}, PySpark {info['pyspark']}"
    )
    header = (
        f"{'notebook':<44} {'wall s':>7} {'floor s':>8} {'ratio':>6} {'≤1.5x':>5} "
        f"{'PSS MiB':>8} {'RSS MiB':>8} {'PSS run 2':>9} {'RSS run 2':>9} {'≤900 MiB':>8}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['notebook']:<44} {r['wall_s']:>7} {r['floor_s']:>8} {r['ratio']:>6} "
            f"{r['within_1_5x_floor']:>5} {r['peak_pss_mib']:>8} {r['peak_rss_mib']:>8} "
            f"{r['peak_pss_run2_mib']:>9} {r['peak_rss_run2_mib']:>9} {r['within_900mib']:>8}"
        )


def short_name(name: str) -> str:
    return name.removesuffix(".ipynb")
