"""One SparkSession for the whole test run (as PySpark's own streaming tests do), in a scratch
folder of its own, stopped at the end."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    os.environ["STREAMLAB_SCRATCH"] = str(tmp_path_factory.mktemp("streamlab-scratch"))
    from streamlab import get_spark, stop_spark

    session = get_spark()
    yield session
    stop_spark()


@pytest.fixture
def sc(spark):
    from streamlab import stop_streaming

    yield spark.sparkContext
    stop_streaming()  # a failing test must not leave a stream running for the next one
