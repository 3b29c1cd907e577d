"""The setup check learners run first: one plain verdict per item, and what to do when it fails."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

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


def environment_checks() -> list[Check]:
    """Checks that need no Spark: Python, Java, packages, cores and memory."""
    checks = []
    py = platform.python_version()
    checks.append(
        Check(
            "Python",
            py,
            OK if sys.version_info >= (3, 10) else FAIL,
            "" if sys.version_info >= (3, 10) else "Use Python 3.10 or newer.",
        )
    )
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
    memory = total_memory_gib()
    if memory is None:
        checks.append(Check("Memory", "unknown", WARN, "Could not read the machine's memory."))
    else:
        enough = memory >= 2
        checks.append(
            Check(
                "Memory",
                f"{memory:.1f} GiB",
                OK if enough else WARN,
                "" if enough else "A lab needs about 1 GiB; close other programs.",
            )
        )
    return checks
