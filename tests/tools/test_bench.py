"""The pure parts of `make bench`: the floor, the results files, the log of waits, the memory
sampler, the rate search. No Spark is started here."""

from __future__ import annotations

import csv
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tools.bench import memory as bench_memory
from tools.bench import notebooks as bench
from tools.bench import results as bench_results
from tools.bench import throughput, waitlog

REPO = Path(__file__).resolve().parents[2]


def result(**changes):
    base = {
        "notebook": "labs/01-word-count.ipynb",
        "wall_s": 30.0,
        "waits": [{"kind": "dstream", "seconds": 8.0}, {"kind": "await", "seconds": 2.5}],
        "started_spark": True,
        "peak_pss_mib": 700.4,
        "peak_rss_mib": 760.6,
        "peak_pss_run2_mib": 720.2,
        "peak_rss_run2_mib": 780.9,
    }
    return {**base, **changes}


# --- the floor and the table -------------------------------------------------------------------


def test_floor_is_spark_start_plus_every_wait():
    waits = [{"seconds": 5}, {"seconds": 2.5}]
    assert bench_results.floor_s(4.0, waits, started_spark=True) == 11.5
    assert bench_results.floor_s(4.0, waits, started_spark=False) == 7.5
    assert bench_results.floor_s(4.0, [], started_spark=True) == 4.0


def test_table_row_reports_ratio_and_targets():
    row = bench_results.table_row(result(), spark_start_s=4.5)
    assert row["floor_s"] == 15.0 and row["waits_s"] == 10.5 and row["spark_start_s"] == 4.5
    assert row["ratio"] == 2.0 and row["within_1_5x_floor"] == "no"
    assert row["peak_pss_mib"] == 700 and row["peak_rss_mib"] == 761
    assert row["peak_pss_run2_mib"] == 720 and row["peak_rss_run2_mib"] == 781
    assert row["within_900mib"] == "yes"
    assert list(row) == bench_results.COLUMNS

    fast = bench_results.table_row(result(wall_s=22.0, peak_pss_mib=1100.0), spark_start_s=4.5)
    assert fast["within_1_5x_floor"] == "yes" and fast["within_900mib"] == "no"


def test_the_memory_target_holds_for_both_runs():
    second = bench_results.table_row(result(peak_pss_run2_mib=1030.0), spark_start_s=4.5)
    assert second["within_900mib"] == "no" and bench_results.peak_pss_mib(second) == 1030


def test_a_notebook_without_spark_or_waits_has_no_floor():
    row = bench_results.table_row(result(waits=[], started_spark=False), spark_start_s=4.5)
    assert row["floor_s"] == 0 and row["spark_start_s"] == 0
    assert row["within_1_5x_floor"] == "no"


def test_new_rows_replace_old_ones_in_book_order():
    old = [
        {"notebook": "a", "wall_s": "1"},
        {"notebook": "b", "wall_s": "2"},
        {"notebook": "gone", "wall_s": "9"},
    ]
    new = [{"notebook": "b", "wall_s": 3}, {"notebook": "c", "wall_s": 4}]
    merged = bench_results.merge_rows(old, new, order=["c", "b", "a"])
    assert merged == [
        {"notebook": "c", "wall_s": 4},
        {"notebook": "b", "wall_s": 3},
        {"notebook": "a", "wall_s": "1"},
    ]


def test_csv_round_trip_and_old_layouts_are_dropped(tmp_path):
    path = tmp_path / "results" / "notebooks.csv"
    rows = [bench_results.table_row(result(), 4.5)]
    bench_results.write_csv(rows, path, bench_results.COLUMNS)
    with path.open(newline="") as handle:
        assert next(csv.reader(handle)) == bench_results.COLUMNS
    again = bench_results.read_csv(path, bench_results.COLUMNS)
    assert again == [{key: str(value) for key, value in rows[0].items()}]

    path.write_text("notebook,wall_s,peak_rss_mib\nx,1,2\n")
    assert bench_results.read_csv(path, bench_results.COLUMNS) == []
    assert bench_results.read_csv(tmp_path / "missing.csv", bench_results.COLUMNS) == []


def test_machine_files_name_every_item(tmp_path):
    info = {
        "date": "2026-01-01 00:00 UTC",
        "cpu": "CPU",
        "cores": "2",
        "memory": "24 GiB",
        "os": "Linux",
        "python": "3.11",
        "java": "openjdk 17",
        "pyspark": "4.3.0",
        "spark_master": "local[*]",
    }
    bench_results.write_machine(info, 4.25, folder=tmp_path)
    assert json.loads((tmp_path / "machine.json").read_text())["spark_start_s"] == "4.2"
    with (tmp_path / "machine.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(info) + 1 and rows[0] == {
        "item": "measured",
        "value": "2026-01-01 00:00 UTC",
    }


# --- the log of waits --------------------------------------------------------------------------


def test_the_log_is_off_unless_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(waitlog.ENV, raising=False)
    waitlog.record("sleep", 1.0)
    assert not waitlog.enabled()
    assert waitlog.read(tmp_path / "nothing.jsonl") == []


def test_records_are_appended_and_read_back(tmp_path, monkeypatch):
    log = tmp_path / "waits.jsonl"
    monkeypatch.setenv(waitlog.ENV, str(log))
    waitlog.record("dstream", 4 * 0.5, "4 batches x 0.5 s")
    waitlog.record("sleep", 1.25)
    assert waitlog.read(log) == [
        {"kind": "dstream", "seconds": 2.0, "detail": "4 batches x 0.5 s"},
        {"kind": "sleep", "seconds": 1.25, "detail": ""},
    ]


def test_only_waits_that_end_on_their_timeout_count(tmp_path, monkeypatch):
    log = tmp_path / "waits.jsonl"
    monkeypatch.setenv(waitlog.ENV, str(log))
    monkeypatch.setattr(waitlog, "_called_from_a_cell", lambda depth=2: True)
    clock = iter([0.0, 2.0, 10.0, 10.3])
    monkeypatch.setattr(waitlog, "time", SimpleNamespace(monotonic=lambda: next(clock)))

    class Query:
        def awaitTermination(self, timeout=None):  # noqa: N802 (Spark's name)
            return None

    wait = waitlog._timed_wait("await", Query.awaitTermination)
    wait(Query(), 2)  # ran for its whole timeout: the notebook asked to wait 2 s
    wait(Query(), timeout=60)  # returned after 0.3 s: the work was done, nothing waited
    assert [(r["kind"], r["seconds"]) for r in waitlog.read(log)] == [("await", 2.0)]


def test_waits_outside_notebook_cells_are_not_logged():
    assert not waitlog._called_from_a_cell()  # pytest's frames are not a notebook's cells


def fake_context(interval_ms):
    """Just enough of a StreamingContext for the log: its batch interval, asked of the JVM."""
    duration = SimpleNamespace(milliseconds=lambda: interval_ms)
    graph = SimpleNamespace(batchDuration=lambda: duration)
    return SimpleNamespace(_jssc=SimpleNamespace(ssc=lambda: SimpleNamespace(graph=lambda: graph)))


def test_a_completed_run_logs_its_batches_times_the_interval(tmp_path, monkeypatch):
    log = tmp_path / "waits.jsonl"
    monkeypatch.setenv(waitlog.ENV, str(log))
    calls = []

    def run(ssc, batches, timeout=120.0):
        """The library's run."""
        calls.append((batches, timeout))
        if timeout < 1:
            raise RuntimeError("only 2 of 4 batches finished")
        return "timings"

    logged = waitlog._logged_run(run)
    assert logged.__doc__ == "The library's run." and logged._streamlab_bench
    assert logged(fake_context(500), batches=4) == "timings"
    assert logged(fake_context(2500), 2, timeout=30) == "timings"
    with pytest.raises(RuntimeError):
        logged(fake_context(500), 4, 0.5)  # a run that failed asked for no waiting
    assert calls == [(4, 120.0), (2, 30), (4, 0.5)]
    assert waitlog.read(log) == [
        {"kind": "dstream", "seconds": 2.0, "detail": "4 batches x 0.5 s"},
        {"kind": "dstream", "seconds": 5.0, "detail": "2 batches x 2.5 s"},
    ]


def test_install_wraps_the_library_from_outside(monkeypatch):
    from pyspark.sql.streaming.query import StreamingQuery
    from pyspark.streaming import StreamingContext

    import streamlab

    capture = importlib.import_module("streamlab.dstream.batches")
    # Everything install() patches is put back after the test.
    for owner, name in [
        (streamlab, "run"),
        (capture, "run"),
        (time, "sleep"),
        (StreamingContext, "awaitTermination"),
        (StreamingContext, "awaitTerminationOrTimeout"),
        (StreamingQuery, "awaitTermination"),
    ]:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    library_run = capture.run
    waitlog.install()
    waitlog.install()  # a second call wraps nothing twice
    assert streamlab.run is capture.run and capture.run.__wrapped__ is library_run
    assert time.sleep._streamlab_bench and StreamingQuery.awaitTermination._streamlab_bench


# --- memory: a process tree, its forked children and the JVM's spawn copies ---------------------


def forked_child(mib: int):
    """Fork a child that holds `mib` MiB of its own (touched) memory and sleeps; its pid."""
    ready, done = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: same command line as its parent, as a PySpark worker has
        try:
            os.close(ready)
            _block = bytearray(b"x") * (mib * bench_memory.MIB)  # written, so resident
            os.write(done, b"1")
            time.sleep(60)
        finally:
            os._exit(0)
    os.close(done)
    assert os.read(ready, 1) == b"1"
    os.close(ready)
    return pid


def stop_child(pid):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_a_forked_child_with_the_same_command_line_is_counted():
    pid = forked_child(50)
    try:
        parts = {p.pid: p for p in bench_memory.sample_tree(os.getpid())}
        assert pid in parts, "a forked child (like a PySpark worker) was skipped"
        assert parts[pid].pss >= 45 * bench_memory.MIB
        assert parts[os.getpid()].role == "kernel"

        memory = bench_memory.TreeMemory(interval=0.01)
        memory.pid = os.getpid()
        memory.start()
        time.sleep(0.2)
        memory.stop()
        (peak,) = memory.runs
        assert pid in {p.pid for p in peak.parts} and peak.pss >= parts[pid].pss
    finally:
        stop_child(pid)


def test_only_a_process_that_shares_the_address_space_shares_vm():
    if bench_memory.shares_vm(os.getpid(), os.getpid()) is None:
        pytest.skip("kcmp is not available or not permitted here: every child is counted")
    started, stop = threading.Event(), threading.Event()
    thread_ids = []

    def wait():
        thread_ids.append(threading.get_native_id())
        started.set()
        stop.wait(10)

    thread = threading.Thread(target=wait)
    thread.start()
    started.wait(10)
    try:  # a thread shares its process's memory, as a vfork child shares the JVM's
        assert bench_memory.shares_vm(os.getpid(), thread_ids[0]) is True
    finally:
        stop.set()
        thread.join()

    child = forked_child(1)
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert bench_memory.shares_vm(child, os.getpid()) is False
        assert bench_memory.shares_vm(unrelated.pid, os.getpid()) is False
        assert not bench_memory._is_spawn_copy(bench_memory.psutil.Process(child))
    finally:
        stop_child(child)
        unrelated.kill()
        unrelated.wait()
    assert bench_memory.shares_vm(child, os.getpid()) is False  # gone: nothing shared


def test_when_kcmp_cannot_tell_the_child_is_counted(monkeypatch, capsys):
    monkeypatch.setattr(bench_memory, "_SYS_KCMP", {})
    monkeypatch.setattr(bench_memory, "_kcmp_note", [])
    pid = forked_child(1)
    try:
        assert bench_memory.shares_vm(pid, os.getpid()) is None
        assert pid in {p.pid for p in bench_memory.sample_tree(os.getpid())}
    finally:
        stop_child(pid)
    assert capsys.readouterr().err.count("every child process is counted") == 1


def test_the_peak_of_each_run_is_kept_apart():
    memory = bench_memory.TreeMemory()
    small = bench_memory.ProcessMemory(
        1, "kernel", "kernel", rss=20 * bench_memory.MIB, pss=10 * bench_memory.MIB
    )
    worker = bench_memory.ProcessMemory(
        2,
        "pyspark.daemon pyspark.worker",
        "Python worker",
        rss=60 * bench_memory.MIB,
        pss=46 * bench_memory.MIB,
    )
    memory.runs[-1] = bench_memory.Peak(pss=small.pss + worker.pss, rss=80, parts=[small, worker])
    memory.new_run()
    assert [peak.pss for peak in memory.runs] == [56 * bench_memory.MIB, 0]
    summary = bench._at_peak(memory.runs[0])
    assert summary["by_role"] == {
        "Python worker": {"processes": 1, "pss_mib": 46},
        "kernel": {"processes": 1, "pss_mib": 10},
    }
    assert [p["role"] for p in summary["processes"]] == ["Python worker", "kernel"]


# --- the throughput search ---------------------------------------------------------------------


def threshold(limit):
    calls = []

    def sustains(rate):
        calls.append(rate)
        return rate <= limit

    return sustains, calls


def test_search_doubles_then_bisects():
    sustains, calls = threshold(1000)
    found = throughput.search_max_rate(sustains, start=100, limit=1e9, bisect_steps=3)
    assert calls[:5] == [100, 200, 400, 800, 1600]
    assert calls[5:] == [1200, 1000, 1100]
    assert found.rate == 1000 and not found.capped
    assert found.trials[-1] == (1100, False)


def test_search_halves_when_the_first_rate_fails():
    sustains, calls = threshold(300)
    found = throughput.search_max_rate(sustains, start=1000, limit=1e9, bisect_steps=2)
    assert calls == [1000, 500, 250, 375, 312]
    assert found.rate == 250 and not found.capped


def test_search_stops_at_its_limit_and_at_nothing():
    found = throughput.search_max_rate(lambda rate: True, start=100, limit=1000)
    assert found.rate == 800 and found.capped
    found = throughput.search_max_rate(lambda rate: False, start=100, limit=1000, lowest=10)
    assert found.rate == 0 and [rate for rate, _ in found.trials] == [100, 50, 25, 12.5]


@pytest.mark.parametrize(
    ("times", "verdict"),
    [
        ([], None),
        ([400], None),
        ([400, 450], True),
        ([600, 700], False),
        ([400, 700], None),
        ([400, 700, 900], False),
        ([900, 400, 300], True),
        ([500, 500], False),  # exactly the interval does not keep up
    ],
)
def test_most_judged_batches_decide(times, verdict):
    assert throughput.judge(times, interval_s=0.5, judged=3) is verdict


def test_batches_are_the_same_text_replicated():
    pool = ["a b c", "d e", "f g h i"]  # 9 words
    assert throughput.lines_for(pool, 9) == pool
    assert throughput.lines_for(pool, 10) == [*pool, "a b c"]
    assert throughput.lines_for(pool, 14) == [*pool, "a b c", "d e"]
    assert throughput.text_pool(lines=50) == throughput.text_pool(lines=50)
    assert len(throughput.text_pool(lines=50)) == 50


def test_plain_python_rate_counts_every_word():
    assert throughput.python_words_per_s(["a b a", "c"], repeats=1) > 0


def test_fit_line_recovers_a_line():
    intercept, slope = throughput.fit_line([(0, 70), (1e6, 340), (2e6, 610)])
    assert intercept == pytest.approx(70) and slope * 1e6 == pytest.approx(270)


def test_the_page_table_has_short_headers_and_names():
    rows = bench_results.page_rows([bench_results.table_row(result(), 4.5)])
    assert list(rows[0]) == list(bench_results.PAGE_HEADERS.values())
    assert rows[0]["notebook"] == "labs/01-word-count" and rows[0]["wall ÷ floor"] == 2.0


def test_targets_name_the_notebooks_that_miss_them():
    rows = [
        bench_results.table_row(result(), 4.5),
        bench_results.table_row(
            result(notebook="chapters/05-state.ipynb", wall_s=16.0, peak_pss_mib=1200.0), 4.5
        ),
    ]
    memory, time_, total = bench_results.targets(rows)
    assert "first and second run" in memory["target"]
    assert memory["result"] == "met by 1 of 2; missed by chapters/05-state (1200 MiB)"
    assert time_["result"] == "met by 1 of 2; missed by labs/01-word-count (2.0 ×)"
    assert "46 s" in total["result"]


def test_throughput_page_rows_are_readable():
    row = {
        "batch_interval_s": 0.5,
        "sustained_words_per_s": 700012,
        "words_per_batch": 350006,
        "median_processing_ms": 418,
        "capped": "no",
        "share_of_plain_python": 0.127,
    }
    assert throughput.page_rows([row]) == [
        {
            "batch interval (s)": "0.5",
            "sustained rate (words/s)": "700,012",
            "words per batch": "350,006",
            "processing time at that rate (ms, median)": "418",
            "share of plain Python, one core": "13%",
        }
    ]
    assert (
        throughput.page_rows([{**row, "capped": "yes"}])[0]["sustained rate (words/s)"]
        == "700,012 or more"
    )


def test_the_roles_of_a_notebooks_processes():
    def process(name, cmdline, parent=None):
        return SimpleNamespace(name=lambda: name, cmdline=lambda: cmdline, parent=lambda: parent)

    jvm = ["java", "-cp", "jars/*", bench_memory.SPARK_JVM_CLASS, "--conf", "a=b", "pyspark-shell"]
    assert bench_memory._role(process("java", jvm), jvm) == "JVM"
    assert (
        bench_memory._role(process("java", ["java", "-version"]), ["java", "-version"]) == "other"
    )
    command = ["python", "-m", "pyspark.daemon", "pyspark.worker"]
    daemon = process("python", command, parent=process("java", jvm))
    assert bench_memory._role(daemon, command) == "worker daemon"
    assert bench_memory._role(process("python", command, parent=daemon), command) == "Python worker"


def test_the_suite_table_splits_a_test_id_into_file_and_test():
    from tools.bench.suite import split_test_id

    assert split_test_id("tests/test_x.py::test_y[0.2]") == ("test_x.py", "test_y[0.2]")
    assert split_test_id("labs/01-word-count.ipynb") == ("labs/01-word-count.ipynb", "")
