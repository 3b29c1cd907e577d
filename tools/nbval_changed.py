"""Hashes of what a notebook's run depends on, and a pytest plugin that records the passes it saw.

A notebook's inputs are its own bytes and everything its run depends on: the `streamlab`
package, the `data/` folder, the lock of installed packages, pyproject.toml and the settings
nbval runs with, as the files git would commit (tracked, or untracked and not ignored: caches
such as __pycache__ never count), named by their paths from the repo root. So a notebook's
hash is the same on a fresh clone on another machine.

Two records, told apart by name:

- SECOND_RUN_RECORD, tools/second-run-passed.json, committed: notebook -> the hash of the
  inputs with which its second run in the same kernel passed (tools.nbval_second_run). CI runs
  the second run only for notebooks whose hash is not in it.
- LOCAL_RECORD, .nbval-local-passes.json, untracked: notebook -> the hash of the inputs with
  which it last passed here; outside CI, tools.check_notebooks leaves those notebooks out.

Only the plugin writes them, after a session that ended normally, from the reports it saw: a
notebook enters the second-run record when an item of each of its code cells (as its file has
them) passed in the first run AND in the second ("Cell N, run 2"), with no failure or error
anywhere (the "JVM output" check included), and its inputs unchanged from its first report
to the end. A run with -k, or stopped by -x, or interrupted, or without the second-run plugin,
lacks passes and records nothing; an xdist worker never writes (its controller sees every
report). Loaded with ``-p tools.nbval_changed``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
SECOND_RUN_RECORD = Path(
    os.environ.get("STREAMLAB_SECOND_RUN_RECORD", REPO / "tools" / "second-run-passed.json")
)
LOCAL_RECORD = Path(os.environ.get("STREAMLAB_NBVAL_RECORD", REPO / ".nbval-local-passes.json"))
# What every notebook's run depends on besides the notebook itself.
SHARED_INPUTS = [
    "streamlab",
    "data",
    "requirements.lock",
    "pyproject.toml",
    "tools/nbval-sanitize.cfg",
    "tools/nbval_second_run.py",
    "tools/ipython/profile_default/ipython_kernel_config.py",
]
CACHES = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}
RUN_2 = ", run 2"  # the suffix of the second run's items (tools.nbval_second_run)


def input_files(repo: Path = REPO, inputs: Iterable[str] = SHARED_INPUTS) -> list[str]:
    """The files under `inputs` that git would commit, as sorted paths from the repo root."""
    inputs = list(inputs)
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *inputs],
            cwd=repo,
            capture_output=True,
            check=True,
        ).stdout.decode()
        names = {name for name in listed.split("\0") if name}
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every file
        names = set()
        for name in inputs:
            path = repo / name
            found = path.rglob("*") if path.is_dir() else [path]
            names |= {p.relative_to(repo).as_posix() for p in found}
    return sorted(
        name
        for name in names
        if (repo / name).is_file() and not CACHES.intersection(Path(name).parts)
    )


def shared_hash(repo: Path = REPO) -> str:
    """A hash of the inputs all notebooks share (paths from the repo root, and contents)."""
    digest = hashlib.sha256()
    for name in input_files(repo):
        digest.update(name.encode() + b"\0")
        digest.update((repo / name).read_bytes() + b"\0")
    return digest.hexdigest()


def notebook_hash(notebook: Path, shared: str) -> str:
    """A hash of one notebook's inputs: its own bytes and the shared inputs' hash."""
    return hashlib.sha256(shared.encode() + b"\0" + notebook.read_bytes()).hexdigest()


def record_key(path: Path) -> str:
    """A notebook's name in a record: its path from the repo root (absolute if outside)."""
    path = path.resolve()
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)


def read_record(record: Path) -> dict[str, str]:
    """Notebook (path from the repo root) -> hash of its inputs when it passed."""
    try:
        return json.loads(record.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def write_record(record: Path, entries: dict[str, str]) -> None:
    record.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def code_cells(notebook: Path) -> int:
    """The number of code cells in a notebook file: nbval makes one item of each."""
    return sum(cell.cell_type == "code" for cell in nbformat.read(notebook, as_version=4).cells)


@dataclass
class Seen:
    """What the reports of one notebook's items said."""

    hash_at_start: str
    passed: set[str] = field(default_factory=set)  # names of the items whose call passed
    failed: bool = False


def every_cell(cells: int, suffix: str = "") -> set[str]:
    """The names nbval gives a notebook's items, one per code cell ("Cell 0", ...)."""
    return {f"Cell {number}{suffix}" for number in range(cells)}


class PassRecorder:
    """Counts, per notebook, the cells that passed in each run; writes both records at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.shared = shared_hash()
        self.seen: dict[str, Seen] = {}

    def _notebook(self, nodeid: str) -> tuple[Path, str] | None:
        path, _, name = nodeid.partition("::")
        if not path.endswith(".ipynb"):
            return None
        return (Path(str(self.config.rootpath)) / path).resolve(), name

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        found = self._notebook(report.nodeid)
        if found is None:
            return
        notebook, name = found
        key = str(notebook)
        if key not in self.seen:
            self.seen[key] = Seen(notebook_hash(notebook, self.shared))
        seen = self.seen[key]
        if report.failed:
            seen.failed = True
        elif report.when == "call" and report.passed:
            seen.passed.add(name)

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller sees every report and writes the records
        if exitstatus not in (0, 1):
            return  # interrupted or broken: a partial run says nothing about a notebook
        shared_now = shared_hash()
        second_run = read_record(SECOND_RUN_RECORD)
        local = read_record(LOCAL_RECORD)
        for key, seen in sorted(self.seen.items()):
            notebook = Path(key)
            name = record_key(notebook)
            if not notebook.is_file():
                continue
            if shared_now != self.shared or notebook_hash(notebook, shared_now) != (
                seen.hash_at_start
            ):
                second_run.pop(name, None)  # changed while it ran: no run saw these inputs
                local.pop(name, None)
                continue
            cells = code_cells(notebook)
            first_complete = not seen.failed and cells > 0 and every_cell(cells) <= seen.passed
            if first_complete and every_cell(cells, RUN_2) <= seen.passed:
                second_run[name] = seen.hash_at_start
            elif seen.failed and second_run.get(name) == seen.hash_at_start:
                second_run.pop(name)  # it failed with inputs whose second run had passed
            if first_complete and second_run.get(name) == seen.hash_at_start:
                local[name] = seen.hash_at_start
            else:
                local.pop(name, None)
        # The committed record holds notebooks of this repo only, never a path of one machine.
        if SECOND_RUN_RECORD.is_relative_to(REPO):
            second_run = {k: v for k, v in second_run.items() if not Path(k).is_absolute()}
        write_record(SECOND_RUN_RECORD, second_run)
        write_record(LOCAL_RECORD, local)


def second_run_passed(notebooks: Iterable[Path]) -> list[Path]:
    """The notebooks whose second run passed with their current inputs (SECOND_RUN_RECORD)."""
    shared = shared_hash()
    record = read_record(SECOND_RUN_RECORD)
    return [nb for nb in notebooks if record.get(record_key(nb)) == notebook_hash(nb, shared)]


def passed_here(notebooks: Iterable[Path]) -> list[Path]:
    """The notebooks unchanged since they last passed on this machine (LOCAL_RECORD) whose
    second run passed with the same inputs too."""
    shared = shared_hash()
    local = read_record(LOCAL_RECORD)
    second_run = read_record(SECOND_RUN_RECORD)
    passed = []
    for notebook in notebooks:
        key, current = record_key(notebook), notebook_hash(notebook, shared)
        if local.get(key) == current == second_run.get(key):
            passed.append(notebook)
    return passed


@pytest.hookimpl
def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(PassRecorder(config), "nbval-pass-recorder")
