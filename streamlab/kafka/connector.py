"""Spark's Kafka connector, resolved at set-up exactly as a Spark user adds it.

`make setup` runs `python -m streamlab.kafka.connector`: `spark-submit --packages
org.apache.spark:spark-sql-kafka-0-10_<Scala>:<PySpark's version>` with Spark's own Ivy and its
cache in `<venv>/kafka/ivy`, so that notebooks can later start Spark with the same package
offline. Never a connector of another Spark version (chapter 10b shows why). The answer, found
or not with Ivy's own words, is written to `<venv>/kafka/connector.json`; set-up goes on either
way, and says plainly what it found.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .jars import kafka_home

UNRESOLVED = re.compile(r"unresolved dependency: (\S+;\S+): not found")


@dataclass(frozen=True)
class ConnectorStatus:
    coordinates: str
    resolved: bool
    answer: str  # Ivy's own line: what it found or why not

    def plain(self) -> str:
        if self.resolved:
            return f"Spark's Kafka connector {self.coordinates}: resolved into {ivy_folder()}"
        return (
            f"Spark's Kafka connector {self.coordinates} could not be resolved ({self.answer}). "
            "The pages that run Spark on Kafka need it; everything else runs without it."
        )


def spark_version_and_scala() -> tuple[str, str]:
    """PySpark's version, and the Scala version its jars were built for (2.13 for Spark 4)."""
    import pyspark

    core = next((Path(pyspark.__file__).parent / "jars").glob("spark-core_*.jar")).name
    return pyspark.__version__, core.removeprefix("spark-core_").split("-")[0]


def coordinates(version: str | None = None, scala: str | None = None) -> str:
    """The connector for exactly this Spark: `org.apache.spark:spark-sql-kafka-0-10_<Scala>:<v>`."""
    if version is None or scala is None:
        found_version, found_scala = spark_version_and_scala()
        version, scala = version or found_version, scala or found_scala
    return f"org.apache.spark:spark-sql-kafka-0-10_{scala}:{version}"


def ivy_folder() -> Path:
    return kafka_home() / "ivy"


def status_file() -> Path:
    return kafka_home() / "connector.json"


def read_answer(coordinates_: str, exit_status: int, output: str) -> ConnectorStatus:
    """What Ivy's output says about the connector."""
    missing = UNRESOLVED.search(output)
    if exit_status == 0:
        return ConnectorStatus(coordinates_, True, "resolved")
    if missing:
        return ConnectorStatus(
            coordinates_, False, f"unresolved dependency: {missing[1]}: not found"
        )
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    causes = [line.removeprefix("Caused by: ") for line in lines if line.startswith("Caused by:")]
    errors = [line for line in lines if ("Exception" in line or "Error" in line)]
    said = (causes or errors or lines[-1:] or ["no output"])[-1]  # the root cause, if Java gave one
    return ConnectorStatus(coordinates_, False, f"spark-submit exited {exit_status}: {said}")


def resolve(timeout: float = 600) -> ConnectorStatus:
    """Run spark-submit with --packages on a script that does nothing; Ivy resolves first."""
    import pyspark

    wanted = coordinates()
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "nothing.py"
        script.write_text("")
        done = subprocess.run(
            [str(submit), "--packages", wanted, "--conf", f"spark.jars.ivy={ivy_folder()}",
             "--master", "local[1]", str(script)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    return read_answer(wanted, done.returncode, done.stdout + done.stderr)


def main() -> int:
    status = resolve()
    status_file().parent.mkdir(parents=True, exist_ok=True)
    status_file().write_text(json.dumps(asdict(status), indent=1) + "\n", encoding="utf-8")
    print(status.plain())
    return 0  # set-up goes on: only the pages that run Spark on Kafka need the connector


if __name__ == "__main__":
    sys.exit(main())
