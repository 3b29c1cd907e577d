"""Java detection: plain messages when Java is missing or too old, for the notebooks and `make`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from streamlab.runtime.java import JavaError, check_java, parse_java_major

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_292"', 8),
        ('openjdk version "11.0.2" 2019-01-15', 11),
        ("no version here", None),
    ],
)
def test_parse_java_major(text, major):
    assert parse_java_major(text) == major


def fake_java(folder: Path, version_line: str) -> Path:
    """A `java` executable that prints `version_line` to stderr, as the real one does."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return folder


def test_no_java_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no java in it
    with pytest.raises(JavaError) as error:
        check_java()
    assert "no `java` was found" in str(error.value)
    assert "openjdk-17-jre-headless" in str(error.value)


def test_old_java_is_refused_with_its_version(monkeypatch, tmp_path):
    home = fake_java(tmp_path / "jdk11", 'openjdk version "11.0.2" 2019-01-15')
    monkeypatch.setenv("JAVA_HOME", str(home))
    with pytest.raises(JavaError, match="is Java 11"):
        check_java()


def test_java_home_wins_over_path(monkeypatch, tmp_path):
    home = fake_java(tmp_path / "jdk21", 'openjdk version "21.0.1" 2023-10-17')
    monkeypatch.setenv("JAVA_HOME", str(home))
    assert check_java().startswith("Java 21 at " + str(home))


def test_make_stops_with_a_plain_message_without_java(tmp_path):
    """`make` runs streamlab/runtime/java.py with the system Python before anything else."""
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    python_dir = str(Path(sys.executable).parent)
    env["PATH"] = python_dir  # Python is found, java is not
    done = subprocess.run(
        [sys.executable, str(REPO / "streamlab" / "runtime" / "java.py")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if (Path(python_dir) / "java").exists():
        pytest.skip("java sits next to python here")
    assert done.returncode == 1
    assert "ERROR: Spark needs Java 17 or newer" in done.stderr
    assert "Traceback" not in done.stderr
