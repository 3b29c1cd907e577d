"""The class-data archive of Spark's JVM (streamlab.runtime.cds and .build_cds): used when it
is there and works, never installed when it does not (a damaged archive crashes the JVM)."""

from __future__ import annotations

import pytest

from streamlab.runtime import build_cds, cds
from streamlab.runtime.spark import startup_settings


def test_no_archive_no_option(tmp_path, monkeypatch):
    monkeypatch.setattr(cds, "ARCHIVE", tmp_path / "missing.jsa")
    assert cds.java_options() == ""
    assert "SharedArchiveFile" not in startup_settings()["spark.driver.extraJavaOptions"]


def test_an_archive_is_given_to_spark_quietly(tmp_path, monkeypatch):
    archive = tmp_path / "spark.jsa"
    archive.write_bytes(b"made by build()")
    monkeypatch.setattr(cds, "ARCHIVE", archive)
    options = startup_settings()["spark.driver.extraJavaOptions"]
    assert f"-XX:SharedArchiveFile={archive}" in options
    assert "-Xlog:cds=off" in options  # a JVM that cannot use it says nothing in a notebook
    monkeypatch.setenv(cds.OFF, "off")
    assert "SharedArchiveFile" not in startup_settings()["spark.driver.extraJavaOptions"]


def test_a_damaged_archive_is_refused(tmp_path):
    # A truncated archive makes the JVM die (SIGBUS) even when sharing is optional: build()
    # installs an archive only after a JVM has started Spark from it with -Xshare:on.
    damaged = tmp_path / "damaged.jsa"
    damaged.write_bytes(b"\0" * 4096)
    with pytest.raises(build_cds.ArchiveError, match="check run failed"):
        build_cds.check(damaged, timeout=120)
