"""Run a stream for a fixed number of batches and collect what each batch produced.

Rows are keyed by batch number (1, 2, 3, ... for DStreams; Spark's batch id 0, 1, 2, ... for
Structured Streaming), never by wall-clock time, so a lab prints the same table on every run.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyspark.streaming import DStream, StreamingContext
from pyspark.streaming.listener import StreamingListener

from ..errors import RunError

if TYPE_CHECKING:
    import pandas as pd


def _pandas():
    # pandas (with numpy and pyarrow) is imported when a table is first built, not with the
    # package: Spark's Python workers import `streamlab` to run a lab's functions
    # (`streamlab.lessons`), and it would cost each of them about 70 MiB (`make bench`).
    import pandas

    return pandas


class StreamRunError(RunError):
    """A stream could not be started or did not finish; the message says what to do."""


@dataclass
class _BatchRecord:
    batch_ms: int
    records: int
    scheduling_delay_ms: int
    processing_ms: int
    total_delay_ms: int


class _BatchTracker(StreamingListener):
    """Listens to a StreamingContext and records every completed batch, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.completed: list[_BatchRecord] = []
        self.lock = threading.Lock()
        self.requested: int | None = None

    def onBatchCompleted(self, batchCompleted: Any) -> None:  # noqa: N802 (Spark's name)
        info = batchCompleted.batchInfo()  # Spark's JavaBatchInfo: delays in ms, -1 if unknown
        record = _BatchRecord(
            batch_ms=int(info.batchTime().milliseconds()),
            records=int(info.numRecords()),
            scheduling_delay_ms=int(info.schedulingDelay()),
            processing_ms=int(info.processingDelay()),
            total_delay_ms=int(info.totalDelay()),
        )
        with self.lock:
            self.completed.append(record)

    def batch_numbers(self) -> dict[int, int]:
        """Map each completed batch time (ms) to its batch number, 1 for the first."""
        with self.lock:
            times = sorted(r.batch_ms for r in self.completed)
        if self.requested is not None:
            times = times[: self.requested]
        return {t: i + 1 for i, t in enumerate(times)}


def _tracker(ssc: StreamingContext) -> _BatchTracker:
    tracker = getattr(ssc, "_streamlab_tracker", None)
    if tracker is None:
        tracker = _BatchTracker()
        ssc.addStreamingListener(tracker)
        ssc._streamlab_tracker = tracker  # type: ignore[attr-defined]
    return tracker


def _ms(batch_time: Any) -> int:
    """A batch time (the datetime Spark hands to foreachRDD and transform) in milliseconds."""
    return int(batch_time.timestamp() * 1000 + 0.5)


@dataclass
class DStreamBatches:
    """What one DStream produced in each batch, filled while the stream runs."""

    columns: list[str]
    tracker: _BatchTracker
    rows: list[tuple[int, tuple]] = field(default_factory=list)
    apply: Callable[[Any], Any] | None = None

    def _add(self, batch_time: Any, rdd: Any) -> None:
        batch_ms = _ms(batch_time)
        if self.apply is not None:
            rdd = self.apply(rdd)
        for row in rdd.collect():
            values = tuple(row) if isinstance(row, tuple | list) else (row,)
            self.rows.append((batch_ms, values))

    def frame(self, sort: bool = True, batch_times: Sequence[str] = ()) -> pd.DataFrame:
        """A DataFrame with a `batch` column first; sorted by batch, then by every column.

        Columns named in `batch_times` hold the batch time Spark passed to `transform`
        (a datetime); they are turned into batch numbers too, counted like `batch`.
        """
        pd = _pandas()
        numbers = self.tracker.batch_numbers()
        data = [(numbers[t], *values) for t, values in self.rows if t in numbers]
        df = pd.DataFrame(data, columns=["batch", *self.columns])
        for column in batch_times:
            df[column] = [numbers[_ms(t)] for t in df[column]]
        if sort:
            df = df.sort_values(list(df.columns), kind="stable")
        else:
            df = df.sort_values("batch", kind="stable")
        return df.reset_index(drop=True)


# The outputs that `capture` registered, by the number their foreachRDD function holds: only
# those of the latest StreamingContext (and of the running one, if that is another).
_OUTPUTS: dict[int, DStreamBatches] = {}
_KEYS = itertools.count(1)  # never reused, so a function from a checkpoint finds no stranger


def registered_outputs() -> list[DStreamBatches]:
    """The outputs `capture` feeds now: those of the latest StreamingContext and the running one."""
    return list(_OUTPUTS.values())


def completed_batch_times(ssc: StreamingContext) -> list[int]:
    """The times (ms) of the batches of `ssc` that completed so far, in order."""
    tracker = _tracker(ssc)
    with tracker.lock:
        return sorted(r.batch_ms for r in tracker.completed)


def _collector(key: int) -> Any:
    """A foreachRDD function that holds only a number, so checkpointing can pickle it."""

    def collect(batch_time: Any, rdd: Any) -> None:
        import importlib  # the registry is looked up at call time, never pickled

        output = importlib.import_module("streamlab.dstream.batches")._OUTPUTS.get(key)
        if output is not None:
            output._add(batch_time, rdd)

    return collect


def _forget_other_contexts(ssc: StreamingContext) -> None:
    """Unregister the outputs of every StreamingContext but `ssc` and the running one.

    Each new context (a cell run again, a move of a Lab 2 slider) registers outputs of its own;
    those of the contexts before it get no more batches. What they collected stays in the
    objects `capture` returned.
    """
    running = StreamingContext.getActive()
    keep = [getattr(context, "_streamlab_tracker", None) for context in (ssc, running)]
    for key in [k for k, output in _OUTPUTS.items() if all(output.tracker is not t for t in keep)]:
        del _OUTPUTS[key]


def capture(
    dstream: DStream, columns: Sequence[str], apply: Callable[[Any], Any] | None = None
) -> DStreamBatches:
    """Collect every batch of `dstream` (an output operation, registered before the start).

    Each element becomes one row; tuples are spread over `columns`. With `apply`, each batch's
    RDD goes through `apply(rdd)` first, when the batch *runs* (inside `foreachRDD`), whereas
    `transform` calls its function when Spark *plans* the batch, which can be earlier.
    """
    _forget_other_contexts(dstream._ssc)
    output = DStreamBatches(columns=list(columns), tracker=_tracker(dstream._ssc), apply=apply)
    key = next(_KEYS)
    _OUTPUTS[key] = output
    dstream.foreachRDD(_collector(key))
    return output


_START_ERRORS = {
    "Only one StreamingContext may be started": (
        "Another StreamingContext is already running in this kernel, and Spark allows only one "
        "at a time. Stop it with streamlab.stop_streaming() (or make contexts with "
        "streamlab.streaming_context, which stops the old one for you)."
    ),
    "checkpoint directory has not been set": (
        "This stream keeps state across batches (updateStateByKey, or a window with an inverse "
        "function), and Spark needs a checkpoint directory to store that state: call "
        "ssc.checkpoint(folder), or make the context with streaming_context(..., "
        "checkpoint=folder)."
    ),
    "No output operations registered": (
        "This stream has no output operation, so Spark would compute nothing. Add one (pprint, "
        "foreachRDD, saveAsTextFiles or streamlab.capture) before starting."
    ),
}


def _plain_start_error(text: str) -> str | None:
    """The plain-language version of a known error from StreamingContext.start, if any."""
    for marker, message in _START_ERRORS.items():
        if marker in text:
            return message
    return None


def _state(ssc: StreamingContext) -> str:
    return str(ssc._jssc.getState().toString())


MANUAL_CLOCK = "org.apache.spark.util.ManualClock"


def _manual_clock(ssc: StreamingContext) -> Any | None:
    """The context's clock when it is Spark's ManualClock (see session.use_manual_clock)."""
    clock = ssc._jssc.ssc().scheduler().clock()
    return clock if clock.getClass().getName() == MANUAL_CLOCK else None


def uses_manual_clock(ssc: StreamingContext) -> bool:
    """True when `ssc` runs on Spark's ManualClock (tests), False on the system clock."""
    return _manual_clock(ssc) is not None


def _batch_ms(ssc: StreamingContext) -> int:
    return int(ssc._jssc.ssc().graph().batchDuration().milliseconds())


def run(ssc: StreamingContext, batches: int, timeout: float = 120.0) -> pd.DataFrame:
    """Start `ssc`, wait until `batches` batches have completed, stop it (Spark keeps running).

    Returns one row per batch: records in, scheduling delay and processing time in ms.
    """
    if batches < 1:
        raise StreamRunError(f"Run at least one batch (asked for {batches}).")
    state = _state(ssc)
    if state == "ACTIVE":
        raise StreamRunError(
            "This StreamingContext is already running; a stream is started once. "
            "Make a new one with streaming_context(...) to run the lab again."
        )
    if state == "STOPPED":
        raise StreamRunError(
            "This StreamingContext has been stopped, and Spark cannot restart a stopped "
            "StreamingContext. Make a new one with streaming_context(...) and define the "
            "stream again (re-run the cells from the one that creates it)."
        )
    tracker = _tracker(ssc)
    tracker.requested = batches
    try:
        ssc.start()
    except Exception as exc:  # Py4JJavaError, or PySpark's converted IllegalArgumentException
        message = _plain_start_error(str(exc))
        if message is None:
            raise
        raise StreamRunError(message) from None
    deadline = time.monotonic() + timeout
    clock = _manual_clock(ssc)
    try:
        for batch in range(1, batches + 1):
            if clock is not None:  # tests: one batch interval passes when asked, not by waiting
                clock.advance(_batch_ms(ssc))
            elif batch < batches:
                continue  # the system clock cuts the batches: wait for the last one
            while len(tracker.completed) < batch:
                if ssc.awaitTerminationOrTimeout(0.05 if clock is None else 0.005):
                    raise StreamRunError("The stream stopped before the requested batches ran.")
                if time.monotonic() > deadline:
                    raise StreamRunError(
                        f"Only {len(tracker.completed)} of {batches} batches finished in "
                        f"{timeout} s. Each batch takes longer than the batch interval allows: "
                        "raise the interval, shrink the input, or give the run a longer timeout."
                    )
    finally:
        ssc.stop(stopSparkContext=False, stopGraceFully=False)
    return batch_timings(ssc)


def batch_timings(ssc: StreamingContext) -> pd.DataFrame:
    """One row per completed batch: input records, scheduling delay, processing time (ms)."""
    pd = _pandas()
    tracker = _tracker(ssc)
    numbers = tracker.batch_numbers()
    rows = [
        {
            "batch": numbers[r.batch_ms],
            "records": r.records,
            "scheduling_delay_ms": r.scheduling_delay_ms,
            "processing_ms": r.processing_ms,
            "total_delay_ms": r.total_delay_ms,
        }
        for r in tracker.completed
        if r.batch_ms in numbers
    ]
    return pd.DataFrame(rows).sort_values("batch").reset_index(drop=True)
