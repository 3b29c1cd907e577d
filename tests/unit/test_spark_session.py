"""Spark lifecycle: one Spark per kernel, new StreamingContexts on demand, plain errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pyspark.streaming import StreamingContext

from streamlab import (
    SetupError,
    StreamingSetupError,
    StreamRunError,
    capture,
    get_spark,
    replay,
    run,
    scratch_dir,
    streaming_context,
)
from streamlab.runtime.spark import DRIVER_MEMORY, master_url, startup_settings, submitted_settings


def test_get_spark_returns_the_running_session(spark):
    assert get_spark() is spark
    assert get_spark().sparkContext is spark.sparkContext


def test_settings_the_running_spark_has_are_accepted_others_get_a_plain_error(spark):
    """Settings such as spark.python.worker.reuse are read when Spark starts: a running Spark
    cannot take them, so asking for other values says how to restart instead of ignoring them."""
    reuse = spark.sparkContext.getConf().get("spark.python.worker.reuse", "true")
    assert get_spark(settings={"spark.ui.showConsoleProgress": "false"}) is spark
    other = "false" if reuse == "true" else "true"
    with pytest.raises(SetupError, match=r"already running with spark.python.worker.reuse=") as e:
        get_spark(settings={"spark.python.worker.reuse": other})
    assert "stop_spark(jvm=True) first" in str(e.value)
    assert spark.sparkContext.getConf().get("spark.python.worker.reuse", "true") == reuse


def test_small_machine_defaults(spark):
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.ui.showConsoleProgress") == "false"
    assert conf.get("spark.driver.memory") == "512m"
    assert spark.conf.get("spark.sql.shuffle.partitions") == conf.get("spark.default.parallelism")
    assert spark.sparkContext.master == master_url()  # local[*] unless $SPARK_MASTER says


def test_python_workers_are_forked_from_the_books_daemon_with_their_code_loaded(spark):
    """A task's worker is a child of streamlab.runtime.worker_daemon, with pyspark.worker imported
    before the fork (so shared, not copied into each worker), and pandas never loaded."""

    def where_am_i(_):
        import os
        import sys

        with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
            parent = f.read().split(b"\0")
        return [(parent, "pandas" in sys.modules)]

    [(parent, pandas_loaded)] = (
        spark.sparkContext.parallelize([0], 1).mapPartitions(where_am_i).collect()
    )
    assert b"streamlab.runtime.worker_daemon" in parent
    assert not pandas_loaded


def test_the_daemon_is_set_for_local_masters_only(monkeypatch):
    """The executors of a real cluster may not have the book's package: PySpark's own daemon."""
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setenv("SPARK_MASTER", "spark://127.0.0.1:7077")
    assert "spark.python.daemon.module" not in startup_settings(None)
    monkeypatch.setenv("SPARK_MASTER", "local[2]")
    assert startup_settings(None)["spark.python.daemon.module"] == "streamlab.runtime.worker_daemon"


def test_what_the_daemon_loads_before_forking_starts_no_thread():
    """A process with threads must not fork: importing the worker's code may start none, and
    a lesson module that workers import must not drag pandas (and its threads) in."""
    import subprocess
    import sys

    code = (
        "import sys, threading, streamlab.runtime.worker_daemon, streamlab.lessons.word_count, "
        "streamlab.lessons.windows; "
        "print(threading.active_count(), 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False"]


def test_spark_master_variable_overrides_the_master(monkeypatch):
    monkeypatch.delenv("SPARK_MASTER", raising=False)
    assert master_url() == "local[*]"
    monkeypatch.setenv("SPARK_MASTER", "spark://127.0.0.1:7077")
    assert master_url() == "spark://127.0.0.1:7077"
    monkeypatch.delenv("SPARK_MASTER")
    assert master_url() == "local[*]"


def test_outside_spark_submit_the_book_sets_the_master_and_the_jvm(monkeypatch):
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.setenv("SPARK_MASTER", "spark://127.0.0.1:7077")
    assert submitted_settings() is None
    settings = startup_settings(None)
    assert settings["spark.master"] == "spark://127.0.0.1:7077"
    assert settings["spark.driver.memory"] == DRIVER_MEMORY
    assert "spark.driver.extraJavaOptions" in settings
    assert settings["spark.driver.host"] == "127.0.0.1"


def test_under_spark_submit_its_master_and_settings_are_kept(monkeypatch):
    """spark-submit started the JVM: no master, memory or Java options, none of its --conf."""
    monkeypatch.setenv("SPARK_MASTER", "local[1]")  # a notebook's variable: not for an app
    submitted = {
        "spark.master": "spark://10.0.0.5:7077",
        "spark.app.name": "word_count.py",
        "spark.sql.shuffle.partitions": "8",
    }
    settings = startup_settings(submitted)
    for key in ("spark.master", "spark.driver.memory", "spark.driver.extraJavaOptions"):
        assert key not in settings
    assert not set(settings) & set(submitted)
    assert "spark.driver.host" not in settings  # a cluster master: not pinned to loopback
    assert settings["spark.sql.session.timeZone"] == "UTC"  # the book's defaults fill in
    on_a_laptop = startup_settings({"spark.master": "local[2]"})
    assert on_a_laptop["spark.driver.host"] == "127.0.0.1"
    assert "spark.master" not in on_a_laptop


@pytest.mark.parametrize("bad", [0, -1, -0.5, "1", None, True, 0.0005])
def test_batch_interval_must_be_a_positive_number_of_milliseconds(sc, bad):
    with pytest.raises(StreamingSetupError) as error:
        streaming_context(bad)
    assert "batch interval" in str(error.value)


def test_new_streaming_context_stops_the_running_one_but_not_spark(sc):
    first = streaming_context(0.2)
    capture(replay(first, [["a"]]), ["line"])
    first.start()
    assert StreamingContext.getActive() is not None
    second = streaming_context(0.2)  # what re-running a notebook cell does
    assert StreamingContext.getActive() is None
    assert str(first._jssc.getState().toString()) == "STOPPED"
    out = capture(replay(second, [["b"]]), ["line"])
    run(second, batches=1)
    assert out.frame()["line"].tolist() == ["b"]
    assert not sc._jsc.sc().isStopped()


def test_a_second_active_streaming_context_gets_a_plain_error(sc):
    first = StreamingContext(sc, 0.2)  # made by hand, as a reader might
    capture(replay(first, [["a"]]), ["line"])
    first.start()
    try:
        second = StreamingContext(sc, 0.2)
        capture(replay(second, [["b"]]), ["line"])
        with pytest.raises(StreamRunError, match="Another StreamingContext is already running"):
            run(second, batches=1)
    finally:
        first.stop(stopSparkContext=False)


def test_a_stopped_context_cannot_run_again(sc):
    ssc = streaming_context(0.2)
    capture(replay(ssc, [["a"]]), ["line"])
    run(ssc, batches=1)
    with pytest.raises(StreamRunError, match="cannot restart a stopped StreamingContext"):
        run(ssc, batches=1)


def test_a_running_context_cannot_be_started_twice(sc):
    ssc = streaming_context(0.2)
    capture(replay(ssc, [["a"]]), ["line"])
    ssc.start()
    with pytest.raises(StreamRunError, match="already running; a stream is started once"):
        run(ssc, batches=1)


def test_state_without_checkpoint_gets_a_plain_error(sc, tmp_path):
    earlier = streaming_context(0.2, checkpoint=tmp_path / "earlier")  # leaves a folder on sc
    capture(replay(earlier, [["a"]]), ["line"])
    run(earlier, batches=1)
    ssc = streaming_context(0.2)
    totals = replay(ssc, [["a"]]).map(lambda w: (w, 1)).updateStateByKey(lambda n, o: sum(n))
    capture(totals, ["word", "total"])
    with pytest.raises(StreamRunError, match="needs a checkpoint directory"):
        run(ssc, batches=1)


def test_a_stream_without_output_gets_a_plain_error(sc, tmp_path):
    ssc = streaming_context(0.2)
    ssc.textFileStream(str(tmp_path)).map(lambda w: (w, 1))
    with pytest.raises(StreamRunError, match="no output operation"):
        run(ssc, batches=1)


def test_scratch_dir_is_emptied_on_every_call(spark):
    first = scratch_dir("reused")
    (first / "leftover.txt").write_text("x")
    again = scratch_dir("reused")
    assert again == first
    assert list(again.iterdir()) == []


def test_a_kernel_that_exits_leaves_no_scratch_folder_and_no_jvm(tmp_path):
    """A process that started Spark and exits removes its scratch folder, and its JVM goes."""
    import os
    import subprocess
    import sys

    import psutil
    from pyspark.testing.utils import eventually

    env = {k: v for k, v in os.environ.items() if k != "STREAMLAB_SCRATCH"}
    env["TMPDIR"] = str(tmp_path)
    script = (
        "import streamlab\n"
        "spark = streamlab.get_spark()\n"
        "assert spark.range(3).count() == 3\n"
        "print(streamlab.runtime.scratch.scratch_root())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(str(tmp_path / "streamlab-"))

    @eventually(timeout=30.0, catch_assertions=True, interval=0.5)
    def the_jvm_is_gone():
        jvms = [
            p
            for p in psutil.process_iter(["name", "cmdline"])
            if p.info["name"] == "java" and str(tmp_path) in " ".join(p.info["cmdline"] or [])
        ]
        assert not jvms, "the JVM outlived its Python process by 30 s"

    the_jvm_is_gone()
    assert list(tmp_path.glob("streamlab-*")) == []


def test_folders_of_killed_kernels_are_removed_at_the_next_start(tmp_path):
    import os
    import subprocess

    from streamlab.runtime.scratch import remove_stale_scratch

    finished = subprocess.Popen(["true"])
    finished.wait()  # its process id is no longer running
    dead = tmp_path / f"streamlab-{finished.pid}"
    (dead / "checkpoint").mkdir(parents=True)
    (dead / "checkpoint" / "0").write_text("x")
    alive = tmp_path / f"streamlab-{os.getpid()}"
    alive.mkdir()
    other = tmp_path / "streamlab-notes"
    other.mkdir()
    assert remove_stale_scratch(tmp_path) == [dead]
    assert not dead.exists() and alive.exists() and other.exists()


def test_return_freed_memory_gives_freed_pages_back_to_the_system(tmp_path):
    """Freed Python objects stay in the C library's heap until malloc_trim returns them."""
    script = tmp_path / "trim.py"
    script.write_text(
        "import psutil\n"
        "from streamlab.runtime.memory import return_freed_memory\n"
        "rss = lambda: psutil.Process().memory_info().rss / 2**20\n"
        "junk = [bytes(2000) for _ in range(50_000)]  # 100 MB from malloc's heap\n"
        "above = bytes(2000)  # still in use, above them: the heap's top cannot shrink\n"
        "del junk\n"
        "before = rss()\n"
        "assert return_freed_memory()\n"
        "print(before, rss())\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=120
    )
    before, after = map(float, done.stdout.split())
    assert after < before - 20, (before, after)
