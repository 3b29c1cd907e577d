"""The class-data archive of Spark's JVM (streamlab.class_archive): used when it is there and
works, never installed when it does not (a damaged archive crashes the JVM)."""

from __future__ import annotations

import pytest

from streamlab import class_archive
from streamlab.session import startup_settings


def test_no_archive_no_option(tmp_path, monkeypatch):
    monkeypatch.setattr(class_archive, "ARCHIVE", tmp_path / "missing.jsa")
    assert class_archive.java_options() == ""
    assert "SharedArchiveFile" not in startup_settings()["spark.driver.extraJavaOptions"]


def test_an_archive_is_given_to_spark_quietly(tmp_path, monkeypatch):
    archive = tmp_path / "spark.jsa"
    archive.write_bytes(b"made by build()")
    monkeypatch.setattr(class_archive, "ARCHIVE", archive)
    options = startup_settings()["spark.driver.extraJavaOptions"]
    assert f"-XX:SharedArchiveFile={archive}" in options
    assert "-Xlog:cds=off" in options  # a JVM that cannot use it says nothing in a notebook
    monkeypatch.setenv(class_archive.OFF, "off")
    assert "SharedArchiveFile" not in startup_settings()["spark.driver.extraJavaOptions"]


def test_a_damaged_archive_is_refused(tmp_path):
    # A truncated archive makes the JVM die (SIGBUS) even when sharing is optional: build()
    # installs an archive only after a JVM has started Spark from it with -Xshare:on.
    damaged = tmp_path / "damaged.jsa"
    damaged.write_bytes(b"\0" * 4096)
    with pytest.raises(class_archive.ArchiveError, match="check run failed"):
        class_archive.check(damaged, timeout=120)
