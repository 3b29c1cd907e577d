"""Benchmark of the book: run every notebook from a fresh kernel and measure it.

For each notebook: the wall time of the whole run; its floor, the least time the run could take
(Spark's start plus the waiting the notebook asks for, logged by tools/bench/waitlog.py in the
kernel while it runs); their ratio; and the peak memory of the kernel plus everything it started
(Spark's JVM, Python workers), sampled every 50 ms, for the run from a fresh kernel and for a
second run of every cell in the same kernel (as a learner re-running without restarting).
Prints a table and writes, in bench/results/: notebooks.csv (the table; notebooks-page.csv has
it with the page's headers), notebooks.json (with what waited and what held memory at each
run's peak), targets.csv (which notebooks miss the book's targets), notebooks-time.png,
notebooks-memory.png, machine.json and machine.csv. Notebooks on disk are not modified. Naming
notebooks updates only their rows; the others keep their last results.

Usage: python -m tools.bench.notebooks [chapters labs | path.ipynb ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from tools.bench import waitlog
from tools.bench.figures import plot_memory, plot_time
from tools.bench.memory import MIB, Peak, TreeMemory, by_role
from tools.bench.results import (
    COLUMNS,
    PAGE_HEADERS,
    machine_info,
    merge_rows,
    notebook_name,
    page_rows,
    print_table,
    read_csv,
    table_row,
    targets,
    write_csv,
    write_machine,
)
from tools.notebooks import find_notebooks
from tools.paths import REPO, RESULTS

# Run in each kernel before the notebook's first cell: log the DStream runs and the waits cells
# make themselves (tools/bench/waitlog.py, imported from the repository root without leaving it on
# sys.path: the kernel runs in the notebook's folder).
PREAMBLE = f"""import sys as _sys
_sys.path.insert(0, {str(REPO)!r})
import tools.bench.waitlog as _bench_log
_sys.path.remove({str(REPO)!r})
_bench_log.install()
del _sys, _bench_log"""

# Time to a ready SparkSession with the book's settings, in a fresh Python process.
SPARK_START = """
import time
start = time.perf_counter()
from streamlab import get_spark, stop_spark
get_spark()
print(time.perf_counter() - start)
stop_spark()
"""


def measure_spark_start(runs: int = 3) -> float:
    """The fastest of `runs` starts of a SparkSession (imports included) in a fresh process."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-spark-start-") as scratch:
            env = {**os.environ, "STREAMLAB_SCRATCH": scratch}
            done = subprocess.run(
                [sys.executable, "-c", SPARK_START],
                env=env,
                cwd=REPO,
                check=True,
                capture_output=True,
                text=True,
                timeout=300,
            )
        times.append(float(done.stdout.split()[-1]))
    return min(times)


def measure(path: Path, timeout: int = 600) -> dict[str, Any]:
    """Run one notebook in a fresh kernel, then every cell once more in the same kernel; return
    the first run's wall time and waits, and the peak memory of each run."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PREAMBLE))
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    memory = TreeMemory()
    with tempfile.TemporaryDirectory(prefix="bench-waits-") as folder:
        log = Path(folder) / "waits.jsonl"
        os.environ[waitlog.ENV] = str(log)  # the kernel inherits it
        try:
            memory.start()
            start = time.perf_counter()
            with client.setup_kernel():
                memory.pid = client.km.provisioner.process.pid
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
                wall = time.perf_counter() - start
                waits = waitlog.read(log)  # the floor is the first run's
                memory.new_run()
                start = time.perf_counter()
                for index, cell in enumerate(nb.cells[1:], start=1):  # the preamble ran once
                    client.execute_cell(cell, index)
                wall_run2 = time.perf_counter() - start
            memory.stop()
        finally:
            del os.environ[waitlog.ENV]
    run1, run2 = memory.runs
    return {
        "notebook": notebook_name(path),
        "wall_s": wall,
        "wall_run2_s": wall_run2,
        "waits": waits,
        "started_spark": memory.saw_jvm,
        "peak_rss_mib": run1.rss / MIB,
        "peak_pss_mib": run1.pss / MIB,
        "peak_rss_run2_mib": run2.rss / MIB,
        "peak_pss_run2_mib": run2.pss / MIB,
        "at_peak": _at_peak(run1),
        "at_peak_run2": _at_peak(run2),
    }


def _at_peak(peak: Peak) -> dict[str, Any]:
    """What held memory at a run's peak: totals by role, and every process (largest first)."""
    parts = sorted(peak.parts, key=lambda p: p.pss, reverse=True)
    return {
        "by_role": by_role(parts),
        "processes": [
            {"process": p.name, "role": p.role, "pss_mib": round(p.pss / MIB)} for p in parts
        ],
    }


def main(args: list[str]) -> int:
    paths = [REPO / p for p in find_notebooks(args)]
    print("measuring Spark's start in a fresh process ...", flush=True)
    spark_start = measure_spark_start()
    print(f"  {spark_start:.1f} s", flush=True)
    results = []
    for path in paths:
        print(f"running {path} ...", flush=True)
        result = measure(path)
        results.append(result)
        print(
            f"  {result['wall_s']:.1f} s, {len(result['waits'])} waits logged, peak PSS "
            f"{result['peak_pss_mib']:.0f} MiB; run 2: {result['wall_run2_s']:.1f} s, "
            f"{result['peak_pss_run2_mib']:.0f} MiB",
            flush=True,
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    new_rows = [table_row(r, spark_start) for r in results]
    order = [notebook_name(REPO / p) for p in find_notebooks()]
    rows = merge_rows(read_csv(RESULTS / "notebooks.csv", COLUMNS), new_rows, order)
    write_csv(rows, RESULTS / "notebooks.csv", COLUMNS)
    write_csv(page_rows(rows), RESULTS / "notebooks-page.csv", list(PAGE_HEADERS.values()))
    details_path = RESULTS / "notebooks.json"
    details = json.loads(details_path.read_text()) if details_path.exists() else {}
    for result, row in zip(results, new_rows):
        details[result["notebook"]] = {
            **row,
            "wall_run2_s": round(result["wall_run2_s"], 1),
            "waits": result["waits"],
            "at_peak": result["at_peak"],
            "at_peak_run2": result["at_peak_run2"],
        }
    details = {name: details[name] for name in order if name in details}
    details_path.write_text(json.dumps(details, indent=1) + "\n", encoding="utf-8")
    info = machine_info()
    write_machine(info, spark_start)
    plot_time(rows, RESULTS / "notebooks-time.png")
    plot_memory(rows, RESULTS / "notebooks-memory.png")
    goals = targets(rows)
    write_csv(goals, RESULTS / "targets.csv", ["target", "result"])
    print_table(rows, info)
    print()
    for goal in goals:
        print(f"{goal['target']}: {goal['result']}")
    print(f"\nwritten to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
