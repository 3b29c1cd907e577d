"""Prepare Google Colab for a notebook of the book; nothing happens anywhere else.

The first cell of every notebook clones the repository into Colab and calls `prepare()`.
Standard library only: it runs before anything is installed. `plan()` decides, `prepare()` acts,
so the decisions are tested without installing anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY_URL = "https://github.com/spark-streaming-hands-on/book"
COLAB_CLONE = "/content/spark-streaming-hands-on"
JAVA_PACKAGE = "openjdk-17-jre-headless"
COLAB_JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"
# Only what Colab lacks: it has its own pandas, numpy, matplotlib and ipywidgets, and replacing
# them would break its runtime. The book's helpers are installed without dependencies.
COLAB_PACKAGES = ["pyspark==4.3.0"]
KAFKA_CLIENT = "confluent-kafka==2.16.2"  # as pinned in pyproject.toml; Colab has none


def in_colab() -> bool:
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


def plan(
    colab: bool, java_major: int | None, pyspark_version: str | None, repo: str = COLAB_CLONE
) -> list[list[str]]:
    """The commands that make this runtime ready: none outside Colab.

    java_major is the Java found (None if none), pyspark_version the PySpark installed (or None).
    """
    if not colab:
        return []
    steps: list[list[str]] = []
    if java_major is None or java_major < 17:
        steps.append(["apt-get", "install", "-y", "-qq", JAVA_PACKAGE])
    wanted = COLAB_PACKAGES[0].split("==")[1]
    if pyspark_version != wanted:
        steps.append([sys.executable, "-m", "pip", "install", "-q", *COLAB_PACKAGES])
    steps.append([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", repo])
    steps.append([sys.executable, "-m", "pip", "install", "-q", KAFKA_CLIENT])
    # the Kafka broker's jars, from Maven Central, checked against streamlab/kafka's lock
    steps.append([sys.executable, "-m", "streamlab.kafka.jars"])
    # Spark's Kafka connector of this PySpark's version, through Spark's Ivy (never fails)
    steps.append([sys.executable, "-m", "streamlab.kafka.connector"])
    return steps


def _installed_pyspark() -> str | None:
    try:
        from importlib.metadata import version

        return version("pyspark")
    except Exception:  # not installed
        return None


def prepare(repo: str = COLAB_CLONE) -> None:
    """In Colab: install Java 17 if missing, PySpark and the book's helpers; set JAVA_HOME."""
    if not in_colab():
        return
    sys.path.insert(0, str(Path(repo)))
    from streamlab.runtime.java import find_java, java_version  # noqa: PLC0415 (after sys.path)

    java = find_java()
    major = java_version(java)[0] if java else None
    for command in plan(True, major, _installed_pyspark(), repo):
        print("$", " ".join(command), flush=True)
        subprocess.run(command, check=True)
    if major is None or major < 17:
        os.environ["JAVA_HOME"] = COLAB_JAVA_HOME
        os.environ["PATH"] = f"{COLAB_JAVA_HOME}/bin:{os.environ['PATH']}"
    print(
        "Colab is ready: Java 17, PySpark 4.3.0, the book's helpers and the Kafka broker's "
        "jars are installed."
    )
