"""One small Spark per kernel: start it once, reuse it, stop streams without stopping Spark.

Re-running a notebook cell must not fail with "Only one SparkContext" or "StreamingContext
cannot be restarted", so every getter here returns what is already running, and
`streaming_context` stops the previous StreamingContext (but not Spark) before making a new one.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

from pyspark import SparkContext
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext

from .java import check_java

APP_NAME = "spark-streaming-hands-on"
DRIVER_MEMORY = "512m"  # kernel + JVM stay under 1 GiB with this (measured in `make bench`)
LOG4J_CONFIG = Path(__file__).with_name("log4j2.properties")
# Serial GC, a 48 MiB young generation and the quick JIT only: the JVM of Lab 1 peaks at about
# 470 MiB instead of 600 MiB, and short jobs finish sooner (`make bench` measures it). The heap
# is kept at most 10-30 % above what is live, so it grows less: Lab 3's JVM peaks about 70 MiB
# lower for some 15 % more time in garbage collection. The heap starts at 64 MiB: by default it
# starts at 1/64 of the machine's RAM (384 MiB on 24 GiB) and never shrinks below that, which
# kept Lab 3 (kernel + JVM) about 140 MiB above 1 GiB.
JVM_OPTIONS = (
    "-XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:TieredStopAtLevel=1 -Xms64m -Xmn48m "
    "-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
)


class StreamingSetupError(ValueError):
    """A streaming job was set up in a way Spark would reject; the message says how to fix it."""


def master_url() -> str:
    """The master Spark connects to: $SPARK_MASTER, or every local core."""
    return os.environ.get("SPARK_MASTER", "local[*]")


def scratch_root() -> Path:
    """A per-kernel folder for Spark's temporary files, checkpoints and file-drop sources."""
    root = os.environ.get("STREAMLAB_SCRATCH")
    if root is None:
        root = str(Path(tempfile.gettempdir()) / f"streamlab-{os.getpid()}")
        os.environ["STREAMLAB_SCRATCH"] = root
        atexit.register(shutil.rmtree, root, True)
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def scratch_dir(name: str) -> Path:
    """An empty folder called `name` under the scratch root, emptied again on every call.

    Checkpoints and drop directories live here, so running a cell twice starts from nothing.
    """
    path = scratch_root() / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _prepare_environment() -> None:
    """Environment variables Spark reads when its JVM and Python workers start."""
    # Python workers must run this interpreter, or they miss the packages of this environment.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # The host name resolves oddly on many laptops and containers; stay on loopback.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def _is_on_this_machine(master: str) -> bool:
    return master.startswith("local") or "127.0.0.1" in master or "localhost" in master


def get_spark(app_name: str = APP_NAME) -> SparkSession:
    """Return this kernel's SparkSession, starting it with small-machine defaults if needed."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    check_java()
    _prepare_environment()
    master = master_url()
    scratch = scratch_root()
    # The cores this process may run on: in a container, os.cpu_count() counts the whole node's.
    usable = getattr(os, "sched_getaffinity", None)
    cores = len(usable(0)) if usable else os.cpu_count() or 2
    java_options = (
        f"-Dlog4j2.configurationFile=file:{LOG4J_CONFIG} -Djava.io.tmpdir={scratch} "
        + os.environ.get("STREAMLAB_JVM_OPTS", JVM_OPTIONS)
    )
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.driver.memory", DRIVER_MEMORY)
        .config("spark.driver.extraJavaOptions", java_options)
        .config("spark.local.dir", str(scratch))
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.ui.enabled", os.environ.get("STREAMLAB_SPARK_UI", "false"))
        .config("spark.sql.streaming.forceDeleteTempCheckpointLocation", "true")
        # Small data, small JVM (measured on Lab 3 with `make bench`): adaptive execution and
        # broadcast joins each keep pools of idle threads (about 300 in all, each with its
        # stack), and whole-stage code generation loads thousands of classes; without them
        # the JVM peaks about 150 MiB lower and short queries run no slower.
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.broadcastExchange.maxThreadThreshold", "4")
        .config("spark.sql.codegen.wholeStage", "false")
        # Spark keeps the history of jobs, stages, tasks and queries in the driver's heap
        # (for its UI, even when the UI is off): 100,000 tasks by default. Keep a little.
        .config("spark.ui.retainedJobs", "50")
        .config("spark.ui.retainedStages", "50")
        .config("spark.ui.retainedTasks", "2000")
        .config("spark.sql.ui.retainedExecutions", "20")
        .config("spark.streaming.ui.retainedBatches", "20")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if _is_on_this_machine(master):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def get_context() -> SparkContext:
    """Return this kernel's SparkContext (the DStream API works on it)."""
    return get_spark().sparkContext


def active_streaming_context() -> StreamingContext | None:
    """The StreamingContext that is started in this JVM, if any."""
    return StreamingContext.getActive()


def stop_streaming() -> None:
    """Stop every running stream (DStream and Structured Streaming) and keep Spark running."""
    ssc = StreamingContext.getActive()
    if ssc is not None:
        ssc.stop(stopSparkContext=False, stopGraceFully=False)
    spark = SparkSession.getActiveSession()
    if spark is not None:
        for query in spark.streams.active:
            query.stop()


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
    else:
        _forget_checkpoint_dir(context)
    return ssc


def _forget_checkpoint_dir(context: SparkContext) -> None:
    """Unset the checkpoint folder an earlier StreamingContext left on the SparkContext.

    `ssc.checkpoint(dir)` also sets it on the SparkContext, where it outlives that context, so a
    later stateful stream without a checkpoint would start anyway and write into an old folder.
    A new context without a checkpoint must behave as on a fresh kernel: refuse state.
    """
    jvm_context = context._jsc.sc()
    getattr(jvm_context, "checkpointDir_$eq")(context._jvm.scala.Option.empty())


def stop_spark() -> None:
    """Stop streams and Spark itself (the next `get_spark()` starts a fresh one)."""
    stop_streaming()
    spark = SparkSession.getActiveSession()
    if spark is not None:
        spark.stop()
    elif SparkContext._active_spark_context is not None:
        SparkContext._active_spark_context.stop()
