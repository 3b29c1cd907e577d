"""A class-data archive of Spark's JVM, so that it starts and warms up in about half the time.

Spark's JVM loads and verifies some twenty thousand classes from its jars before a first query
answers: on two busy cores that is most of the 10-30 s a notebook waits for `get_spark()` and its
first job. Java 17 can keep the classes an application loaded in an archive file
(class-data sharing: `-XX:ArchiveClassesAtExit` writes it when a JVM exits, and
`-XX:SharedArchiveFile` maps it at the next start, with the classes already parsed and
verified): Spark starts in about half the time (docs/decisions/class-archive.md).

`make setup` builds the archive once (`python -m streamlab.runtime.build_cds`), by running what
every notebook does first (start Spark, a SQL job, a stateful streaming query) in a JVM that
writes the archive when it exits. It is checked by a
second JVM that must start from it, and only then put in place: a damaged archive would crash
the JVM (SIGBUS), so a half-written file is never installed. Without an archive (Colab, or
before `make setup`) Spark starts as usual, only slower; a JVM that cannot use the archive (Java
was upgraded, the jars moved) ignores it and says nothing (its `cds` log is off).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pyspark

ARCHIVE = Path(sys.prefix) / "share" / "streamlab" / f"spark-{pyspark.__version__}-classes.jsa"
OFF = "STREAMLAB_CLASS_ARCHIVE"  # set to "off": get_spark starts Spark without the archive
QUIET = "-Xlog:cds=off -Xlog:cds+dynamic=off"  # an unusable archive is ignored, silently


def java_options(archive: Path | None = None) -> str:
    """The JVM options that use the archive, or "" when there is none (or it is turned off)."""
    archive = archive or ARCHIVE
    if os.environ.get(OFF, "").lower() == "off" or not archive.is_file():
        return ""
    return f"-XX:SharedArchiveFile={archive} {QUIET}"
