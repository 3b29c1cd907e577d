"""Write streamlab/kafka/broker-jars.lock: the Kafka broker and its runtime dependencies, as
Maven resolves them from Maven Central, each with its SHA-256 (a maintainer's tool; needs `mvn`);
and streamlab/kafka/scala212-connector.lock: Spark 3.5's Kafka connector for Scala 2.12 alone,
the wrong connector chapter 10b loads on purpose to show the error it gives on Spark 4.

Usage: python -m tools.kafka_lock [--kafka 4.3.1]
Set-up (`python -m streamlab.kafka.jars`) then fetches exactly these files and checks them.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import tempfile
from pathlib import Path

from tools.paths import REPO

LOCK = REPO / "streamlab" / "kafka" / "broker-jars.lock"
WRONG_LOCK = REPO / "streamlab" / "kafka" / "scala212-connector.lock"
KAFKA = "4.3.1"
WRONG_CONNECTOR = ("org.apache.spark", "spark-sql-kafka-0-10_2.12", "3.5.7")
# Kafka 4 logs through SLF4J 1.7; its distribution adds this binding to log4j 2 (the broker's
# log file in the kernel's scratch folder comes from it).
SLF4J_BINDING = ("org.apache.logging.log4j", "log4j-slf4j-impl", "2.25.4")

WRONG_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>book</groupId><artifactId>wrong-connector</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>{0}</groupId><artifactId>{1}</artifactId><version>{2}</version>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion>
      </exclusions></dependency>
  </dependencies>
</project>
"""

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>book</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId>
      <version>{kafka}</version></dependency>
    <dependency><groupId>{0}</groupId><artifactId>{1}</artifactId><version>{2}</version>
    </dependency>
  </dependencies>
</project>
"""


def resolve(pom: str) -> list[tuple[str, Path]]:
    """(group:artifact:version, local jar) for the pom's runtime closure, via mvn."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "pom.xml").write_text(pom)
        listing = Path(folder) / "deps.txt"
        subprocess.run(
            ["mvn", "-B", "-q", "-C", "dependency:list", "-DincludeScope=runtime",
             f"-DoutputFile={listing}", "-DoutputAbsoluteArtifactFilename=true"],
            cwd=folder, check=True,
        )  # fmt: skip
        rows = []
        for line in listing.read_text().splitlines():
            parts = line.strip().split(":")
            if len(parts) == 6 and parts[2] == "jar":  # group:artifact:jar:version:scope:path
                rows.append((f"{parts[0]}:{parts[1]}:{parts[3]}", Path(parts[5])))
        return sorted(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kafka", default=KAFKA)
    args = parser.parse_args()
    write(
        LOCK,
        resolve(POM.format(*SLF4J_BINDING, kafka=args.kafka)),
        f"Apache Kafka {args.kafka} (org.apache.kafka:kafka_2.13) and its runtime dependencies",
    )
    write(
        WRONG_LOCK,
        resolve(WRONG_POM.format(*WRONG_CONNECTOR)),
        "Spark 3.5's Kafka connector for Scala 2.12, alone: the mismatch chapter 10b shows",
    )
    return 0


def write(lock: Path, rows: list[tuple[str, Path]], title: str) -> None:
    lines = [
        f"# {title},",
        "# from Maven Central, with their SHA-256: written by `python -m tools.kafka_lock`.",
    ]
    lines += [f"{coords} {hashlib.sha256(path.read_bytes()).hexdigest()}" for coords, path in rows]
    lock.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{lock.relative_to(REPO)}: {len(rows)} jars")


if __name__ == "__main__":
    raise SystemExit(main())
