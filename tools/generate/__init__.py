"""Files the book generates from its sources, under one contract.

Each generator is a module with `render() -> dict[Path, str]`: every file it owns and the text
that file must hold. Nothing else writes them.

    python -m tools.generate [--check] [name ...]   (make generated)

writes the files that differ (all generators, or those named); with `--check` it writes nothing
and exits 1, naming each stale file and the command that rewrites it (tests/tools/test_generated.py
runs the same check, one test per generator).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from types import ModuleType

from tools.paths import shown

# name -> module; `make generated` runs them in this order.
GENERATORS = {
    "lessons": "tools.generate.lessons",  # streamlab/lessons/*.py from the cells tagged `export`
    "learner": "tools.generate.learner",  # learner/*.ipynb from the labs
    "answer-key": "tools.generate.answer_key",  # chapters/answer-key.md from the exercises
    "agendas": "tools.workshop.agendas",  # chapters/instructor-guide.md's timings and agendas
    "handout": "tools.workshop.handout",  # chapters/handout.md
}


def generator(name: str) -> ModuleType:
    return importlib.import_module(GENERATORS[name])


def stale(files: dict[Path, str]) -> list[Path]:
    """The files that do not hold their text (or do not exist)."""
    return [p for p, text in files.items() if not p.exists() or p.read_text("utf-8") != text]


def write_or_check(files: dict[Path, str], command: str, check: bool) -> int:
    """With `check`, exit status 1 (and say which, and `command` to fix it) if any file differs
    from its text; otherwise write the files that differ. Returns the exit status."""
    outdated = stale(files)
    if check:
        for path in outdated:
            print(f"{shown(path)} is stale: run `{command}`", file=sys.stderr)
        return 1 if outdated else 0
    for path in outdated:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {shown(path)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser("python -m tools.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("names", nargs="*", metavar="name", help=", ".join(GENERATORS))
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in GENERATORS]
    if unknown:
        parser.error(f"no generator {', '.join(unknown)} (there are {', '.join(GENERATORS)})")
    status = 0
    for name in args.names or GENERATORS:
        command = f"python -m tools.generate {name}"
        status |= write_or_check(generator(name).render(), command, args.check)
    return status
