"""The Apache Kafka broker's jars, fetched from Maven Central at set-up and checked.

`make setup` runs `python -m streamlab.kafka.jars`: every jar named in `broker-jars.lock` (the
broker, `org.apache.kafka:kafka_2.13`, with its runtime dependencies, resolved once by
`tools/kafka_lock.py`) is downloaded from Maven Central into `<venv>/kafka/<version>/libs` and
kept only if its SHA-256 is the one the lock pins; likewise `scala212-connector.lock` into
`<venv>/kafka/scala-2.12-connector`. After that the broker starts offline.
Standard library only: it runs before anything else needs to be importable.
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

LOCK = Path(__file__).with_name("broker-jars.lock")
# Spark 3.5's Kafka connector for Scala 2.12: chapter 10b loads it into Spark 4 on purpose, to
# show the error a mismatched connector gives. Nothing else uses it.
SCALA212_LOCK = Path(__file__).with_name("scala212-connector.lock")
MAVEN_CENTRAL = "https://repo.maven.apache.org/maven2"
KAFKA_HOME_VARIABLE = "STREAMLAB_KAFKA_HOME"  # where the jars go; default <venv>/kafka


class KafkaJarsError(RuntimeError):
    """A jar of the broker is missing, or could not be fetched or checked: the message says what
    to run."""


@dataclass(frozen=True)
class Jar:
    group: str
    artifact: str
    version: str
    sha256: str

    @property
    def file_name(self) -> str:
        return f"{self.artifact}-{self.version}.jar"

    @property
    def url(self) -> str:
        path = "/".join([*self.group.split("."), self.artifact, self.version, self.file_name])
        return f"{MAVEN_CENTRAL}/{path}"


def read_lock(path: Path = LOCK) -> list[Jar]:
    """The pinned jars: one `group:artifact:version sha256` per line, `#` starts a comment."""
    jars = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            coordinates, sha256 = line.split()
            group, artifact, version = coordinates.split(":")
        except ValueError:
            raise KafkaJarsError(
                f"{path.name} line {number} is not `group:artifact:version sha256`: {line!r}"
            ) from None
        jars.append(Jar(group, artifact, version, sha256.lower()))
    return jars


def kafka_version(jars: list[Jar] | None = None) -> str:
    """The broker's version: that of org.apache.kafka:kafka_2.13 in the lock."""
    for jar in jars or read_lock():
        if (jar.group, jar.artifact) == ("org.apache.kafka", "kafka_2.13"):
            return jar.version
    raise KafkaJarsError(f"{LOCK.name} names no org.apache.kafka:kafka_2.13")


def kafka_home() -> Path:
    """Where the broker's jars live: $STREAMLAB_KAFKA_HOME, else <this Python's prefix>/kafka
    (in the book's virtual environment, .venv/kafka)."""
    return Path(os.environ.get(KAFKA_HOME_VARIABLE) or Path(sys.prefix) / "kafka")


def libs_folder(version: str | None = None) -> Path:
    return kafka_home() / (version or kafka_version()) / "libs"


def scala212_connector() -> Path:
    """The wrong connector's jar (Scala 2.12, Spark 3.5), fetched at set-up."""
    jar = read_lock(SCALA212_LOCK)[0]
    return kafka_home() / "scala-2.12-connector" / jar.file_name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(
    jars: list[Jar] | None = None, folder: Path | None = None, opener=urllib.request.urlopen
) -> tuple[int, int]:
    """Download the jars the folder lacks and check every one; return (fetched, already there).

    A file whose checksum differs from the lock is deleted and refused with the two hashes.
    """
    jars = jars if jars is not None else read_lock()
    folder = folder or libs_folder(kafka_version(jars))
    folder.mkdir(parents=True, exist_ok=True)
    fetched = present = 0
    for jar in jars:
        target = folder / jar.file_name
        if target.exists() and sha256_of(target) == jar.sha256:
            present += 1
            continue
        partial = target.with_suffix(".part")
        try:
            with opener(jar.url, timeout=120) as response, partial.open("wb") as out:
                while block := response.read(1 << 20):
                    out.write(block)
        except (urllib.error.URLError, OSError) as error:
            partial.unlink(missing_ok=True)
            raise KafkaJarsError(
                f"Could not download {jar.url} ({error}). The Kafka broker's jars come from "
                "Maven Central once, at set-up: connect to the internet and run `make setup`."
            ) from error
        found = sha256_of(partial)
        if found != jar.sha256:
            partial.unlink()
            raise KafkaJarsError(
                f"{jar.file_name} from Maven Central has SHA-256 {found}, but {LOCK.name} pins "
                f"{jar.sha256}: the file was not kept. Try again; if it persists, the lock is "
                "wrong (tools/kafka_lock.py writes it)."
            )
        partial.replace(target)
        fetched += 1
    return fetched, present


def missing_jars(folder: Path | None = None, jars: list[Jar] | None = None) -> list[str]:
    """The pinned jars not in the folder (by name; `fetch` checks their content)."""
    jars = jars if jars is not None else read_lock()
    folder = folder or libs_folder(kafka_version(jars))
    return [jar.file_name for jar in jars if not (folder / jar.file_name).exists()]


def main() -> int:
    try:
        jars = read_lock()
        fetched, present = fetch(jars)
        wrong = read_lock(SCALA212_LOCK)
        fetch(wrong, scala212_connector().parent)
    except KafkaJarsError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    print(
        f"Kafka {kafka_version(jars)} broker: {len(jars)} jars checked in "
        f"{libs_folder(kafka_version(jars))} ({fetched} fetched, {present} already there); "
        f"and {wrong[0].file_name}, the mismatched connector chapter 10b shows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
