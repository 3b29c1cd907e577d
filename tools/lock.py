"""Write requirements.lock: every package of the book, with its hashes, from pyproject.toml.

uv resolves `[project] dependencies` and every optional extra of pyproject.toml for Python 3.11
and later on every platform at once (`--universal`: Linux for Binder, Colab and CI, and the
laptops of a workshop, macOS and Windows; packages needed on one platform only carry a marker)
against PyPI alone, so that the lock installs on a fresh machine: this machine's local package
indexes are left out on purpose (they would add file:// sources and drop the hashes of files
they lack, such as pyspark's sdist). The lock's header records the command and a sha256 of
pyproject.toml's dependency specification, which tests/book/test_config.py compares with
pyproject.toml without any network.

Usage: python -m tools.lock [--uv PATH]   (`make lock` installs the pinned uv and runs this)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import subprocess
import tempfile
import tomllib
from pathlib import Path

from tools.paths import REPO

PYPROJECT = REPO / "pyproject.toml"
LOCK = REPO / "requirements.lock"
PYTHON_VERSION = "3.11"  # environment.yml's python=3.11
INDEX = "https://pypi.org/simple"
HASH_PREFIX = "# pyproject-sha256: "
# uv settings from the environment that could add other indexes or links to the resolution.
UV_SOURCE_VARIABLES = (
    "UV_INDEX",
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "UV_EXTRA_INDEX_URL",
    "UV_FIND_LINKS",
    "UV_INDEX_STRATEGY",
)


def dependency_spec(pyproject: Path = PYPROJECT) -> dict[str, object]:
    """The part of pyproject.toml the lock is made from: requires-python, dependencies, extras."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
    }


def spec_hash(pyproject: Path = PYPROJECT) -> str:
    """The sha256 of the dependency specification, blind to comments and formatting."""
    text = json.dumps(dependency_spec(pyproject), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lock_hash(lock: Path = LOCK) -> str | None:
    """The specification hash recorded in the lock's header, or None if there is none."""
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(HASH_PREFIX):
            return line.removeprefix(HASH_PREFIX).strip()
        if not line.startswith("#"):
            return None
    return None


def compile_command(uv: str, output: Path) -> list[str]:
    """The uv command that resolves pyproject.toml into output."""
    return [
        uv, "pip", "compile", "--no-config", "--quiet", "--no-header",
        "pyproject.toml", "--all-extras",
        "--python-version", PYTHON_VERSION, "--universal",
        "--default-index", INDEX, "--generate-hashes", "--emit-index-annotation",
        "-o", str(output),
    ]  # fmt: skip


def uv_version(uv: str) -> str:
    """What `uv --version` says, e.g. 'uv 0.13.9'."""
    result = subprocess.run([uv, "--version"], check=True, capture_output=True, text=True)
    return result.stdout.strip()


def header(uv: str, command: list[str]) -> str:
    """The lock's opening comment: what it is, how it was made, and the specification hash."""
    shown = [Path(command[0]).name, *command[1:-1], LOCK.name]
    return (
        "# requirements.lock: every package of the book (transitive ones included)\n"
        f"# with its hashes, for Python {PYTHON_VERSION}+ on any platform, from pyproject.toml\n"
        "# and all its extras, every file from PyPI. Do not edit: `make lock` regenerates\n"
        f"# it (tools/lock.py) with {uv_version(uv)}:\n"
        f"#    {shlex.join(shown)}\n"
        f"{HASH_PREFIX}{spec_hash()}\n"
    )


def write_lock(uv: str) -> int:
    """Resolve with uv and write requirements.lock; return how many packages it pins."""
    env = {k: v for k, v in os.environ.items() if k not in UV_SOURCE_VARIABLES}
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / LOCK.name
        if LOCK.exists():  # uv keeps the versions an existing output pins, where they still fit
            output.write_text(LOCK.read_text(encoding="utf-8"), encoding="utf-8")
        command = compile_command(uv, output)
        subprocess.run(command, check=True, cwd=REPO, env=env)
        body = output.read_text(encoding="utf-8")
    LOCK.write_text(header(uv, command) + body, encoding="utf-8")
    return sum(1 for line in body.splitlines() if line[:1].isalnum())


def main() -> None:
    """Command line: python -m tools.lock [--uv PATH]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", default="uv", help="the uv executable (default: uv on PATH)")
    args = parser.parse_args()
    count = write_lock(args.uv)
    print(f"{LOCK.relative_to(REPO)}: {count} packages, pyproject-sha256 {spec_hash()[:12]}")


if __name__ == "__main__":
    main()
