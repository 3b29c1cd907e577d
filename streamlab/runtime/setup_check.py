"""The setup check learners run first: one plain verdict per item, and what to do when it fails."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .java import MINIMUM_JAVA, JavaError, check_java

OK, WARN, FAIL = "ok", "warning", "FAIL"


@dataclass
class Check:
    item: str
    found: str
    verdict: str
    advice: str = ""


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def total_memory_gib() -> float | None:
    """Physical memory of the machine in GiB, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return None


CGROUP = Path("/sys/fs/cgroup")
NO_LIMIT = 2**60  # cgroup v1 writes a huge number when there is no limit


def memory_limit_gib(cgroup: Path = CGROUP) -> float | None:
    """The memory limit of this container (Binder, Docker, JupyterHub) in GiB, None if unlimited.

    Inside a container the machine's memory is not what a notebook may use: Binder, for one,
    shows the host's memory but stops the kernel at its limit (cgroup v2 ``memory.max``, or
    cgroup v1 ``memory/memory.limit_in_bytes``).
    """
    for limit_file in (cgroup / "memory.max", cgroup / "memory" / "memory.limit_in_bytes"):
        try:
            text = limit_file.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < NO_LIMIT:
            return int(text) / 2**30
        return None
    return None


def memory_check(machine_gib: float | None, limit_gib: float | None) -> Check:
    """The memory verdict: the smaller of the machine's memory and the container's limit."""
    if machine_gib is None and limit_gib is None:
        return Check("Memory", "unknown", WARN, "Could not read the machine's memory.")
    usable = min(x for x in (machine_gib, limit_gib) if x is not None)
    found = f"{usable:.1f} GiB"
    if limit_gib is not None and (machine_gib is None or limit_gib < machine_gib):
        found += " (the container's limit"
        found += f"; the machine has {machine_gib:.1f} GiB)" if machine_gib else ")"
    enough = usable >= 2
    advice = "" if enough else "A lab needs about 1 GiB; close other programs and notebooks."
    return Check("Memory", found, OK if enough else WARN, advice)


PROTOBUF_ADVICE = (
    "transformWithState (chapter 13) will fail: its Python worker imports PySpark's protocol "
    "buffer code, which needs the protobuf package, 6.33 or newer; no PySpark extra installs "
    "it. Run `make setup`, or pip install 'protobuf>=6.33'."
)


def _import_state_messages() -> None:
    """Import the generated code transformWithState's Python worker imports."""
    import pyspark.sql.streaming.proto.StateMessage_pb2  # noqa: F401


def protobuf_check(load: Callable[[], None] = _import_state_messages) -> Check:
    """Can transformWithState's Python worker start? (It needs protobuf, of the right version.)"""
    found = _package("protobuf") or "not installed"
    try:
        load()
    except Exception as error:  # ImportError without protobuf, VersionError with an old one
        return Check("protobuf", f"{found} ({type(error).__name__})", FAIL, PROTOBUF_ADVICE)
    return Check("protobuf", found, OK)


MINIMUM_PYTHON = (3, 11)  # PySpark 4.3.0's Requires-Python, and pyproject.toml's
PYTHON_ADVICE = (
    "PySpark 4.3 needs Python 3.11 or newer: install Python 3.11+ and run `make setup` with it."
)


def python_check(version_info: tuple[int, ...] | None = None) -> Check:
    """Is this Python one PySpark 4.3 runs on? (This interpreter's, unless one is given.)"""
    if version_info is None:
        version_info, found = tuple(sys.version_info), platform.python_version()
    else:
        found = ".".join(str(part) for part in version_info[:3])
    ok = tuple(version_info[:2]) >= MINIMUM_PYTHON
    return Check("Python", found, OK if ok else FAIL, "" if ok else PYTHON_ADVICE)


def environment_checks() -> list[Check]:
    """Checks that need no Spark: Python, Java, packages, cores and memory."""
    checks = [python_check()]
    try:
        checks.append(Check("Java", check_java(), OK))
    except JavaError as exc:
        checks.append(Check("Java", "missing or older than " + str(MINIMUM_JAVA), FAIL, str(exc)))
    spark = _package("pyspark")
    checks.append(
        Check(
            "PySpark",
            spark or "not installed",
            OK if spark == "4.3.0" else FAIL,
            "" if spark == "4.3.0" else "Run `make setup` (pip install -e .).",
        )
    )
    pandas = _package("pandas")
    pandas_ok = pandas is not None and pandas.split(".")[0] == "2"
    checks.append(
        Check(
            "pandas",
            pandas or "not installed",
            OK if pandas_ok else WARN,
            "" if pandas_ok else "PySpark 4.3 expects pandas 2.x; install pandas<3.",
        )
    )
    checks.append(protobuf_check())
    widgets = _package("ipywidgets")
    checks.append(
        Check(
            "ipywidgets",
            widgets or "not installed",
            OK if widgets else WARN,
            "" if widgets else "Sliders will not show; pip install ipywidgets.",
        )
    )
    cores = os.cpu_count() or 1
    checks.append(
        Check(
            "CPU cores",
            str(cores),
            OK if cores >= 2 else WARN,
            "" if cores >= 2 else "One core works; batches run one task at a time.",
        )
    )
    checks.append(memory_check(total_memory_gib(), memory_limit_gib()))
    return checks
