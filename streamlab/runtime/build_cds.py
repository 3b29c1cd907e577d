"""Build the class-data archive of Spark's JVM (see `streamlab.runtime.cds`): `python -m
streamlab.runtime.build_cds`, run by `make setup`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..structured.file_drop import FileDrop
from .cds import ARCHIVE, OFF
from .scratch import scratch_dir
from .spark import JVM_OPTIONS, get_spark, stop_spark


def _workload() -> None:
    """What every notebook does first: start Spark, run SQL, run a stateful streaming query.

    Only these classes: a class in the archive that a JVM does not use still costs it memory
    (docs/decisions/class-archive-contents.md).
    """
    from pyspark.sql import functions as F

    spark = get_spark()
    spark.range(10).count()
    drop = FileDrop(scratch_dir("archive-input"))
    drop.drop_all([["a b c", "a b"], ["c d"], ["e a"]])
    words = (
        spark.readStream.option("maxFilesPerTrigger", 1)
        .text(drop.path)
        .select(F.explode(F.split("value", " ")).alias("word"))
    )
    query = (
        words.groupBy("word")
        .count()
        .writeStream.outputMode("update")
        .format("memory")
        .queryName("archive_counts")
        .option("checkpointLocation", str(scratch_dir("archive-checkpoint")))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination(300)


class ArchiveError(RuntimeError):
    """The archive could not be built or does not work; Spark runs without it."""


def _child(step: str, jvm_option: str, timeout: float) -> None:
    """Run `step` ("workload" or "check") in a fresh Python and JVM with this extra JVM option."""

    with tempfile.TemporaryDirectory(prefix="streamlab-archive-scratch-") as scratch:
        env = {
            **os.environ,
            OFF: "off",  # not the archive installed now: the option given here
            "STREAMLAB_JVM_OPTS": f"{JVM_OPTIONS} {jvm_option}",
            "STREAMLAB_SCRATCH": scratch,
        }
        command = [sys.executable, "-m", "streamlab.runtime.build_cds", "--step", step]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise ArchiveError(f"the {step} run failed (exit status {done.returncode}):\n{tail}")


def build(archive: Path | None = None, timeout: float = 600) -> Path:
    """Write the archive: run the workload in a JVM that saves its classes at exit, check that
    a JVM starts from the result, and only then move it into place."""
    archive = archive or ARCHIVE
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="new-archive-", dir=archive.parent) as folder:
        candidate = Path(folder) / archive.name
        _child("workload", f"-XX:ArchiveClassesAtExit={candidate}", timeout)
        if not candidate.is_file():
            raise ArchiveError("the JVM exited without writing the archive")
        check(candidate, timeout)
        os.replace(candidate, archive)
    return archive


def check(archive: Path, timeout: float = 300) -> None:
    """Raise ArchiveError unless Spark's JVM starts from `archive` and runs a query.

    `-Xshare:on` makes a JVM that cannot use the archive refuse to start instead of ignoring it.
    """
    _child("check", f"-XX:SharedArchiveFile={archive} -Xshare:on", timeout)


def _run_step(step: str) -> None:

    if step == "workload":
        _workload()
    else:
        get_spark().range(10).count()
    stop_spark(jvm=True, wait_s=600)  # the JVM writes the archive as it exits


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", choices=["workload", "check"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        _run_step(args.step)
        return 0
    start = time.perf_counter()
    try:
        path = build()
    except (ArchiveError, subprocess.TimeoutExpired) as error:
        # Not fatal: Spark works without the archive, only slower.
        print(f"No class archive for Spark's JVM (Spark will start more slowly): {error}")
        return 0
    size, took = path.stat().st_size / 2**20, time.perf_counter() - start
    print(f"Class archive for Spark's JVM: {path} ({size:.0f} MiB, built in {took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
