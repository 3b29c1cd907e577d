"""For `make bench` only: a log of the time a notebook waits by design (off unless asked).

A notebook's run can be no shorter than Spark's start plus the time it asks to wait: N batches
of a DStream at interval B take N x B seconds however fast Spark is, and so does a wait that
ends on its timeout. tools/bench/notebooks.py runs `install()` in each kernel before the
notebook's first cell, with STREAMLAB_BENCH_LOG=path set; from then on one JSON line is appended
per wait: each `streamlab.run` that completes its batches (batches x the context's interval), the
`time.sleep` calls cells make, and the `awaitTermination` calls that end on their timeout. A
wait that ends because the work is done (an `availableNow` query finishing) is processing, not
waiting, and is not logged. The library knows nothing of this: everything is wrapped from here.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ENV = "STREAMLAB_BENCH_LOG"


def enabled() -> bool:
    """True when a benchmark asked for the log."""
    return bool(os.environ.get(ENV))


def record(kind: str, seconds: float, detail: str = "") -> None:
    """Append one wait to the log: its kind, its length in seconds, what asked for it."""
    path = os.environ.get(ENV)
    if not path:
        return
    line = json.dumps({"kind": kind, "seconds": round(float(seconds), 3), "detail": detail})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def read(path: str | Path) -> list[dict[str, Any]]:
    """Every wait logged in `path` (an empty list if nothing was logged)."""
    path = Path(path)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def batch_interval_s(ssc: Any) -> float:
    """The batch interval of a running or new StreamingContext, in seconds (asked of the JVM)."""
    return ssc._jssc.ssc().graph().batchDuration().milliseconds() / 1000


def record_batches(ssc: Any, batches: int) -> None:
    """Log a DStream run of `batches` batches: batches x the context's interval."""
    if not enabled():
        return
    interval = batch_interval_s(ssc)
    record("dstream", batches * interval, f"{batches} batches x {interval:g} s")


def _called_from_a_cell(depth: int = 2) -> bool:
    """True when the caller's caller is code typed in a notebook cell (not a library)."""
    if threading.current_thread() is not threading.main_thread():
        return False  # a foreachRDD function or a library thread: processing, not a wait
    filename = sys._getframe(depth).f_code.co_filename
    return "ipykernel_" in filename or filename.startswith("<ipython-input")


def _timed_wait(kind: str, wait: Any) -> Any:
    """Wrap an await method: log its timeout when the call returns because the time ran out."""

    @functools.wraps(wait)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        timeout = args[0] if args else kwargs.get("timeout")
        from_cell = timeout is not None and _called_from_a_cell()
        start = time.monotonic()
        result = wait(self, *args, **kwargs)
        if from_cell and time.monotonic() - start >= 0.98 * float(timeout):
            record(kind, float(timeout), f"{wait.__qualname__}({timeout})")
        return result

    wrapper._streamlab_bench = True  # type: ignore[attr-defined]
    return wrapper


def _logged_run(run: Any) -> Any:
    """Wrap `streamlab.run`: after a run that completed its batches, log batches x interval."""

    @functools.wraps(run)
    def wrapper(ssc: Any, batches: int, *args: Any, **kwargs: Any) -> Any:
        result = run(ssc, batches, *args, **kwargs)
        record_batches(ssc, batches)  # not reached when the run raised
        return result

    wrapper._streamlab_bench = True  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Log the waits of a notebook: DStream runs, and the sleeps and awaits cells make."""
    from pyspark.sql.streaming.query import StreamingQuery
    from pyspark.streaming import StreamingContext

    import streamlab

    capture = importlib.import_module("streamlab.dstream.batches")
    if not getattr(capture.run, "_streamlab_bench", False):
        capture.run = _logged_run(capture.run)
    streamlab.run = capture.run  # the re-export notebooks import

    for cls, name in [
        (StreamingContext, "awaitTermination"),
        (StreamingContext, "awaitTerminationOrTimeout"),
        (StreamingQuery, "awaitTermination"),
    ]:
        method = getattr(cls, name)
        if not getattr(method, "_streamlab_bench", False):
            setattr(cls, name, _timed_wait("await", method))
    if not getattr(time.sleep, "_streamlab_bench", False):
        sleep = time.sleep

        def logged_sleep(seconds: float) -> None:
            if _called_from_a_cell():
                record("sleep", seconds, f"time.sleep({seconds})")
            sleep(seconds)

        logged_sleep._streamlab_bench = True  # type: ignore[attr-defined]
        time.sleep = logged_sleep
