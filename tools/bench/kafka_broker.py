"""The Kafka broker's memory and rates under the book's JVM options and Kafka's own defaults
(docs/decisions/kafka-broker-heap.md). Prints a Markdown table; asserts nothing.

For each configuration, one after the other: a node started with `streamlab.kafka.broker`, its
PSS 3 s after it answered, then 200,000 records of 100 bytes produced to 3 partitions and read
back by one consumer, the rates of both sides, and the broker's PSS after.

Usage: python -m tools.bench.kafka_broker
"""

from __future__ import annotations

import time

import psutil
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from streamlab.kafka import broker as broker_module

RECORDS = 200_000
KAFKA_SCRIPT = [  # kafka-server-start.sh and kafka-run-class.sh: -Xms1G -Xmx1G and these
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",
]
CONFIGURATIONS = [  # name, -Xmx in MiB, JVM options (None: the book's), -Xms in MiB
    ("the book's options, -Xmx128m", 128, None, None),
    ("the book's options, -Xmx192m", 192, None, None),
    ("the book's options, -Xmx256m", 256, None, None),
    ("Kafka's script: G1, -Xms1g -Xmx1g", 1024, KAFKA_SCRIPT, 1024),
]


def pss_mib(pid: int) -> float:
    return psutil.Process(pid).memory_full_info().pss / 2**20


def measure(heap_mb: int) -> tuple[float, float, float, float, float, bool]:
    started = time.perf_counter()
    with broker_module.kafka_broker(heap_mb=heap_mb) as node:
        start_s = time.perf_counter() - started
        time.sleep(3)
        idle = pss_mib(node.process.pid)
        servers = {"bootstrap.servers": node.bootstrap_servers, "log_level": 0}
        admin = AdminClient(servers)
        admin.create_topics([NewTopic("ads", num_partitions=3)])["ads"].result(30)
        producer = Producer({**servers, "linger.ms": 5})
        begun = time.perf_counter()
        for i in range(RECORDS):
            while True:
                try:
                    producer.produce("ads", key=f"u{i % 50}", value="x" * 100)
                    break
                except BufferError:  # the client's queue is full: let it send
                    producer.poll(0.05)
            producer.poll(0)
        producer.flush(60)
        produced = RECORDS / (time.perf_counter() - begun)
        consumer = Consumer({**servers, "group.id": "bench", "auto.offset.reset": "earliest"})
        consumer.subscribe(["ads"])
        read, begun = 0, time.perf_counter()
        while read < RECORDS and time.perf_counter() - begun < 120:
            read += len(consumer.consume(5000, timeout=1))
        consumer.close()
        consumed = read / (time.perf_counter() - begun)
        after = pss_mib(node.process.pid)
        full = "CodeCache is full" in (node.folder / "stdout.log").read_text(errors="replace")
        del producer, admin
    return start_s, idle, after, produced, consumed, full


def main() -> int:
    book_options = list(broker_module.JVM_OPTIONS)
    print("| broker JVM | start (s) | PSS idle (MiB) | PSS after (MiB) | produced (records/s) "
          "| consumed (records/s) | code cache full |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, heap_mb, options, initial in CONFIGURATIONS:
        broker_module.JVM_OPTIONS[:] = options if options is not None else book_options
        if initial:
            broker_module.JVM_OPTIONS.append(f"-Xms{initial}m")  # the last -Xms wins
        try:
            start_s, idle, after, produced, consumed, full = measure(heap_mb)
        finally:
            broker_module.JVM_OPTIONS[:] = book_options
        print(
            f"| {name} | {start_s:.1f} | {idle:.0f} | {after:.0f} | {produced:,.0f} "
            f"| {consumed:,.0f} | {'yes' if full else 'no'} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
