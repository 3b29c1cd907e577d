"""Benchmark of the book: run every notebook from a fresh kernel and measure it.

For each notebook: the wall time of the whole run; its floor, the least time the run could take
(Spark's start plus the waiting the notebook asks for, logged by tools/benchlog.py in the kernel
while it runs); their ratio; and the peak memory of the kernel plus everything it started
(Spark's JVM, Python workers), sampled every 50 ms, for the run from a fresh kernel and for a
second run of every cell in the same kernel (as a learner re-running without restarting).
Prints a table and writes, in bench/results/: notebooks.csv (the table; notebooks-page.csv has
it with the page's headers), notebooks.json (with what waited and what held memory at each
run's peak), targets.csv (which notebooks miss the book's targets), notebooks-time.png,
notebooks-memory.png, machine.json and machine.csv. Notebooks on disk are not modified. Naming
notebooks updates only their rows; the others keep their last results.

Usage: python -m tools.bench [chapters labs | path.ipynb ...]
"""

from __future__ import annotations

import csv
import ctypes
import datetime as dt
import errno
import functools
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import psutil
from nbclient import NotebookClient

from tools import benchlog
from tools.notebooks import find_notebooks
from tools.paths import REPO, RESULTS

GIB = 2**30
MIB = 2**20
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

# Run in each kernel before the notebook's first cell: log the DStream runs and the waits cells
# make themselves (tools/benchlog.py, imported from the repository root without leaving it on
# sys.path: the kernel runs in the notebook's folder).
PREAMBLE = f"""import sys as _sys
_sys.path.insert(0, {str(REPO)!r})
import tools.benchlog as _bench_log
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


@dataclass
class ProcessMemory:
    """One process of a notebook's tree in one sample: what it is and what it holds."""

    pid: int
    name: str  # the end of its command line
    role: str  # kernel, JVM, worker daemon, Python worker, other
    rss: int
    pss: int


@dataclass
class Peak:
    """The largest total of one run: PSS and RSS (bytes), and each process at the PSS peak."""

    pss: int = 0
    rss: int = 0
    parts: list[ProcessMemory] = field(default_factory=list)


class TreeMemory:
    """Samples the memory of a process and all its descendants; keeps the peak of each run."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.saw_jvm = False
        self.pid: int | None = None
        self.runs: list[Peak] = [Peak()]  # new_run() starts the next
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def new_run(self) -> None:
        """Keep the peak so far as one run's, and start the next run's from nothing."""
        with self._lock:
            self.runs.append(Peak())

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if self.pid is None:
                continue
            parts = sample_tree(self.pid)
            if not parts:
                continue
            self.saw_jvm = self.saw_jvm or any(p.role == "JVM" for p in parts)
            pss, rss = sum(p.pss for p in parts), sum(p.rss for p in parts)
            with self._lock:
                peak = self.runs[-1]
                peak.rss = max(peak.rss, rss)
                if pss > peak.pss:
                    peak.pss, peak.parts = pss, parts


def sample_tree(pid: int) -> list[ProcessMemory]:
    """The memory of process `pid` and of every descendant that has its own address space."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
    parts = []
    for proc in procs:
        try:
            if _is_spawn_copy(proc):
                continue
            info = proc.memory_full_info()
            cmdline = proc.cmdline()
            role = "kernel" if proc.pid == pid else _role(proc, cmdline)
        except psutil.Error:
            continue
        name = " ".join(cmdline[-2:])[-40:]
        pss = getattr(info, "pss", info.rss)
        parts.append(ProcessMemory(proc.pid, name, role, info.rss, pss))
    return parts


def _role(proc: psutil.Process, cmdline: list[str]) -> str:
    """What a process of the tree is: Spark's JVM, PySpark's worker daemon or one of its
    workers (the daemon forks them, so they keep its command line), or something else (such
    as the `java -version` of the setup check)."""
    if proc.name() == "java" and SPARK_JVM_CLASS in cmdline:
        return "JVM"
    if _is_daemon(cmdline):
        parent = proc.parent()
        forked = parent is not None and _is_daemon(parent.cmdline())
        return "Python worker" if forked else "worker daemon"
    return "other"


# PySpark's worker daemon, and the book's, which loads the worker's code before it forks
# (streamlab/runtime/worker_daemon.py); a local Spark of the book runs the second.
DAEMON_MODULES = ("pyspark.daemon", "streamlab.runtime.worker_daemon")


def _is_daemon(cmdline: list[str]) -> bool:
    return any(module in cmdline for module in DAEMON_MODULES)


def by_role(parts: Iterable[ProcessMemory]) -> dict[str, dict[str, int]]:
    """The processes at a peak grouped by role: how many, and their PSS in MiB."""
    roles: dict[str, dict[str, int]] = {}
    for part in parts:
        role = roles.setdefault(part.role, {"processes": 0, "pss_mib": 0})
        role["processes"] += 1
        role["pss_mib"] += part.pss
    return {name: {**r, "pss_mib": round(r["pss_mib"] / MIB)} for name, r in roles.items()}


def _is_spawn_copy(proc: psutil.Process) -> bool:
    """A child the JVM has just forked to start a program: until it runs the program it still
    shares the JVM's address space (vfork), so counting it would count the JVM twice.

    Told apart by sharing its parent's memory (kcmp), not by its command line: PySpark's Python
    workers are forked by `pyspark.daemon` and keep its command line, but each has memory of its
    own (copy-on-write) that must be counted. Where kcmp cannot tell, the child is counted."""
    parent = proc.parent()
    return parent is not None and shares_vm(proc.pid, parent.pid) is True


SPARK_JVM_CLASS = "org.apache.spark.deploy.SparkSubmit"  # the main class PySpark starts
KCMP_VM = 1  # linux/kcmp.h: compare the two processes' address spaces (mm)
_SYS_KCMP = {"x86_64": 312, "aarch64": 272}  # the kcmp syscall's number
_kcmp_note: list[str] = []  # why kcmp cannot be used, said once


def shares_vm(pid_a: int, pid_b: int) -> bool | None:
    """True when two processes share one address space (a vfork child and its parent), False
    when not, None when the kernel cannot tell (kcmp missing or not permitted)."""
    number = _SYS_KCMP.get(platform.machine()) if sys.platform == "linux" else None
    if number is None:
        return _cannot_tell(f"no kcmp on {sys.platform} {platform.machine()}")
    args = (number, pid_a, pid_b, KCMP_VM, 0, 0)
    answer = _syscall()(*(ctypes.c_long(arg) for arg in args))
    if answer >= 0:
        return answer == 0  # 0: the same address space; 1 or 2: an ordering of two others
    error = ctypes.get_errno()
    if error == errno.ESRCH:
        return False  # one of them has exited: nothing is shared any more
    return _cannot_tell(f"kcmp failed ({errno.errorcode.get(error, error)})")


@functools.cache
def _syscall() -> Any:
    """libc's syscall(), returning a long and keeping errno."""
    syscall = ctypes.CDLL(None, use_errno=True).syscall
    syscall.restype = ctypes.c_long
    return syscall


def _cannot_tell(why: str) -> None:
    if not _kcmp_note:
        _kcmp_note.append(why)
        print(
            f"bench: {why}; every child process is counted, including any short-lived copy "
            "of the JVM that shares its memory",
            file=sys.stderr,
            flush=True,
        )
    return None


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
        os.environ[benchlog.ENV] = str(log)  # the kernel inherits it
        try:
            memory.start()
            start = time.perf_counter()
            with client.setup_kernel():
                memory.pid = client.km.provisioner.process.pid
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
                wall = time.perf_counter() - start
                waits = benchlog.read(log)  # the floor is the first run's
                memory.new_run()
                start = time.perf_counter()
                for index, cell in enumerate(nb.cells[1:], start=1):  # the preamble ran once
                    client.execute_cell(cell, index)
                wall_run2 = time.perf_counter() - start
            memory.stop()
        finally:
            del os.environ[benchlog.ENV]
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
            PAGE_HEADERS[key]: _short(value) if key == "notebook" else value
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
                f"{_short(r['notebook'])} ({value(r)}{unit})" for r in missed
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


def _short(name: str) -> str:
    return name.removesuffix(".ipynb")


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
    ax.set_yticks(range(len(rows)), [_short(r["notebook"]) for r in rows])
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
    ax.set_yticks(range(len(rows)), [_short(r["notebook"]) for r in rows])
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
