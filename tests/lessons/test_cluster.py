"""The labs' applications on a real Spark standalone cluster give plain Python's results.

A master and one worker (1 core, 1 GiB) start from the PySpark installation on this machine,
bound to 127.0.0.1 on free ports, and are stopped at the end even when a test fails. Each
application (streamlab/apps/) is submitted unchanged with spark-submit to the cluster; its
tables must equal what plain Python computes from the input (the helpers of test_word_count.py
and test_lab2_windows.py, and for Lab 4's ad_attribution the models streamlab.models.attribution
and streamlab.models.user_sessions), the oracle that a local run of the same code is also held to.
The whole file takes about three minutes on two cores (ad_attribution alone about 80 s).

The commands are those of chapters/09-laptop-to-cluster.md, built by streamlab.apps.submit (which
Lab 4 also runs its application with), plus scratch folders under pytest's tmp_path and the
book's small-JVM settings (streamlab/runtime/spark.py).
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from test_lab1_word_count import python_counts
from test_lab2_windows import EVENTS, by_window, expected_windows, ms

from streamlab.apps.submit import SPARK_HOME, spark_env, spark_submit, tail
from streamlab.data import read_word_batches, words_by_batch
from streamlab.data.ads import ad_catalogue, read_ad_batches
from streamlab.models import attribution as ad_model
from streamlab.models import user_sessions as session_model
from streamlab.models.watermark import Event, simulate
from streamlab.runtime.java import find_java

pytestmark = pytest.mark.serial  # a master, a worker and several JVMs: run alone

START_TIMEOUT_S = 90  # master up and worker registered
SUBMIT_TIMEOUT_S = 300  # one spark-submit, start to exit


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(log: Path, text: str, process: subprocess.Popen, what: str) -> None:
    """Wait until `text` appears in `log`; fail with the log's end if the process dies or
    START_TIMEOUT_S passes."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            pytest.fail(f"{what} exited with code {process.returncode}:\n{tail(log)}")
        time.sleep(0.2)
    pytest.fail(f"{what} not ready after {START_TIMEOUT_S} s (no {text!r} in {log}):\n{tail(log)}")


def stop(process: subprocess.Popen) -> None:
    """TERM, then KILL if it is still there after 15 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def start_daemon(name: str, args: list[str], env: dict[str, str], tmp: Path) -> subprocess.Popen:
    """Start a Spark daemon with spark-class, its output in tmp/<name>.log."""
    with (tmp / f"{name}.log").open("w") as log:
        # spark-class execs java, so this process is the daemon itself
        return subprocess.Popen(
            [str(SPARK_HOME / "bin" / "spark-class"), *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """spark://127.0.0.1:<port> of a running master with one registered worker."""
    if find_java() is None:
        pytest.skip("Java is missing: a Spark cluster needs Java 17 or newer (see `make java`)")
    tmp = tmp_path_factory.mktemp("cluster")
    env = spark_env(tmp)
    env["SPARK_MASTER_OPTS"] = "-Dspark.master.rest.enabled=false"  # no REST port (6066)
    env["SPARK_DAEMON_MEMORY"] = "256m"
    env["SPARK_DAEMON_JAVA_OPTS"] = f"-Djava.io.tmpdir={tmp / 'scratch'}"
    port, ui_port, worker_ui_port = free_port(), free_port(), free_port()
    url = f"spark://127.0.0.1:{port}"
    master_args = f"--host 127.0.0.1 --port {port} --webui-port {ui_port}".split()
    worker_args = f"--host 127.0.0.1 --cores 1 --memory 1g --webui-port {worker_ui_port}".split()
    worker_args += ["--work-dir", str(tmp / "work")]  # executors' folders and logs
    processes: list[subprocess.Popen] = []
    try:
        master = start_daemon(
            "master", ["org.apache.spark.deploy.master.Master", *master_args], env, tmp
        )
        processes.append(master)
        wait_for(tmp / "master.log", "I have been elected leader", master, "The master")
        worker = start_daemon(
            "worker",
            ["org.apache.spark.deploy.worker.Worker", url, *worker_args],
            env,
            tmp,
        )
        processes.append(worker)
        wait_for(tmp / "worker.log", "Successfully registered with master", worker, "The worker")
        wait_for(tmp / "master.log", "Registering worker 127.0.0.1", master, "The master")
        yield url
    finally:
        for process in reversed(processes):  # even when a test failed
            stop(process)


def run_on_cluster(cluster: str, app: str, args: list[str], tmp: Path) -> dict[str, pd.DataFrame]:
    """Submit the app to the cluster (streamlab.apps.submit); return the tables it wrote."""
    tmp = tmp / "cluster"
    folders = ["--output", str(tmp / "out"), "--work-dir", str(tmp / "work")]
    completed = spark_submit(app, [*folders, *args], cluster, SUBMIT_TIMEOUT_S, tmp / "submit")
    # the app prints its master: spark-submit's --master, never one set in the code
    first = completed.stdout.strip().splitlines()[0]
    assert first.startswith(f"{app} on {cluster}:"), completed.stdout + completed.stderr[-3000:]
    return {p.stem: pd.read_csv(p) for p in sorted((tmp / "out").glob("*.csv"))}


def per_batch(frame: pd.DataFrame, batch: str, key: str, value: str) -> dict[int, dict]:
    return {int(b): dict(zip(rows[key], rows[value])) for b, rows in frame.groupby(batch)}


def test_word_count_app_on_the_cluster_equals_plain_python(cluster, tmp_path):
    batch_s, top = 0.5, 10
    tables = run_on_cluster(
        cluster, "word_count", ["--batch-seconds", str(batch_s), "--top", str(top)], tmp_path
    )
    assert set(tables) == {"dstream_counts", "dstream_totals", "dstream_top", "structured_totals"}
    counts, running = python_counts(read_word_batches())
    batches = range(1, len(counts) + 1)
    assert per_batch(tables["dstream_counts"], "batch", "word", "count") == {
        k: dict(counts[k - 1]) for k in batches
    }
    assert per_batch(tables["dstream_totals"], "batch", "word", "total") == {
        k: dict(running[k - 1]) for k in batches
    }
    got_top = tables["dstream_top"]
    for k in batches:
        rows = got_top[got_top["batch"] == k].sort_values("rank")
        ranked = sorted(counts[k - 1].items(), key=lambda wc: (-wc[1], wc[0]))[:top]
        assert list(zip(rows["word"], rows["count"])) == ranked
        assert list(rows["rank"]) == list(range(1, top + 1))
    # update mode: the words of each file, with their running totals
    assert per_batch(tables["structured_totals"], "batch_id", "word", "total") == {
        k - 1: {w: running[k - 1][w] for w in counts[k - 1]} for k in batches
    }


def test_windowed_count_app_on_the_cluster_equals_plain_python(cluster, tmp_path):
    batch_s, window_s, slide_s, delay_s = 1.0, 2.0, 1.0, 1.0
    tables = run_on_cluster(
        cluster,
        "windowed_count",
        [
            "--batch-seconds",
            str(batch_s),
            "--window-seconds",
            str(window_s),
            "--slide-seconds",
            str(slide_s),
            "--watermark-seconds",
            str(delay_s),
            "--output-mode",
            "append",
        ],
        tmp_path,
    )
    assert set(tables) == {"dstream_windows", "dstream_window_totals", "event_windows"}
    # the app runs on past the input until the last window is empty
    n = len(words_by_batch(EVENTS, batch_s)) + round(window_s / batch_s)
    expected = expected_windows(batch_s, window_s, slide_s, n)
    assert by_window(tables["dstream_windows"]) == expected
    # countByWindow: the words of each window. An empty window gives a 0 only where PySpark
    # updates windows incrementally (a window of five slides or more, as Lab 2 explains);
    # otherwise it recounts, and an empty window gives no row.
    incremental = ms(window_s) >= 5 * ms(slide_s)
    emitted = [k for k in range(1, n + 1) if (k * ms(batch_s)) % ms(slide_s) == 0]
    totals = tables["dstream_window_totals"]
    assert dict(zip(totals["batch"], totals["words"])) == {
        k: sum(expected.get(k, {}).values()) for k in emitted if k in expected or incremental
    }
    # event time, append mode: each window once, when the watermark passes its end
    model = simulate(
        [Event(e.time_s, e.batch(1.0) - 1, e.word) for e in EVENTS], delay_s, window_s, slide_s
    )
    got = {
        int(b): sorted((r.start, r.end, r.word, r.count) for r in rows.itertuples())
        for b, rows in tables["event_windows"].groupby("batch_id")
    }
    assert got == {b.batch: b.append for b in model.batches if b.append}
    # and the windows closed hold what happened in them, but the events the watermark dropped
    dropped = Counter()
    for fate in model.fates:
        for start, end in fate.dropped:
            dropped[(start, end, fate.event.word)] += 1
    for rows in got.values():
        for start, end, word, count in rows:
            happened = sum(e.word == word and start <= e.time_s < end for e in EVENTS)
            assert count == happened - dropped[(start, end, word)]


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    """The rows of a table as sorted tuples of plain ints and strings (CSV reads ints of a column
    with empty cells as floats)."""

    def plain(value):
        return int(value) if isinstance(value, float) and value.is_integer() else value

    return sorted(tuple(plain(v) for v in row) for row in frame[list(columns)].itertuples(False))


def test_ad_attribution_app_on_the_cluster_equals_plain_python(cluster, tmp_path):
    delay_s, bound_s, window_s, gap_s = 60, 180, 120, 90
    settings = {"delay": delay_s, "bound": bound_s, "window": window_s, "gap": gap_s}
    args = [a for name, s in settings.items() for a in (f"--{name}-seconds", str(s))]
    # one shuffle partition, as Lab 4 runs it: the cluster has a single core
    tables = run_on_cluster(cluster, "ad_attribution", [*args, "--partitions", "1"], tmp_path)
    assert set(tables) == {"line_counts", "clean_clicks", "attributed", "ctr_windows", "sessions"}
    impression_lines, click_lines = read_ad_batches("impressions"), read_ad_batches("clicks")
    expected = ad_model.simulate(impression_lines, click_lines, delay_s, bound_s, window_s)
    files = len(impression_lines)
    # every line of every file, valid or rejected, in the micro-batch that read the file
    assert rows(
        tables["line_counts"], "batch_id", "stream", "lines", "valid", "rejected"
    ) == sorted(
        (b.batch, stream, b.lines[stream], b.lines[stream] - b.rejected[stream], b.rejected[stream])
        for b in expected[:files]
        for stream in ("impressions", "clicks")
    )
    assert rows(tables["clean_clicks"], "batch_id", "click_impression_id", "click_time") == sorted(
        (b.batch, c.impression_id, c.time_s) for b in expected for c in b.kept
    )
    attributed = tables["attributed"]
    clicked = attributed[attributed["click_time"].notna()]
    unclicked = attributed[attributed["click_time"].isna()]
    assert rows(clicked, "batch_id", "impression_id", "impression_time", "click_time") == sorted(
        (b.batch, *pair) for b in expected for pair in b.pairs
    )
    assert rows(unclicked, "batch_id", "impression_id", "impression_time") == sorted(
        (b.batch, *u) for b in expected for u in b.unclicked
    )
    campaign_of = {ad: campaign for ad, campaign, _ in ad_catalogue()}
    shown = ad_model.valid(ad_model.parse(impression_lines, "impressions"))
    assert rows(attributed, "impression_id", "user_id", "campaign") == sorted(
        (i.impression_id, i.user_id, campaign_of[i.ad_id])
        for i in shown
        if i.impression_id in set(attributed["impression_id"])
    )
    ctr = tables["ctr_windows"]
    assert rows(ctr, "batch_id", "start", "end", "campaign", "impressions", "clicks") == sorted(
        (b.batch, w.start_s, w.start_s + window_s, w.campaign, w.impressions, w.clicks)
        for b in expected
        for w in b.windows
    )
    assert list(ctr["ctr"]) == list((ctr["clicks"] / ctr["impressions"]).round(3))
    # sessions: chapter 13's model on the same events; a user's sessions numbered as written
    run = session_model.simulate(
        session_model.event_batches(impression_lines, click_lines), gap_s, delay_s
    )
    numbers = Counter()
    want = []
    for batch, s in session_model.written_sessions(run):
        numbers[s.user_id] += 1
        length = s.end_s - s.start_s
        want.append(
            (
                batch,
                s.user_id,
                numbers[s.user_id],
                s.start_s,
                s.end_s,
                length,
                s.impressions,
                s.clicks,
            )
        )
    columns = (
        "batch_id",
        "user_id",
        "session",
        "start",
        "end",
        "length_s",
        "impressions",
        "clicks",
    )
    assert rows(tables["sessions"], *columns) == sorted(want)
    assert want  # the data has sessions that end before the input does
