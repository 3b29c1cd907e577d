"""The StreamingContext of a DStream lesson: a new one per run, on the running Spark.

A StreamingContext cannot be restarted once stopped, so `streaming_context` stops the previous
one (but not Spark) before making a new one; `use_manual_clock` makes tests run on Spark's
ManualClock.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from pyspark import SparkContext
from pyspark.streaming import StreamingContext

from ..errors import SetupError
from ..runtime.spark import get_context, stop_streaming


class StreamingSetupError(SetupError):
    """A streaming job was set up in a way Spark would reject; the message says how to fix it."""


def streaming_context(
    batch_seconds: float, checkpoint: str | Path | None = None
) -> StreamingContext:
    """A new StreamingContext with this batch interval, on the running SparkContext.

    A StreamingContext cannot be restarted once stopped, so each run of a lab needs a new one;
    the one still running from an earlier cell is stopped first (Spark itself keeps running).
    """
    if not isinstance(batch_seconds, int | float) or isinstance(batch_seconds, bool):
        raise StreamingSetupError(
            f"The batch interval must be a number of seconds, not {batch_seconds!r}."
        )
    if batch_seconds <= 0:
        raise StreamingSetupError(
            f"The batch interval must be more than 0 seconds (got {batch_seconds}). "
            "It is how often Spark cuts the stream into a new batch, for example 1 or 0.5."
        )
    if round(batch_seconds * 1000) != batch_seconds * 1000:
        raise StreamingSetupError(
            f"The batch interval is counted in whole milliseconds; {batch_seconds} s is not."
        )
    context = get_context()
    stop_streaming()
    with warnings.catch_warnings():
        # DStreams are deprecated since Spark 3.4; the book says so in its text, once.
        warnings.filterwarnings("ignore", message="DStream is deprecated", category=FutureWarning)
        ssc = StreamingContext(context, batch_seconds)
    if checkpoint is not None:
        ssc.checkpoint(str(checkpoint))
        _quiet_queue_checkpoint_warning(context)
    else:
        _forget_checkpoint_dir(context)
    return ssc


def _quiet_queue_checkpoint_warning(context: SparkContext) -> None:
    """Log only errors of QueueInputDStream, which warns at every checkpoint.

    The replayed input (`streamlab.replay`, a queueStream) cannot be checkpointed; the replay
    is how the book makes runs repeatable, so the warning is no news (an application under
    spark-submit logs warnings, a notebook only errors).
    """
    jvm = context._jvm
    jvm.org.apache.logging.log4j.core.config.Configurator.setLevel(
        "org.apache.spark.streaming.dstream.QueueInputDStream",
        jvm.org.apache.logging.log4j.Level.ERROR,
    )


def _forget_checkpoint_dir(context: SparkContext) -> None:
    """Unset the checkpoint folder an earlier StreamingContext left on the SparkContext.

    `ssc.checkpoint(dir)` also sets it on the SparkContext, where it outlives that context, so a
    later stateful stream without a checkpoint would start anyway and write into an old folder.
    A new context without a checkpoint must behave as on a fresh kernel: refuse state.
    """
    jvm_context = context._jsc.sc()
    getattr(jvm_context, "checkpointDir_$eq")(context._jvm.scala.Option.empty())


def use_manual_clock(enabled: bool = True) -> None:
    """Make the next StreamingContexts run on Spark's ManualClock (for tests), or not.

    On a ManualClock a batch interval passes only when `streamlab.run` advances the clock, so a
    test of what batches contain runs as fast as Spark computes, not one interval per batch,
    with the same output (Spark's own streaming suites test this way). A StreamingContext reads
    the setting when it is made. Timing checks and file streams (which ignore files newer than
    the clock) need the real clock; notebooks always use it: they show what a learner runs.
    """
    conf = get_context()._jsc.sc().conf()
    if enabled:
        conf.set("spark.streaming.clock", "org.apache.spark.util.ManualClock")
    else:
        conf.remove("spark.streaming.clock")
