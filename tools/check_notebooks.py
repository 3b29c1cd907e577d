"""Check the book's notebooks with nbval: two at a time, longest first, timing chapters alone.

Usage: python -m tools.check_notebooks [--all] [--workers N] [notebooks or folders ...]

Every notebook checked runs once from a fresh kernel, compared with its stored outputs. Its
second run in the same kernel (tools.nbval_second_run: a learner pressing "Run all" again) is
checked too when its inputs (the notebook, streamlab/, data/, the lock, pyproject.toml, the nbval
settings: tools.nbval_changed) are not in the committed record of second runs that passed,
tools/second-run-passed.json, which the run then updates; `--all` runs the second run for every
notebook. So CI (CI=true) runs every notebook once, and twice only where something changed.

Outside CI, notebooks unchanged since they last passed here (.nbval-local-passes.json, not
committed) are left out; `--all`, or CI=true, checks them all. The plan printed first says which
notebooks run once, which twice, which are left out, and why.

About a third of a notebook's time is spent waiting on batch intervals, so two notebooks share
the two cores (pytest-xdist, one notebook per worker: `--dist loadscope`), the longest first so
that the last one to finish is short. Chapters whose checked conclusions depend on timing
(chapter 02's stability verdicts, chapter 08's rates, chapter 12's keeping up or falling behind,
chapter 15's latencies) run afterwards, one at a time, beside nothing else, so a busy core cannot
flip what they print. Each notebook's JVM writes its own output to a file
($STREAMLAB_JVM_OUTPUT_DIR, streamlab/runtime/jvm_output.py); a notebook whose JVM reports a full
code cache or an OutOfMemoryError fails (tools.nbval_jvm_output).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from streamlab.runtime.jvm_output import JVM_OUTPUT_DIR
from streamlab.runtime.scratch import remove_stale_scratch
from tools.nbval_changed import (
    LOCAL_RECORD,
    REPO,
    SECOND_RUN_RECORD,
    passed_here,
    second_run_passed,
)
from tools.notebooks import find_notebooks, runs_alone

TIMES = REPO / "bench" / "results" / "notebooks.csv"  # written by `make bench`
NBVAL = [
    "-m",
    "pytest",
    "-q",
    "-p",
    "no:cacheprovider",
    "-p",
    "tools.nbval_second_run",
    "-p",
    "tools.nbval_changed",
    "-p",
    "tools.nbval_jvm_output",
    "--nbval",
    "--nbval-sanitize-with",
    "tools/nbval-sanitize.cfg",
    "--nbval-cell-timeout",
    "600",
]


def wall_times(path: Path = TIMES) -> dict[str, float]:
    """The last measured wall time of each notebook, in seconds (none if never measured)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["notebook"]: float(row["wall_s"]) for row in csv.DictReader(handle)}


@dataclass
class Plan:
    """Which notebooks run how: `shared` two at a time, longest first, then `alone` one at a
    time; those in `twice` get the second run; `left_out` are not checked."""

    shared: list[Path] = field(default_factory=list)
    alone: list[Path] = field(default_factory=list)
    twice: list[Path] = field(default_factory=list)
    left_out: list[Path] = field(default_factory=list)

    @property
    def once(self) -> list[Path]:
        return [p for p in self.shared + self.alone if p not in self.twice]


def plan(notebooks: list[Path], second_run_all: bool, leave_out_passed: bool) -> Plan:
    """The plan: notebooks whose inputs are not in the second-run record (all of them with
    `second_run_all`) run twice; with `leave_out_passed`, those that passed here are left out."""
    left_out = passed_here([REPO / p for p in notebooks]) if leave_out_passed else []
    left_out_rel = [p.relative_to(REPO) for p in left_out]
    todo = [p for p in notebooks if p not in left_out_rel]
    recorded = [p.relative_to(REPO) for p in second_run_passed([REPO / p for p in todo])]
    twice = [p for p in todo if second_run_all or p not in recorded]
    times = wall_times()

    def longest_first(p: Path) -> tuple[float, str]:
        return (-times.get(p.as_posix(), 0.0) * (2 if p in twice else 1), p.as_posix())

    return Plan(
        shared=sorted((p for p in todo if not runs_alone(REPO / p)), key=longest_first),
        alone=[p for p in todo if runs_alone(REPO / p)],
        twice=twice,
        left_out=left_out_rel,
    )


def describe(chosen: Plan, second_run_all: bool) -> list[str]:
    """The plan in words: which notebooks run once, which twice, which are left out, and why."""
    record = (
        SECOND_RUN_RECORD.relative_to(REPO)
        if SECOND_RUN_RECORD.is_relative_to(REPO)
        else SECOND_RUN_RECORD
    )
    local = LOCAL_RECORD.name
    why_twice = (
        "--all (make test-all): the second run for every notebook"
        if second_run_all
        else f"inputs not in {record}: the second run in the same kernel is checked"
    )
    groups = [
        (
            chosen.left_out,
            f"left out: unchanged since they last passed here ({local}); "
            "make test-all checks every one",
        ),
        (
            chosen.once,
            f"run once, from a fresh kernel: their second run passed with these "
            f"same inputs ({record})",
        ),
        (chosen.twice, f"run twice, from a fresh kernel and again in the same kernel: {why_twice}"),
    ]
    lines = []
    for notebooks, why in groups:
        if notebooks:
            lines.append(f"nbval: {len(notebooks)} notebook(s) {why}:")
            lines += [f"  {p}" for p in notebooks]
    return lines


def run_pytest(notebooks: list[Path], twice: list[Path], workers: int, env: dict[str, str]) -> int:
    """nbval on these notebooks, in `workers` processes (one notebook per process at a time),
    the second run for those in `twice`."""
    command = [sys.executable, *NBVAL]
    again = [p for p in notebooks if p in twice]
    command += ["--second-run", ",".join(map(str, again)) or "none"]
    if workers > 1 and len(notebooks) > 1:
        command += ["-n", str(min(workers, len(notebooks))), "--dist", "loadscope"]
    at_once = "one at a time" if "-n" not in command else f"{command[-3]} at a time"
    print(f"nbval: {len(notebooks)} notebook(s), {at_once}: " + " ".join(map(str, notebooks)))
    return subprocess.run(
        [*command, *map(str, notebooks)], cwd=REPO, env=env, check=False
    ).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["chapters", "labs"])
    parser.add_argument(
        "--all", action="store_true", help="check unchanged notebooks too, each with its second run"
    )
    parser.add_argument("--workers", type=int, default=2, help="notebooks checked at once")
    args = parser.parse_args(argv)
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    chosen = plan(find_notebooks(args.paths), args.all, leave_out_passed=not (args.all or in_ci))
    for line in describe(chosen, args.all):
        print(line)
    if not chosen.shared and not chosen.alone:
        print("nbval: nothing to check")
        return 0
    jvm_output = Path(tempfile.mkdtemp(prefix="nbval-jvm-output-"))
    env = {**os.environ, JVM_OUTPUT_DIR: str(jvm_output)}
    codes = []
    if chosen.shared:
        codes.append(run_pytest(chosen.shared, chosen.twice, args.workers, env))
    if chosen.alone:
        codes.append(run_pytest(chosen.alone, chosen.twice, 1, env))
    if max(codes) == 0:
        shutil.rmtree(jvm_output, ignore_errors=True)
    else:
        print(f"nbval: the JVMs' own output is kept in {jvm_output}")
    # nbval kills each kernel when its notebook is done, so no kernel could remove its scratch
    # folder (Spark's block manager and temporary files): remove those of kernels now gone.
    removed = remove_stale_scratch()
    print(f"nbval: removed {len(removed)} scratch folder(s) of finished kernels")
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
