"""The setup check gives one plain verdict per item."""

from __future__ import annotations

import tomllib
from importlib.metadata import metadata
from pathlib import Path

from streamlab.runtime import setup_check

REPO = Path(__file__).resolve().parents[2]


def verdicts(checks):
    return {c.item: c.verdict for c in checks}


def test_this_machine_passes():
    got = verdicts(setup_check.environment_checks())
    assert got["Python"] == got["Java"] == got["PySpark"] == got["pandas"] == "ok"
    assert got["protobuf"] == "ok"


def test_python_3_10_fails_and_3_11_passes():
    """PySpark 4.3.0 requires Python 3.11 (its Requires-Python, and pyproject.toml's)."""
    old = setup_check.python_check((3, 10, 14))
    assert (old.item, old.found, old.verdict) == ("Python", "3.10.14", "FAIL")
    assert "3.11" in old.advice and "3.10" not in old.advice
    for version in ((3, 11, 0), (3, 12, 3), (3, 13, 1)):
        check = setup_check.python_check(version)
        assert (check.verdict, check.advice) == ("ok", ""), version
    assert setup_check.python_check().verdict == "ok"  # this interpreter


def test_the_minimum_python_is_pysparks_and_the_projects():
    minimum = ">=" + ".".join(map(str, setup_check.MINIMUM_PYTHON))
    assert metadata("pyspark")["Requires-Python"].replace(" ", "") == minimum
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"].replace(" ", "") == minimum


def test_missing_protobuf_fails_in_plain_words():
    def without_protobuf():
        raise ImportError("cannot import name 'descriptor' from 'google.protobuf'")

    check = setup_check.protobuf_check(without_protobuf)
    assert check.verdict == "FAIL"
    assert "ImportError" in check.found
    assert "transformWithState" in check.advice and "protobuf>=6.33" in check.advice


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


def test_a_container_limit_is_read_from_cgroup_v2_and_v1(tmp_path):
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "memory.max").write_text(f"{2 * 2**30}\n")
    assert setup_check.memory_limit_gib(v2) == 2.0
    (v2 / "memory.max").write_text("max\n")
    assert setup_check.memory_limit_gib(v2) is None
    v1 = tmp_path / "v1"
    (v1 / "memory").mkdir(parents=True)
    (v1 / "memory" / "memory.limit_in_bytes").write_text(f"{2**30}\n")
    assert setup_check.memory_limit_gib(v1) == 1.0
    (v1 / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")
    assert setup_check.memory_limit_gib(v1) is None
    assert setup_check.memory_limit_gib(tmp_path / "none") is None


def test_memory_verdict_uses_the_container_limit_not_the_machine():
    binder = setup_check.memory_check(machine_gib=24.0, limit_gib=1.5)
    assert binder.verdict == "warning"
    assert binder.found == "1.5 GiB (the container's limit; the machine has 24.0 GiB)"
    assert "1 GiB" in binder.advice
    laptop = setup_check.memory_check(machine_gib=8.0, limit_gib=None)
    assert (laptop.verdict, laptop.found) == ("ok", "8.0 GiB")
    assert setup_check.memory_check(None, None).verdict == "warning"
