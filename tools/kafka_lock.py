"""Write streamlab/kafka/broker-jars.lock: the Kafka broker and its runtime dependencies, as
Maven resolves them from Maven Central, each with its SHA-256 (a maintainer's tool; needs `mvn`).

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
KAFKA = "4.3.1"
# Kafka 4 logs through SLF4J 1.7; its distribution adds this binding to log4j 2 (the broker's
# log file in the kernel's scratch folder comes from it).
SLF4J_BINDING = ("org.apache.logging.log4j", "log4j-slf4j-impl", "2.25.4")

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


def resolve(kafka: str) -> list[tuple[str, Path]]:
    """(group:artifact:version, local jar) for the broker's runtime closure, via mvn."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "pom.xml").write_text(POM.format(*SLF4J_BINDING, kafka=kafka))
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
    rows = resolve(args.kafka)
    lines = [
        f"# Apache Kafka {args.kafka} (org.apache.kafka:kafka_2.13) and its runtime dependencies",
        "# from Maven Central, with their SHA-256: written by `python -m tools.kafka_lock`.",
    ]
    lines += [f"{coords} {hashlib.sha256(path.read_bytes()).hexdigest()}" for coords, path in rows]
    LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{LOCK.relative_to(REPO)}: {len(rows)} jars")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
