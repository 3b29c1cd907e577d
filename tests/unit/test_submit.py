"""`streamlab.apps.submit.spark_submit` says in plain words which application failed and why.

The application fails in its option parser, before it starts Spark: the only JVM is
spark-submit's own, for a few seconds.
"""

from __future__ import annotations

import pytest

from streamlab.apps.common import AppError
from streamlab.apps.submit import spark_submit, submit_command
from streamlab.runtime.java import find_java


def test_a_bad_setting_fails_with_the_app_and_the_parsers_message(tmp_path):
    if find_java() is None:
        pytest.skip("Java is missing: spark-submit needs Java 17 or newer (see `make java`)")
    folders = ["--output", str(tmp_path / "out"), "--work-dir", str(tmp_path / "work")]
    with pytest.raises(AppError) as failure:
        spark_submit("ad_attribution", [*folders, "--bound-seconds", "-1"], work=tmp_path / "s")
    message = str(failure.value)
    assert "The application ad_attribution (spark-submit --master local[2])" in message
    assert "failed with exit code 2" in message
    assert "ad_attribution: error: --bound-seconds cannot be negative (it is -1)" in message
    assert not (tmp_path / "out").exists()  # it stopped before doing anything


def test_a_cluster_gets_the_executor_settings_and_a_local_master_does_not(tmp_path):
    local = submit_command("local[2]", "ad_attribution", ["--partitions", "1"], tmp_path)
    cluster = submit_command("spark://127.0.0.1:7077", "ad_attribution", [], tmp_path)
    assert local[1:3] == ["--master", "local[2]"]
    assert local[-3:] == [local[-3], "--partitions", "1"]
    assert local[-3].endswith("streamlab/apps/ad_attribution.py")
    assert "--total-executor-cores" not in local and "--total-executor-cores" in cluster
    assert "spark.driver.bindAddress=127.0.0.1" in local
