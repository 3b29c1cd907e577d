"""Benchmark of the book: run every notebook from a fresh kernel and measure it.

For each notebook: wall time of the whole run, and the peak resident memory of the kernel plus
everything it started (Spark's JVM, Python workers), sampled every 50 ms. Prints a table and
writes it to bench/results/notebooks.csv. The notebooks on disk are not modified.

Usage: python tools/bench.py [chapters labs | path.ipynb ...]
"""

from __future__ import annotations

import csv
import platform
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_notebooks import notebooks  # noqa: E402

RESULTS = Path(__file__).resolve().parent.parent / "bench" / "results"
GIB = 2**30


class TreeMemory:
    """Samples the resident memory of a process and all its descendants; keeps the peak."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.pid: int | None = None
        self.peak_parts: list[tuple[str, int]] = []  # (process, PSS MiB) at the peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self.pid is None:
                continue
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            rss = pss = 0
            parts = []
            for proc in procs:
                try:
                    if _is_spawn_copy(proc):
                        continue
                    info = proc.memory_full_info()
                    name = " ".join(proc.cmdline()[-2:])[-40:]
                except psutil.Error:
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                parts.append((name, getattr(info, "pss", info.rss) >> 20))
            self.peak_rss = max(self.peak_rss, rss)
            if pss > self.peak_pss:
                self.peak_pss, self.peak_parts = pss, parts


def _is_spawn_copy(proc: psutil.Process) -> bool:
    """A child the JVM has just forked to start a program: it still shares the JVM's memory
    (vfork), so counting it would count the JVM twice."""
    parent = proc.parent()
    return parent is not None and proc.cmdline() == parent.cmdline()


def measure(path: Path, timeout: int = 600) -> dict[str, object]:
    """Run one notebook in a fresh kernel; return wall time and peak memory."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    memory = TreeMemory()
    memory.start()
    start = time.perf_counter()
    with client.setup_kernel():
        memory.pid = client.km.provisioner.process.pid
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    wall = time.perf_counter() - start
    memory.stop()
    return {
        "notebook": str(path),
        "wall_s": round(wall, 1),
        "peak_rss_mib": round(memory.peak_rss / 2**20),
        "peak_pss_mib": round(memory.peak_pss / 2**20),
        "within_1_gib": memory.peak_pss <= GIB,
        "at_peak": "; ".join(f"{name}: {mib}" for name, mib in memory.peak_parts),
    }


def main(args: list[str]) -> int:
    rows = []
    for path in notebooks(args or ["chapters", "labs"]):
        print(f"running {path} ...", flush=True)
        rows.append(measure(path))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "notebooks.csv"
    with out.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    cpu = f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / GIB:.0f} GiB"
    print(f"\nMachine: {platform.platform()}, Python {platform.python_version()}, {cpu}")
    print(f"{'notebook':<40} {'wall s':>7} {'peak RSS MiB':>13} {'peak PSS MiB':>13}  ≤1 GiB")
    for row in rows:
        print(f"{row['notebook']:<40} {row['wall_s']:>7} {row['peak_rss_mib']:>13} "
              f"{row['peak_pss_mib']:>13}  {'yes' if row['within_1_gib'] else 'NO'}")
        print(f"    at the peak (PSS MiB): {row['at_peak']}")
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
