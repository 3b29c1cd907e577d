"""The memory of a notebook's run: the proportional set size (PSS) of the kernel and every
process it started (Spark's JVM, Python workers), sampled, by role, without counting twice a
short-lived copy of the JVM that shares its memory."""

from __future__ import annotations

import ctypes
import errno
import functools
import platform
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psutil

GIB = 2**30
MIB = 2**20


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


KAFKA_MAIN_CLASS = "kafka.Kafka"


def _role(proc: psutil.Process, cmdline: list[str]) -> str:
    """What a process of the tree is: Spark's JVM, the Kafka broker's JVM, PySpark's worker
    daemon or one of its workers (the daemon forks them, so they keep its command line), or
    something else (such as the `java -version` of the setup check)."""
    if proc.name() == "java" and SPARK_JVM_CLASS in cmdline:
        return "JVM"
    if proc.name() == "java" and KAFKA_MAIN_CLASS in cmdline:
        return "Kafka broker"  # streamlab.kafka.broker: a JVM of its own, a child of the kernel
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
