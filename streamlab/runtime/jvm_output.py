"""The JVM's own output (warnings, crashes) in a file per kernel, for the notebook checks.

Spark's JVM inherits the standard output and error of the Python process that starts it, and
writes there what no cell shows: HotSpot's "CodeCache is full. Compiler has been disabled." (on
both streams), an uncaught `java.lang.OutOfMemoryError`. When $STREAMLAB_JVM_OUTPUT_DIR is set
(tools/check_notebooks.py sets it), `get_spark` starts the JVM inside `jvm_output_to_file()`,
so the JVM writes to `<dir>/jvm-<kernel pid>.log`, and the notebook check fails on the lines
`jvm_problems` finds there. Standard library only: the runtime layer imports nothing above it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

JVM_OUTPUT_DIR = "STREAMLAB_JVM_OUTPUT_DIR"
# What a notebook's JVM must never print (a full code cache runs the rest interpreted).
JVM_PROBLEMS = ("CodeCache is full", "java.lang.OutOfMemoryError")


def jvm_output_file(pid: int | None = None) -> Path | None:
    """The file the JVM of the kernel `pid` (this process by default) writes to, or None."""
    folder = os.environ.get(JVM_OUTPUT_DIR)
    if not folder:
        return None
    return Path(folder) / f"jvm-{os.getpid() if pid is None else pid}.log"


@contextmanager
def jvm_output_to_file() -> Iterator[Path | None]:
    """While inside, this process's file descriptors 1 and 2 (which a JVM started now inherits)
    append to `jvm_output_file()`; nothing changes when $STREAMLAB_JVM_OUTPUT_DIR is unset."""
    path = jvm_output_file()
    if path is None:
        yield None
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    saved = (os.dup(1), os.dup(2))
    try:
        os.dup2(target, 1)
        os.dup2(target, 2)
        yield path
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (target, *saved):
            os.close(fd)


def jvm_problems(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of each line of a JVM output file that reports a problem."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [
        (number, line.rstrip())
        for number, line in enumerate(text.splitlines(), start=1)
        if any(problem in line for problem in JVM_PROBLEMS)
    ]
