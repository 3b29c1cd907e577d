"""Find Java and say plainly what to install when it is missing or too old.

Standard library only: `make` runs this file as a script before any package is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

MINIMUM_JAVA = 17

INSTALL_HINT = (
    "Install Java 17 (or newer) and try again:\n"
    "  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless\n"
    "  macOS:          brew install openjdk@17\n"
    "  conda:          conda install -c conda-forge openjdk=17\n"
    "  Windows:        install Temurin 17 from adoptium.net\n"
    "If Java is installed but not found, set JAVA_HOME to its folder."
)


class JavaError(RuntimeError):
    """Java is missing or too old for Spark; the message says what to install."""


def find_java() -> str | None:
    """Return the `java` Spark will use: $JAVA_HOME/bin/java first, then `java` on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java")


def parse_java_major(version_text: str) -> int | None:
    """Read the major version from `java -version` output ('1.8.0_292' is 8, '17.0.15' is 17)."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_text)
    if not match:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):  # Java 8 and older report 1.x
        major = int(match.group(2))
    return major


def java_version(java: str) -> tuple[int | None, str]:
    """Run `java -version` and return (major version, first line of its output)."""
    try:
        done = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as exc:
        return None, str(exc)
    text = (done.stderr or "") + (done.stdout or "")
    first = text.strip().splitlines()[0] if text.strip() else ""
    return parse_java_major(text), first


def check_java(minimum: int = MINIMUM_JAVA) -> str:
    """Return a one-line description of the Java found, or raise JavaError saying what to do."""
    java = find_java()
    if java is None:
        raise JavaError(
            f"Spark needs Java {minimum} or newer, and no `java` was found.\n" + INSTALL_HINT
        )
    major, first_line = java_version(java)
    if major is None:
        raise JavaError(
            f"Could not read the Java version from `{java} -version` "
            f"(it printed: {first_line!r}).\n" + INSTALL_HINT
        )
    if major < minimum:
        raise JavaError(
            f"Spark 4 needs Java {minimum} or newer; {java} is Java {major}.\n" + INSTALL_HINT
        )
    return f"Java {major} at {java} ({first_line})"


def main() -> int:
    """Print the Java found, or the plain message and exit status 1."""
    try:
        print(check_java())
    except JavaError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
