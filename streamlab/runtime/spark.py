"""One small Spark per kernel: start it once, reuse it, stop streams without stopping Spark.

Re-running a notebook cell must not fail with "Only one SparkContext" or "StreamingContext
cannot be restarted", so every getter here returns what is already running, and
`streaming_context` stops the previous StreamingContext (but not Spark) before making a new one.
The applications of `streamlab.apps` start Spark here too: under spark-submit the master, the
driver's memory and Java options are spark-submit's, and its settings win over these defaults.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from pyspark import SparkConf, SparkContext, SparkFiles
from pyspark.sql import SparkSession
from pyspark.streaming import StreamingContext

from ..errors import SetupError
from .cds import java_options as class_archive_options
from .java import check_java
from .jvm_output import jvm_output_to_file
from .memory import return_freed_memory
from .scratch import scratch_root

APP_NAME = "spark-streaming-hands-on"
# The state store the stateful chapters, Lab 4 and its application choose (spark.sql.streaming.
# stateStore.providerClass): transformWithState needs it.
ROCKSDB_PROVIDER = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
DRIVER_MEMORY = "512m"  # kernel + JVM stay under 1 GiB with this (measured in `make bench`)
LOG4J_CONFIG = Path(__file__).with_name("log4j2.properties")
# A small JVM: serial GC, a small young generation, the quick JIT only, a heap kept close to
# what is live (docs/decisions/jvm-options.md, lab3-code-cache.md).
JVM_OPTIONS = (
    "-XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:TieredStopAtLevel=1 -Xms64m -Xmn24m "
    "-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
)


def master_url() -> str:
    """The master Spark connects to: $SPARK_MASTER, or every local core."""
    return os.environ.get("SPARK_MASTER", "local[*]")


def _prepare_environment() -> None:
    """Environment variables Spark reads when its JVM and Python workers start."""
    # Python workers must run this interpreter, or they miss the packages of this environment.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # The host name resolves oddly on many laptops and containers; stay on loopback.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")


def _is_on_this_machine(master: str) -> bool:
    return master.startswith("local") or "127.0.0.1" in master or "localhost" in master


def submitted_settings() -> dict[str, str] | None:
    """The spark.* settings spark-submit started this driver with; None outside spark-submit.

    spark-submit starts the JVM first and then this Python, which finds that JVM through
    $PYSPARK_GATEWAY_PORT (pyspark/java_gateway.py); spark-submit has put its settings (always
    `spark.master`: --master, or local[*]) into the JVM's Java system properties, which a
    SparkConf reads once PySpark is connected to that JVM. Without that variable Python starts
    the JVM itself, later, with the settings of `get_spark`.
    """
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        return None
    SparkContext._ensure_initialized()  # connects to spark-submit's JVM; starts none
    return dict(SparkConf().getAll())


def get_spark(
    app_name: str = APP_NAME,
    log_level: str = "ERROR",
    settings: Mapping[str, str] | None = None,
) -> SparkSession:
    """Return this kernel's SparkSession, starting it with small-machine defaults if needed.

    `settings` are Spark settings of the caller's over those defaults, such as chapter 15's
    `{"spark.python.worker.reuse": "false"}`. They are given to a Spark this call starts; a
    Spark already running with other values of them is refused with a plain error, because
    most of them are read only when Spark starts (`stop_spark(jvm=True)` first).
    Under spark-submit, the master, memory and Java options are spark-submit's and every
    setting it was given (--conf) is kept; the defaults here fill in the rest.
    """
    settings = dict(settings or {})
    active = SparkSession.getActiveSession()
    if active is not None:
        _check_running_settings(active, settings)
        return active
    submitted = submitted_settings()
    if submitted is None:  # this process starts Spark's JVM
        check_java()
        _prepare_environment()
        # Two malloc arenas: the JVM's threads kept tens of MiB freed (docs/decisions/
        # malloc-arena-max.md).
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    builder = SparkSession.builder.appName(app_name)
    for key, value in {**startup_settings(submitted), **settings}.items():
        builder = builder.config(key, value)
    with jvm_output_to_file():  # a JVM started now also writes there, for the notebook checks
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(log_level)
    context = spark.sparkContext
    if context.master.startswith("local"):
        # Spark's folder of added files on the workers' path from the start: a folder new to
        # sys.path cost each worker 17 MiB (docs/decisions/worker-pythonpath.md).
        root = SparkFiles.getRootDirectory()
        paths = context.environment.get("PYTHONPATH", "")
        context.environment["PYTHONPATH"] = os.pathsep.join(p for p in (root, paths) if p)
    return spark


def _check_running_settings(spark: SparkSession, settings: dict[str, str]) -> None:
    """Refuse settings that the running Spark does not have: it cannot take them any more."""
    conf = spark.sparkContext.getConf()
    differ = {k: v for k, v in settings.items() if conf.get(k) != v}
    if differ:
        asked = ", ".join(f"{k}={v}" for k, v in differ.items())
        has = ", ".join(f"{k}={conf.get(k, '(not set)')}" for k in differ)
        raise SetupError(
            f"Spark is already running with {has}, and you asked for {asked}. These are read "
            "when Spark starts: run stop_spark(jvm=True) first, then get_spark(settings=...)."
        )


def driver_java_options(tmp_dir: str | Path) -> str:
    """The driver JVM's options: the book's log settings, its temporary folder, the small-JVM
    settings ($STREAMLAB_JVM_OPTS or JVM_OPTIONS) and the class archive where there is one."""
    return " ".join(
        option
        for option in (
            f"-Dlog4j2.configurationFile=file:{LOG4J_CONFIG} -Djava.io.tmpdir={tmp_dir}",
            os.environ.get("STREAMLAB_JVM_OPTS", JVM_OPTIONS),
            class_archive_options(),  # Spark's classes, loaded and verified in advance
        )
        if option
    )


def startup_settings(submitted: dict[str, str] | None = None) -> dict[str, str]:
    """What `get_spark` sets: all its defaults, or under spark-submit those it did not set.

    `submitted` is what spark-submit set (see `submitted_settings`); then the JVM is already
    running, so the master and what a JVM needs at its start (memory, Java options) stay its.
    """
    master = master_url() if submitted is None else submitted.get("spark.master", "local[*]")
    scratch = scratch_root()
    # The cores this process may run on: in a container, os.cpu_count() counts the whole node's.
    usable = getattr(os, "sched_getaffinity", None)
    cores = len(usable(0)) if usable else os.cpu_count() or 2
    task_slots = cores  # what local[*] runs at once
    # Partitions of shuffles and of parallelize: one per core, or $STREAMLAB_PARTITIONS
    # (the unit tests use 1, as PySpark's own tests do: fewer, cheaper tasks).
    cores = int(os.environ.get("STREAMLAB_PARTITIONS") or cores)
    java_options = driver_java_options(scratch)
    settings = {
        "spark.master": master,
        "spark.driver.memory": DRIVER_MEMORY,
        "spark.driver.extraJavaOptions": java_options,
        "spark.local.dir": str(scratch),
        "spark.sql.shuffle.partitions": str(cores),
        "spark.default.parallelism": str(cores),
        "spark.ui.showConsoleProgress": "false",
        "spark.ui.enabled": os.environ.get("STREAMLAB_SPARK_UI", "false"),
        "spark.sql.streaming.forceDeleteTempCheckpointLocation": "true",
        # Small data, small JVM: no adaptive execution, few broadcast threads, no whole-stage
        # code generation (docs/decisions/small-data-sql-settings.md).
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.broadcastExchange.maxThreadThreshold": "4",
        "spark.sql.codegen.wholeStage": "false",
        # Spark keeps the history of jobs, stages, tasks and queries in the driver's heap
        # (for its UI, even when the UI is off): 100,000 tasks by default. Keep a little.
        "spark.ui.retainedJobs": "50",
        "spark.ui.retainedStages": "50",
        "spark.ui.retainedTasks": "2000",
        "spark.sql.ui.retainedExecutions": "20",
        "spark.streaming.ui.retainedBatches": "20",
        "spark.sql.session.timeZone": "UTC",
        # At most one idle Python worker per task slot (docs/decisions/idle-worker-pool.md).
        "spark.python.factory.idleWorkerMaxPoolSize": str(task_slots),
    }
    if master.startswith("local"):
        # Python workers forked with their code already loaded (streamlab/runtime/worker_daemon.py).
        settings["spark.python.daemon.module"] = "streamlab.runtime.worker_daemon"
    if _is_on_this_machine(master):
        settings["spark.driver.host"] = "127.0.0.1"
        settings["spark.driver.bindAddress"] = "127.0.0.1"
    if submitted is None:
        return settings
    launch = ("spark.master", "spark.driver.memory", "spark.driver.extraJavaOptions")
    return {k: v for k, v in settings.items() if k not in launch and k not in submitted}


def get_context() -> SparkContext:
    """Return this kernel's SparkContext (the DStream API works on it)."""
    return get_spark().sparkContext


def stop_streaming() -> None:
    """Stop every running stream (DStream and Structured Streaming) and keep Spark running."""
    ssc = StreamingContext.getActive()
    if ssc is not None:
        ssc.stop(stopSparkContext=False, stopGraceFully=False)
    spark = SparkSession.getActiveSession()
    if spark is not None:
        for query in spark.streams.active:
            query.stop()


def stop_spark(jvm: bool = False, wait_s: float = 30) -> None:
    """Stop streams and Spark itself (the next `get_spark()` starts a fresh one).

    With `jvm=True` Spark's JVM exits too, with every Python process it started: a stopped
    SparkContext leaves the JVM running, holding its heap, its worker daemons and their idle
    workers, until the kernel exits. PySpark starts a new JVM at the next `get_spark()`.
    `wait_s` bounds the wait for the JVM to exit.
    """
    stop_streaming()
    spark = SparkSession.getActiveSession()
    if spark is not None:
        spark.stop()
    elif SparkContext._active_spark_context is not None:
        SparkContext._active_spark_context.stop()
    gateway = SparkContext._gateway
    if jvm and gateway is not None and getattr(gateway, "proc", None) is not None:
        gateway.shutdown()
        gateway.proc.stdin.close()  # the JVM PySpark started exits when its input closes
        gateway.proc.wait(timeout=wait_s)
        SparkContext._gateway = SparkContext._jvm = None
        return_freed_memory()
