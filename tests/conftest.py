"""Tests by tier, one folder each (unit, models, lessons, tools, book, site: each test is marked
with its tier), shared helpers in tests/helpers/, and the fixtures every tier uses.

One SparkSession for the whole test run (as PySpark's own streaming tests do), in a scratch
folder of its own, stopped at the end.

DStream tests run on Spark's ManualClock (`sc`): `streamlab.run` advances it one batch interval
per batch, so a test takes as long as Spark computes, not one interval per batch. Tests of
timing, or of file streams (which ignore files newer than the clock), ask for `sc_real_clock`.
Partitioning is not what these tests check, so Spark and the replayed input use one partition.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TIERS = ("unit", "models", "lessons", "tools", "book", "site")
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark each test with its folder's tier (tests/unit, tests/models, ...): `-m models`."""
    for item in items:
        path = Path(str(item.path)).resolve()
        if path.is_relative_to(TESTS):
            tier = path.relative_to(TESTS).parts[0]
            if tier in TIERS:
                item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    os.environ["STREAMLAB_SCRATCH"] = str(tmp_path_factory.mktemp("streamlab-scratch"))
    os.environ.setdefault("STREAMLAB_PARTITIONS", "1")
    from streamlab import get_spark, stop_spark

    session = get_spark()
    yield session
    stop_spark()


@pytest.fixture
def sc(spark, monkeypatch):
    """The SparkContext, with new StreamingContexts on Spark's ManualClock."""
    from streamlab import stop_streaming
    from streamlab.dstream import replay
    from streamlab.dstream.context import use_manual_clock

    monkeypatch.setattr(replay, "QUEUE_PARTITIONS", 1)
    use_manual_clock(True)
    yield spark.sparkContext
    stop_streaming()  # a failing test must not leave a stream running for the next one
    use_manual_clock(False)


@pytest.fixture
def spark_conf(spark):
    """Set Spark SQL settings for one test: `spark_conf({key: value, ...})`; each is put back
    to the value it had before (or unset, if it had none) when the test ends, pass or fail."""
    found: dict[str, str | None] = {}

    def set_conf(settings: dict[str, str]) -> None:
        for key, value in settings.items():
            found.setdefault(key, spark.conf.get(key, None))
            spark.conf.set(key, value)

    yield set_conf
    for key, value in found.items():
        if value is None:
            spark.conf.unset(key)
        else:
            spark.conf.set(key, value)


@pytest.fixture
def rocksdb(spark, spark_conf):
    """Spark, with the RocksDB state store as the stateful chapters and Lab 4 choose it."""
    from streamlab.runtime.spark import ROCKSDB_PROVIDER

    spark_conf({"spark.sql.streaming.stateStore.providerClass": ROCKSDB_PROVIDER})
    return spark


@pytest.fixture
def sc_real_clock(spark):
    """The SparkContext, with StreamingContexts on the system clock (timing, file streams)."""
    from streamlab import stop_streaming

    yield spark.sparkContext
    stop_streaming()
