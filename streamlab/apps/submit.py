"""Run an application of `streamlab.apps` with spark-submit, as chapter 09 does, from Python.

`spark_submit("ad_attribution", [...], master="local[2]")` runs

    <pyspark>/bin/spark-submit --master local[2] --driver-memory 512m ... \\
        streamlab/apps/ad_attribution.py ...

from the repository's root, with the book's small-JVM settings (`streamlab.runtime.spark`), bound to
127.0.0.1, and returns the finished process with its output as text. stdout holds what the
application's Python writes (its first line says where it ran; spark-submit passes on the
driver's stderr there too, so a traceback is in stdout), stderr what the JVM writes: Spark's log,
which the book's log4j configuration sends there, and the Python workers' messages.

A failure, or a run longer than `timeout`, raises `AppError` with the application's name, what
happened and the end of its output; on a timeout every process the submission started (the
driver's JVM, the application's Python, Spark's Python workers) is stopped, as one process group.

tests/lessons/test_cluster.py submits the same commands to a standalone cluster (a master URL
spark://...), with executor settings added; the environment and the command are built here
for both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyspark

from streamlab.apps.common import AppError
from streamlab.runtime.spark import DRIVER_MEMORY, JVM_OPTIONS, LOG4J_CONFIG, driver_java_options

__all__ = [
    "APPS",
    "DRIVER_MEMORY",
    "JVM_OPTIONS",
    "LOG4J_CONFIG",
    "REPO",
    "SPARK_HOME",
    "last_lines",
    "spark_env",
    "spark_submit",
    "submit_command",
    "tail",
]

REPO = Path(__file__).resolve().parents[2]
SPARK_HOME = Path(pyspark.__file__).resolve().parent
APPS = REPO / "streamlab" / "apps"
OUTPUT_LINES = 20  # of each stream, in the message of a failure
STOP_GRACE_S = 10.0  # after TERM, before KILL


def last_lines(text: str, lines: int = OUTPUT_LINES) -> str:
    """The last `lines` lines of a text."""
    return "\n".join(text.splitlines()[-lines:])


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, or "(no log)"."""
    return last_lines(path.read_text(errors="replace"), lines) if path.exists() else "(no log)"


def spark_env(tmp: Path) -> dict[str, str]:
    """The environment of every Spark process started from here: loopback, scratch under tmp,
    this Python (with the repository on its path) for the driver and the executors."""
    scratch = tmp / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    python_path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    return {
        **os.environ,
        "SPARK_HOME": str(SPARK_HOME),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(tmp / "logs"),
        "SPARK_PID_DIR": str(tmp / "pids"),
        "SPARK_LOCAL_DIRS": str(scratch),
        "STREAMLAB_SCRATCH": str(scratch),  # the app's scratch root (streamlab.runtime.scratch)
        "PYTHONPATH": python_path,  # executors import streamlab from this repository
        "PYSPARK_PYTHON": sys.executable,  # ... and the packages of this environment
        "PYSPARK_DRIVER_PYTHON": sys.executable,
    }


def submit_command(master: str, app: str, args: list[str], tmp: Path) -> list[str]:
    """`spark-submit --master <master> ... streamlab/apps/<app>.py <args>`, scratch under tmp.

    A master spark://... also gets the executors' memory, cores and Java options."""
    command = [
        str(SPARK_HOME / "bin" / "spark-submit"),
        *["--master", master, "--driver-memory", DRIVER_MEMORY],
        *["--driver-java-options", driver_java_options(tmp)],
        *"--conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1".split(),
        *["--conf", f"spark.local.dir={tmp / 'scratch'}"],
    ]
    if master.startswith("spark://"):
        command += [
            *"--executor-memory 512m --total-executor-cores 1".split(),
            *["--conf", f"spark.executor.extraJavaOptions={JVM_OPTIONS}"],
        ]
    return [*command, str(APPS / f"{app}.py"), *args]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_group(process: subprocess.Popen) -> None:
    """TERM the process group of `process` (the leader of its own session), then KILL whatever
    is left after STOP_GRACE_S."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + STOP_GRACE_S
        while time.monotonic() < deadline:
            process.poll()  # reap the leader, or the group stays alive as a zombie
            if not _group_alive(process.pid):
                return
            time.sleep(0.1)
    process.poll()


def _failure(app: str, master: str, how: str, stdout: str, stderr: str) -> AppError:
    parts = [f"The application {app} (spark-submit --master {master}) {how}."]
    for name, text in (("stdout", stdout), ("stderr", stderr)):
        if text.strip():
            parts.append(f"The last lines of its {name}:\n{last_lines(text)}")
    if len(parts) == 1:
        parts.append("It printed nothing.")
    return AppError("\n".join(parts))


def spark_submit(
    app: str,
    args: list[str],
    master: str = "local[2]",
    timeout: float = 300,
    work: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run streamlab/apps/<app>.py with spark-submit on `master`; return the finished process
    (stdout: what the app printed; stderr: Spark's log).

    `work` holds the submission's scratch files (Java's and Spark's temporary files); by default
    a temporary folder, deleted afterwards. Raises AppError when the app exits with an error or
    runs longer than `timeout` seconds (then all its processes are stopped).
    """
    if work is None:
        with tempfile.TemporaryDirectory(prefix="spark-submit-") as scratch:
            return spark_submit(app, args, master, timeout, Path(scratch))
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    command = submit_command(master, app, [str(a) for a in args], work)
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=spark_env(work),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,  # its own process group: stopped as one, children included
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(process)
        try:
            stdout, stderr = process.communicate(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:  # a pipe held open by a process out of reach
            stdout, stderr = "", ""
        raise _failure(
            app, master, f"timed out after {timeout:g} s and was stopped", stdout, stderr
        ) from None
    except BaseException:  # KeyboardInterrupt (a notebook's interrupt): leave no JVM behind
        _stop_group(process)
        raise
    if _group_alive(process.pid):  # a Python worker or JVM that outlived spark-submit
        _stop_group(process)
    if process.returncode != 0:
        raise _failure(app, master, f"failed with exit code {process.returncode}", stdout, stderr)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
