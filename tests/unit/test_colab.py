"""What the Colab cell decides to install, checked without installing anything."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from streamlab.runtime import colab
from streamlab.runtime.colab import COLAB_CLONE, JAVA_PACKAGE, in_colab, plan, prepare

REPO = Path(__file__).resolve().parents[2]


def test_nothing_happens_outside_colab():
    assert plan(False, None, None) == []
    assert plan(False, 8, "3.5.0") == []


def test_java_is_installed_only_when_missing_or_too_old():
    assert any(JAVA_PACKAGE in step for step in plan(True, None, "4.3.0"))
    assert any(JAVA_PACKAGE in step for step in plan(True, 11, "4.3.0"))
    assert not any(JAVA_PACKAGE in step for step in plan(True, 17, "4.3.0"))
    assert not any(JAVA_PACKAGE in step for step in plan(True, 21, "4.3.0"))


def test_pyspark_is_installed_only_when_not_the_pinned_version():
    def installs_pyspark(steps):
        return any("pyspark==4.3.0" in step for step in steps)

    assert installs_pyspark(plan(True, 17, None))
    assert installs_pyspark(plan(True, 17, "3.5.1"))
    assert not installs_pyspark(plan(True, 17, "4.3.0"))


def test_the_helpers_are_always_installed_without_touching_colab_packages():
    helpers = plan(True, 17, "4.3.0")[-4]
    assert helpers[-3:] == ["--no-deps", "-e", COLAB_CLONE]
    for step in plan(True, None, None):
        assert not any(p.startswith(("pandas", "numpy", "ipywidgets")) for p in step)


def test_the_kafka_client_and_the_brokers_checked_jars_come_last():
    """After the helpers: the pinned Kafka client, the broker's jars from Maven Central, then
    Spark's Kafka connector through Spark's Ivy."""
    *_, client, jars, connector = plan(True, 17, "4.3.0")
    assert client[-1] == "confluent-kafka==2.16.2"
    assert jars[-2:] == ["-m", "streamlab.kafka.jars"]
    assert connector[-2:] == ["-m", "streamlab.kafka.connector"]
    pinned = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert client[-1] in pinned


def test_prepare_changes_nothing_outside_colab(monkeypatch, tmp_path, capsys):
    """No command run (no clone, no install), no folder made, environment and sys.path intact."""
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    commands = []
    monkeypatch.setattr(colab.subprocess, "run", lambda *args, **kwargs: commands.append(args))
    environment, path = dict(os.environ), list(sys.path)
    clone = tmp_path / "clone"
    assert not in_colab()
    prepare(str(clone))
    assert commands == []
    assert not clone.exists()
    assert dict(os.environ) == environment
    assert sys.path == path
    assert capsys.readouterr().out == ""
