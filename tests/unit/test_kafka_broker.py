"""The Kafka broker beside the notebook (streamlab/kafka): its jars fetched and checked, a node
that starts on 127.0.0.1, answers, keeps what is produced, and leaves no JVM and no folder."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from streamlab.kafka import broker as broker_module
from streamlab.kafka import jars
from streamlab.kafka.broker import KafkaBroker, kafka_broker
from streamlab.runtime import scratch

REPO = Path(__file__).resolve().parents[2]
QUIET = {"log_level": 0}  # librdkafka's own log lines once the broker is gone


def gone(pid: int, within: float = 30) -> bool:
    deadline = time.monotonic() + within
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    os.environ.setdefault("STREAMLAB_SCRATCH", str(tmp_path_factory.mktemp("streamlab-scratch")))
    with kafka_broker() as node:
        yield node


def test_what_is_produced_with_keys_and_timestamps_is_consumed_in_order_per_partition(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap_servers, **QUIET})
    admin.create_topics([NewTopic("clicks", num_partitions=3, replication_factor=1)])[
        "clicks"
    ].result(30)
    sent = [(f"u{i % 5}", f"click {i}", 1_700_000_000_000 + i) for i in range(300)]
    producer = Producer({"bootstrap.servers": broker.bootstrap_servers, **QUIET})
    for key, value, timestamp in sent:
        producer.produce("clicks", key=key, value=value, timestamp=timestamp)
    assert producer.flush(30) == 0
    consumer = Consumer(
        {
            "bootstrap.servers": broker.bootstrap_servers,
            "group.id": "test",
            "auto.offset.reset": "earliest",
            **QUIET,
        }
    )
    consumer.subscribe(["clicks"])
    got = []
    deadline = time.monotonic() + 60
    while len(got) < len(sent) and time.monotonic() < deadline:
        for message in consumer.consume(500, timeout=1):
            assert message.error() is None, message.error()
            got.append(message)
    consumer.close()
    assert sorted((m.key().decode(), m.value().decode(), m.timestamp()[1]) for m in got) == sorted(
        sent
    )
    # one key, one partition; in a partition, offsets count up from 0 in the order produced
    partition_of = {}
    for message in got:
        assert partition_of.setdefault(message.key(), message.partition()) == message.partition()
    for partition in {m.partition() for m in got}:
        offsets = [m.offset() for m in got if m.partition() == partition]
        assert offsets == list(range(len(offsets)))
    assert len(set(partition_of.values())) > 1  # five keys over three partitions


def test_the_broker_listens_on_loopback_only_with_a_small_heap(broker):
    process = psutil.Process(broker.process.pid)
    listening = {
        c.laddr for c in process.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN
    }
    assert {address.ip for address in listening} == {"127.0.0.1"}
    assert {address.port for address in listening} == {broker.port, broker.controller_port}
    assert f"-Xmx{broker_module.HEAP_MB}m" in process.cmdline()
    assert broker.folder.is_relative_to(scratch.scratch_root())


def test_a_stopped_broker_leaves_no_jvm_and_no_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("STREAMLAB_SCRATCH", str(tmp_path / "scratch"))
    with kafka_broker() as node:
        pid, folder = node.process.pid, node.folder
        assert folder.is_dir() and (folder / "data").is_dir()
    assert gone(pid, within=5)
    assert not folder.exists()
    assert not list((tmp_path / "scratch" / scratch.PROCESSES).glob("*"))
    node.stop()  # twice is harmless


def test_the_broker_of_a_killed_kernel_stops_with_it(tmp_path):
    """A kernel killed at once (as Jupyter and nbval shut one down) takes its broker along."""
    script = (
        "from streamlab.kafka.broker import start_broker\n"
        "b = start_broker()\n"
        "print(b.process.pid, flush=True)\n"
        "import time; time.sleep(600)\n"
    )
    env = {**os.environ, "STREAMLAB_SCRATCH": str(tmp_path / "kernel")}
    kernel = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
    )
    broker_pid = None
    try:
        broker_pid = int(kernel.stdout.readline())
        assert psutil.pid_exists(broker_pid)
        kernel.send_signal(signal.SIGKILL)
        kernel.wait(10)
        assert gone(broker_pid), "the broker outlived its kernel"
    finally:
        kernel.kill()
        kernel.wait(10)
        if broker_pid and not gone(broker_pid, within=0):
            os.kill(broker_pid, signal.SIGKILL)  # the test failed: leave no broker behind


def test_the_next_kernel_stops_servers_a_dead_kernel_noted(tmp_path, monkeypatch):
    """Where the operating system does not stop them (macOS), the next kernel does: only a
    process whose command line still has the noted word, so a reused process id is safe."""
    dead_root = tmp_path / f"{scratch.SCRATCH_PREFIX}999999999"
    (dead_root / scratch.PROCESSES).mkdir(parents=True)
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "kafka.Kafka"])
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        (dead_root / scratch.PROCESSES / str(server.pid)).write_text("kafka.Kafka")
        (dead_root / scratch.PROCESSES / str(bystander.pid)).write_text("kafka.Kafka")
        assert scratch.remove_stale_scratch(tmp_path) == [dead_root]
        assert server.wait(15) == -signal.SIGTERM
        assert bystander.poll() is None  # not a Kafka broker: left alone
        assert not dead_root.exists()
    finally:
        for process in (server, bystander):
            process.kill()
            process.wait(10)


def test_a_cluster_id_never_starts_with_a_dash():
    """Kafka's storage tool would read such an id as an option (one start in 64 failed so)."""
    drawn = iter([b"\xf8" + bytes(15), bytes(16)])  # base64 "-A..." first, then "AAA..."
    assert broker_module.cluster_id(lambda: next(drawn)) == "A" * 22
    assert all(len(broker_module.cluster_id()) == 22 for _ in range(200))


def test_missing_jars_say_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv(jars.KAFKA_HOME_VARIABLE, str(tmp_path / "no-kafka"))
    monkeypatch.setenv("STREAMLAB_SCRATCH", str(tmp_path / "scratch"))
    with pytest.raises(jars.KafkaJarsError, match=r"run `make setup`"):
        KafkaBroker().start()


# --- the jars: pinned in broker-jars.lock, fetched once, checked every time -----------------


def test_the_lock_pins_a_kafka_4_broker_and_its_dependencies_with_sha256():
    pinned = jars.read_lock()
    assert jars.kafka_version(pinned).startswith("4.")
    names = {(jar.group, jar.artifact) for jar in pinned}
    assert ("org.apache.kafka", "kafka-server") in names
    assert ("org.apache.logging.log4j", "log4j-slf4j-impl") in names  # the broker's log file
    assert all(len(jar.sha256) == 64 for jar in pinned)
    assert all(jar.url.startswith("https://repo.maven.apache.org/maven2/") for jar in pinned)


def test_the_installed_jars_are_the_pinned_ones():
    """`make setup` fetched them; here, offline, their content is checked against the lock."""
    opened = []
    fetched, present = jars.fetch(opener=lambda *args, **kw: opened.append(args))
    assert (fetched, opened) == (0, [])
    assert present == len(jars.read_lock())
    wrong = jars.read_lock(jars.SCALA212_LOCK)
    assert [jar.artifact for jar in wrong] == ["spark-sql-kafka-0-10_2.12"]  # chapter 10b's demo
    assert jars.fetch(wrong, jars.scala212_connector().parent, opener=opened.append) == (0, 1)


def test_a_jar_whose_checksum_differs_is_refused_and_not_kept(tmp_path):
    good = b"the real jar"
    pinned = [jars.Jar("org.example", "thing", "1.0", hashlib.sha256(good).hexdigest())]

    def tampered(url, timeout):
        assert url == "https://repo.maven.apache.org/maven2/org/example/thing/1.0/thing-1.0.jar"
        return io.BytesIO(b"something else")

    with pytest.raises(jars.KafkaJarsError, match="was not kept"):
        jars.fetch(pinned, tmp_path, opener=tampered)
    assert list(tmp_path.iterdir()) == []
    assert jars.fetch(pinned, tmp_path, opener=lambda url, timeout: io.BytesIO(good)) == (1, 0)
    assert (tmp_path / "thing-1.0.jar").read_bytes() == good


def test_an_unreadable_lock_line_is_named(tmp_path):
    lock = tmp_path / "broker-jars.lock"
    lock.write_text("# comment\norg.example:thing:1.0\n")
    with pytest.raises(jars.KafkaJarsError, match="line 2 is not `group:artifact:version sha256`"):
        jars.read_lock(lock)


# --- Spark's Kafka connector: resolved at set-up, as users add it, or said why not ----------


def test_the_connector_is_exactly_this_sparks_version():
    import pyspark

    from streamlab.kafka import connector

    assert connector.coordinates() == (
        f"org.apache.spark:spark-sql-kafka-0-10_2.13:{pyspark.__version__}"
    )
    assert connector.coordinates("3.5.7", "2.12") == (
        "org.apache.spark:spark-sql-kafka-0-10_2.12:3.5.7"
    )


def test_ivys_answer_is_read_into_plain_words():
    from streamlab.kafka.connector import read_answer

    wanted = "org.apache.spark:spark-sql-kafka-0-10_2.13:4.3.0"
    ivy_output = (  # what spark-submit printed on 2026-12-07, shortened
        ":: resolving dependencies :: org.apache.spark#spark-submit-parent\n"
        "\t\t:: org.apache.spark#spark-sql-kafka-0-10_2.13;4.3.0: not found\n"
        'Exception in thread "main" java.lang.RuntimeException: [unresolved dependency: '
        "org.apache.spark#spark-sql-kafka-0-10_2.13;4.3.0: not found]\n"
    )
    missing = read_answer(wanted, 1, ivy_output)
    assert not missing.resolved
    assert missing.answer == (
        "unresolved dependency: org.apache.spark#spark-sql-kafka-0-10_2.13;4.3.0: not found"
    )
    assert "everything else runs without it" in missing.plain()
    assert read_answer(wanted, 0, "").resolved
    other = read_answer(wanted, 2, "some output\nError: no network\n")
    assert other.answer == "spark-submit exited 2: Error: no network"
    offline = read_answer(  # spark-submit in a network namespace without interfaces
        wanted,
        1,
        'Exception in thread "main" java.lang.ExceptionInInitializerError\n'
        "Caused by: java.net.SocketException: No network interfaces configured\n"
        "\tat java.base/java.net.NetworkInterface.getAll(Native Method)\n"
        "\t... 10 more\n",
    )
    assert offline.answer == (
        "spark-submit exited 1: java.net.SocketException: No network interfaces configured"
    )


def test_set_up_recorded_what_ivy_said_about_the_connector():
    import json

    from streamlab.kafka import connector

    recorded = json.loads(connector.status_file().read_text())
    assert recorded["coordinates"] == connector.coordinates()
    assert isinstance(recorded["resolved"], bool) and recorded["answer"]
