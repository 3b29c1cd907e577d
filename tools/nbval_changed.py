"""Which notebooks changed since they last passed nbval, and a pytest plugin that records passes.

A notebook's inputs are its own file and everything its run depends on: the `streamlab`
package, the `data/` folder, the lock of installed packages and the settings nbval runs with.
After a run in which every cell of a notebook passed (both runs of the second-run plugin), the
plugin records the notebook in `.nbval-passed.json` with a hash of those inputs;
`tools.check_notebooks` then leaves out, outside CI, the notebooks whose hash is unchanged.
Loaded with ``-p tools.nbval_changed``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RECORD = Path(os.environ.get("STREAMLAB_NBVAL_RECORD", REPO / ".nbval-passed.json"))
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


def _files(paths: Iterable[Path]) -> list[Path]:
    """Every file under the given files and folders, in a stable order, caches left out."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += [
                p
                for p in path.rglob("*")
                if p.is_file()
                and "__pycache__" not in p.parts
                and ".ipynb_checkpoints" not in p.parts
            ]
        elif path.is_file():
            found.append(path)
    return sorted(found)


def shared_hash(repo: Path = REPO) -> str:
    """A hash of the inputs all notebooks share (file names and contents)."""
    digest = hashlib.sha256()
    for path in _files(repo / p for p in SHARED_INPUTS):
        digest.update(str(path.relative_to(repo)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def notebook_hash(notebook: Path, shared: str) -> str:
    """A hash of one notebook's inputs: its own bytes and the shared inputs' hash."""
    return hashlib.sha256(shared.encode() + b"\0" + notebook.read_bytes()).hexdigest()


def _key(path: Path) -> str:
    """A notebook's name in the record: its path from the repo root (absolute if outside)."""
    path = path.resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def read_record(record: Path | None = None) -> dict[str, str]:
    """Notebook (path from the repo root) -> hash of its inputs when it last passed."""
    try:
        return json.loads((record or RECORD).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


class PassRecorder:
    """Records, after the run, each notebook whose every cell passed (failures remove it)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.failed: set[str] = set()
        self.ran: set[str] = set()

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        path = report.nodeid.split("::", 1)[0]
        if not path.endswith(".ipynb"):
            return
        self.ran.add(path)
        if report.failed:
            self.failed.add(path)

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller sees every report and writes the record
        if exitstatus not in (0, 1):
            return  # interrupted or broken: a partial run says nothing about a notebook
        root = Path(str(self.config.rootpath))
        shared = shared_hash()
        record = read_record()
        for path in sorted(self.ran):
            notebook = (root / path).resolve()
            if not notebook.is_file():
                continue
            if path in self.failed:
                record.pop(_key(notebook), None)
            else:
                record[_key(notebook)] = notebook_hash(notebook, shared)
        RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def unchanged_since_passed(notebooks: Iterable[Path]) -> list[Path]:
    """The notebooks whose inputs are the same as when they last passed."""
    shared = shared_hash()
    record = read_record()
    return [nb for nb in notebooks if record.get(_key(nb)) == notebook_hash(nb, shared)]


@pytest.hookimpl
def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(PassRecorder(config), "nbval-pass-recorder")
