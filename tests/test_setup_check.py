"""The setup check gives one plain verdict per item."""

from __future__ import annotations

from streamlab import setup_check


def verdicts(checks):
    return {c.item: c.verdict for c in checks}


def test_this_machine_passes():
    got = verdicts(setup_check.environment_checks())
    assert got["Python"] == got["Java"] == got["PySpark"] == got["pandas"] == "ok"


def test_missing_java_fails_with_advice(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    java = next(c for c in setup_check.environment_checks() if c.item == "Java")
    assert java.verdict == "FAIL"
    assert "openjdk-17-jre-headless" in java.advice


def test_small_machine_gets_warnings_not_failures(monkeypatch):
    monkeypatch.setattr(setup_check.os, "cpu_count", lambda: 1)
    monkeypatch.setattr(setup_check, "total_memory_gib", lambda: 1.0)
    got = verdicts(setup_check.environment_checks())
    assert got["CPU cores"] == "warning"
    assert got["Memory"] == "warning"
