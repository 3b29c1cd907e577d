"""Check the book's notebooks with nbval: two at a time, longest first, timing chapters alone.

Usage: python -m tools.check_notebooks [--all] [--workers N] [notebooks or folders ...]

Every notebook runs from a fresh kernel and then once more in the same kernel
(tools.nbval_second_run); both runs are compared with the stored outputs. About a third of a
notebook's time is spent waiting on batch intervals, so two notebooks share the two cores
(pytest-xdist, one notebook per worker: `--dist loadscope`), the longest first so that the
last one to finish is short. Chapters whose checked conclusions depend on timing (chapter 02's
stability verdicts, chapter 08's rates, chapter 12's keeping up or falling behind, chapter 15's
latencies) run afterwards, one at a time, beside nothing else, so a busy core cannot flip what
they print.

Outside CI, notebooks whose inputs are unchanged since they last passed are left out, and the
run says which (tools.nbval_changed); `--all`, or CI=true in the environment, checks them all.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

from streamlab.session import remove_stale_scratch
from tools.nbval_changed import REPO, unchanged_since_passed

ALONE = [
    "chapters/02-micro-batches.ipynb",
    "chapters/08-scaling.ipynb",
    "chapters/12-watching-a-stream.ipynb",
    "chapters/15-latency-and-sources.ipynb",
]
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
    "--nbval",
    "--nbval-sanitize-with",
    "tools/nbval-sanitize.cfg",
    "--nbval-cell-timeout",
    "600",
]


def find_notebooks(args: list[str]) -> list[Path]:
    """Every .ipynb named, or found under a named folder, as paths from the repo root."""
    found: list[Path] = []
    for arg in args:
        path = (REPO / arg).resolve()
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        else:
            found.append(path)
    return [p.relative_to(REPO) for p in found]


def wall_times(path: Path = TIMES) -> dict[str, float]:
    """The last measured wall time of each notebook, in seconds (none if never measured)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["notebook"]: float(row["wall_s"]) for row in csv.DictReader(handle)}


def plan(notebooks: list[Path], check_all: bool) -> tuple[list[Path], list[Path], list[Path]]:
    """(checked two at a time, longest first; checked alone; skipped as unchanged)."""
    skipped = [] if check_all else unchanged_since_passed([REPO / p for p in notebooks])
    skipped_rel = [p.relative_to(REPO) for p in skipped]
    todo = [p for p in notebooks if p not in skipped_rel]
    alone = [p for p in todo if str(p) in ALONE]
    times = wall_times()
    shared = sorted(
        (p for p in todo if str(p) not in ALONE), key=lambda p: (-times.get(str(p), 0.0), str(p))
    )
    return shared, alone, skipped_rel


def run_pytest(notebooks: list[Path], workers: int) -> int:
    """nbval on these notebooks, in `workers` processes (one notebook per process at a time)."""
    command = [sys.executable, *NBVAL]
    if workers > 1 and len(notebooks) > 1:
        command += ["-n", str(min(workers, len(notebooks))), "--dist", "loadscope"]
    at_once = "one at a time" if "-n" not in command else f"{command[-3]} at a time"
    print(f"nbval: {len(notebooks)} notebook(s), {at_once}: " + " ".join(map(str, notebooks)))
    return subprocess.run([*command, *map(str, notebooks)], cwd=REPO, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["chapters", "labs"])
    parser.add_argument("--all", action="store_true", help="check unchanged notebooks too")
    parser.add_argument("--workers", type=int, default=2, help="notebooks checked at once")
    args = parser.parse_args(argv)
    check_all = args.all or os.environ.get("CI", "").lower() in ("1", "true", "yes")
    shared, alone, skipped = plan(find_notebooks(args.paths), check_all)
    if skipped:
        print(
            f"nbval: {len(skipped)} notebook(s) unchanged since they last passed, not checked "
            "again (make test-all checks every one):"
        )
        for path in skipped:
            print(f"  skipped {path}")
    if not shared and not alone:
        print("nbval: nothing to check")
        return 0
    codes = []
    if shared:
        codes.append(run_pytest(shared, args.workers))
    if alone:
        codes.append(run_pytest(alone, 1))
    # nbval kills each kernel when its notebook is done, so no kernel could remove its scratch
    # folder (Spark's block manager and temporary files): remove those of kernels now gone.
    removed = remove_stale_scratch()
    print(f"nbval: removed {len(removed)} scratch folder(s) of finished kernels")
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
