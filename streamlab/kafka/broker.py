"""One Apache Kafka node beside the notebook: broker and KRaft controller in a JVM of its own.

Why a JVM of its own: Spark's Kafka connector puts Kafka's 3.9 client on Spark's classpath, and
a Kafka 4 broker wants its own 4.x classes. The node listens on 127.0.0.1 only, on free ports,
with a small heap (Kafka's default of 1 GiB is what fills a laptop; docs/decisions/
kafka-broker-heap.md has the measurements), and keeps its data and log in the kernel's scratch
folder. It stops with its kernel: at exit, by the operating system when the kernel is killed
(Linux), and otherwise at the next kernel's start (`streamlab.runtime.scratch`).

    with kafka_broker() as broker:          # or broker = start_broker(), once per kernel
        broker.bootstrap_servers            # "127.0.0.1:<port>", for Spark and for clients
"""

from __future__ import annotations

import atexit
import base64
import ctypes
import itertools
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import RunError
from ..runtime.java import check_java, find_java
from ..runtime.scratch import forget_process, register_process, scratch_root
from .jars import KafkaJarsError, kafka_version, libs_folder, missing_jars

HEAP_MB = 192  # -Xmx of the broker's JVM (measured: docs/decisions/kafka-broker-heap.md)
MAIN_CLASS = "kafka.Kafka"
JVM_OPTIONS = [
    "-XX:+UseSerialGC",  # one small heap, no parallel collector threads
    "-XX:TieredStopAtLevel=1",  # C1 only: less code cache and compiler memory
    "-XX:ReservedCodeCacheSize=48m",
    "-Xss512k",
    "-XX:+ExitOnOutOfMemoryError",  # a broker out of memory stops and says so in its log
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",  # listen on 127.0.0.1 itself, not an IPv6 socket
]
_counter = itertools.count(1)
_running: KafkaBroker | None = None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that no one listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cluster_id(random_bytes=lambda: uuid.uuid4().bytes) -> str:
    """A new cluster id as Kafka writes them: 16 random bytes, URL-safe base64, no padding, and
    (as Kafka's `Uuid.randomUuid`) never starting with "-", which its command line would read
    as an option (one id in 64 would)."""
    while True:
        text = base64.urlsafe_b64encode(random_bytes()).decode().rstrip("=")
        if not text.startswith("-"):
            return text


def server_properties(folder: Path, port: int, controller_port: int, partitions: int) -> str:
    """The node's configuration: one broker and controller (KRaft), for one machine."""
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller_port}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(folder / "data"),
        "num.partitions": str(partitions),
        # one node: its internal topics cannot have more than one replica
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        # few threads and a small compaction buffer (128 MiB by default, taken at start)
        "num.network.threads": "1",
        "num.io.threads": "2",
        "background.threads": "2",
        "log.cleaner.dedupe.buffer.size": str(8 * 1024 * 1024),
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def log4j_properties(log_file: Path) -> str:
    """The broker logs to a file in its folder, never to the notebook."""
    return "\n".join(
        [
            "status = warn",
            "appender.file.type = File",
            "appender.file.name = file",
            f"appender.file.fileName = {log_file}",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = file",
            "",
        ]
    )


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: the kernel sends the broker SIGTERM when the process that started it dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class KafkaBroker:
    """A single Kafka node on 127.0.0.1 (`start()`, `stop()`, or use it as a context manager)."""

    def __init__(self, heap_mb: int = HEAP_MB, partitions: int = 1, folder: Path | None = None):
        self.heap_mb = heap_mb
        self.partitions = partitions
        self.folder = folder or scratch_root() / f"kafka-{next(_counter)}"
        self.version = kafka_version()
        self.port = 0
        self.controller_port = 0
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.folder / "server.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _java_command(
        self, main: str, *arguments: str, heap_mb: int, options: list[str] | None = None
    ) -> list[str]:
        libs = libs_folder(self.version)
        missing = missing_jars(libs)
        if missing:
            raise KafkaJarsError(
                f"The Kafka {self.version} broker's jars are not in {libs} ({len(missing)} "
                f"missing, {missing[0]} first). They are fetched once, at set-up, from Maven "
                "Central: run `make setup` (or `python -m streamlab.kafka.jars`) while online."
            )
        return [
            find_java() or "java",
            f"-Xmx{heap_mb}m",
            f"-Xms{min(64, heap_mb)}m",
            *(JVM_OPTIONS if options is None else options),
            f"-Dlog4j2.configurationFile={self.folder / 'log4j2.properties'}",
            "-cp",
            str(libs / "*"),
            main,
            *arguments,
        ]

    def start(self, timeout: float = 90) -> KafkaBroker:
        """Format the node's storage, start it and wait until it answers; return self."""
        if self.running:
            return self
        check_java()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port, self.controller_port = free_port(), free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()
        config = self.folder / "server.properties"
        config.write_text(
            server_properties(self.folder, self.port, self.controller_port, self.partitions)
        )
        (self.folder / "log4j2.properties").write_text(log4j_properties(self.log_file))
        formatted = subprocess.run(
            self._java_command(
                "kafka.tools.StorageTool", "format", "-t", cluster_id(), "-c", str(config),
                heap_mb=64, options=[],
            ),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if formatted.returncode != 0:
            raise RunError(
                "Kafka could not format its storage in "
                f"{self.folder}:\n{(formatted.stderr or formatted.stdout)[-2000:]}"
            )
        with (self.folder / "stdout.log").open("wb") as out:
            self.process = subprocess.Popen(
                self._java_command(MAIN_CLASS, str(config), heap_mb=self.heap_mb),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
                start_new_session=True,  # a Ctrl-C in a terminal reaches the kernel, not Kafka
            )
        register_process(self.process.pid, MAIN_CLASS)
        atexit.register(self.stop)
        self._wait_until_ready(timeout)
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        """Until the broker answers a metadata request with itself in it."""
        from confluent_kafka.admin import AdminClient

        admin = AdminClient({"bootstrap.servers": self.bootstrap_servers, "log_level": 0})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                code = self.process.returncode if self.process else None
                raise RunError(
                    f"The Kafka broker stopped as it started (exit status {code}). "
                    f"The end of its log, {self.log_file}:\n{self.log_tail()}"
                )
            try:
                if admin.list_topics(timeout=2).brokers:
                    return
            except Exception:  # noqa: BLE001 - not up yet: KafkaException, or a timeout
                time.sleep(0.3)
        self.stop()
        raise RunError(
            f"The Kafka broker did not answer within {timeout:.0f} s. "
            f"The end of its log:\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 20) -> str:
        for path in (self.log_file, self.folder / "stdout.log"):
            if path.exists() and path.stat().st_size:
                return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        return "(empty)"

    def stop(self, timeout: float = 30) -> None:
        """Stop the node (SIGTERM: a clean shutdown; SIGKILL after `timeout`) and delete its
        folder. Safe to call twice."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        if process is not None:
            forget_process(process.pid)
        atexit.unregister(self.stop)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> KafkaBroker:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"on {self.bootstrap_servers}" if self.running else "stopped"
        return f"<Kafka {self.version} broker {state}, heap {self.heap_mb} MiB>"


@contextmanager
def kafka_broker(heap_mb: int = HEAP_MB, partitions: int = 1) -> Iterator[KafkaBroker]:
    """A broker for the `with` block: started on entry, stopped (folder removed) on exit."""
    broker = KafkaBroker(heap_mb=heap_mb, partitions=partitions)
    try:
        yield broker.start()
    finally:
        broker.stop()


def start_broker(heap_mb: int = HEAP_MB) -> KafkaBroker:
    """A new, empty broker for this kernel: one it started before is stopped first, so a
    notebook run again in the same kernel starts from no topics, as it did the first time."""
    global _running
    stop_broker()
    _running = KafkaBroker(heap_mb=heap_mb).start()
    return _running


def stop_broker() -> None:
    """Stop the kernel's broker, if one runs."""
    global _running
    if _running is not None:
        _running.stop()
        _running = None
