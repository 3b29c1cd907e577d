"""Time every stage of `make test`, and name its slowest tests (`make bench-suite`).

Stages, each run through the Makefile exactly as `make test` runs it (with CI=true, as .ci/run on
CI: nbval checks every notebook once, and a second time those whose inputs are not in
tools/second-run-passed.json):
install (the locked packages into a new virtual environment in a temporary folder, as on a
fresh clone; pip's cache is whatever this machine has, as CI's is), lint, unit, nbval, build
(the strict website build) and browser (the website's tests in Chromium; `make site-test` minus
the build it starts with). Test and notebook
durations are collected by the tools.bench.durations_plugin plugin, loaded through the environment.

Prints a table and writes bench/results/suite.csv (stage, seconds, result) and
bench/results/suite-slowest.csv (the ten slowest tests and the notebooks' totals).

Usage: python -m tools.bench.suite [--skip-install]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from tools.paths import REPO, RESULTS

STAGES = ["install", "lint", "unit", "nbval", "build", "browser"]
TARGETS_MIN = {"with the install": 30, "unit": 8}  # the architecture issue's, never asserted


def run_make(target: str, env: dict[str, str], extra: list[str] | None = None) -> tuple[float, int]:
    """Run `make -s TARGET` from the repo root; return (seconds, exit status)."""
    start = time.perf_counter()
    done = subprocess.run(["make", "-s", target, *(extra or [])], cwd=REPO, env=env, check=False)
    return time.perf_counter() - start, done.returncode


def time_install(env: dict[str, str]) -> tuple[float, int]:
    """`make setup` into a brand-new virtual environment (deleted afterwards)."""
    with tempfile.TemporaryDirectory(prefix="bench-suite-venv-") as folder:
        return run_make("setup", env, [f"VENV={folder}/venv"])


def read_durations(path: Path) -> dict[str, float]:
    """Test id -> seconds, from the plugin's JSON lines."""
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {row["test"]: row["seconds"] for row in rows}


def notebook_totals(durations: dict[str, float]) -> dict[str, float]:
    """Seconds per notebook: the sum of its cells' items (both runs)."""
    totals: dict[str, float] = defaultdict(float)
    for test, seconds in durations.items():
        path = test.split("::", 1)[0]
        if path.endswith(".ipynb") and path.startswith(("chapters/", "labs/")):
            totals[path] += seconds
    return dict(totals)


def split_test_id(test_id: str) -> tuple[str, str]:
    """`tests/test_x.py::test_y[1]` as ("test_x.py", "test_y[1]"): two columns that fit a page."""
    path, _, name = test_id.partition("::")
    return path.removeprefix("tests/"), name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-install", action="store_true", help="do not time the install")
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as scratch:
        log = Path(scratch) / "durations.jsonl"
        env = {
            **os.environ,
            "CI": "true",
            "PYTEST_PLUGINS": "tools.bench.durations_plugin",
            "STREAMLAB_TEST_DURATIONS": str(log),
        }
        seconds: dict[str, float] = {}
        status: dict[str, int] = {}
        if not args.skip_install:
            seconds["install"], status["install"] = time_install(env)
        for stage, target in [("lint", "lint"), ("unit", "unit"), ("nbval", "notebooks")]:
            seconds[stage], status[stage] = run_make(target, env)
        seconds["build"], status["build"] = run_make("build-strict", env)
        site, status["browser"] = run_make("site-test", env)
        seconds["browser"] = max(site - seconds["build"], 0.0)
        durations = read_durations(log)

    rows = [
        {
            "stage": stage,
            "seconds": round(seconds[stage], 1),
            "result": "passed" if status[stage] == 0 else f"failed ({status[stage]})",
        }
        for stage in STAGES
        if stage in seconds
    ]
    warm = sum(seconds[s] for s in STAGES if s != "install" and s in seconds)
    rows.append({"stage": "make test, warm .venv", "seconds": round(warm, 1), "result": ""})
    if "install" in seconds:
        total = warm + seconds["install"]
        rows.append({"stage": "with the install", "seconds": round(total, 1), "result": ""})
    slowest = sorted(
        ((t, s) for t, s in durations.items() if not t.split("::")[0].endswith(".ipynb")),
        key=lambda ts: -ts[1],
    )[:10]
    notebooks = sorted(notebook_totals(durations).items(), key=lambda ts: -ts[1])

    with (RESULTS / "suite.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["stage", "seconds", "result"])
        writer.writeheader()
        writer.writerows(rows)
    with (RESULTS / "suite-slowest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["seconds", "file", "test"])  # the number first: a long name may not fit
        writer.writerows((round(s, 1), *split_test_id(t)) for t, s in slowest)
        writer.writerows((round(s, 1), t, "nbval, both runs") for t, s in notebooks)

    print(f"{'stage':<28}{'seconds':>10}  result")
    for row in rows:
        print(f"{row['stage']:<28}{row['seconds']:>10.1f}  {row['result']}")
    print(f"\nmake test, warm: {warm / 60:.1f} min")
    for row in rows:
        if row["stage"] in TARGETS_MIN:
            minutes = row["seconds"] / 60
            print(f"{row['stage']}: {minutes:.1f} min (target {TARGETS_MIN[row['stage']]} min)")
    print("\nslowest tests:")
    for test, secs in slowest:
        print(f"{secs:8.1f} s  {test}")
    print("\nnotebooks under nbval (both runs, sum of cells):")
    for path, secs in notebooks:
        print(f"{secs:8.1f} s  {path}")
    print(f"\nwritten: {RESULTS / 'suite.csv'}, {RESULTS / 'suite-slowest.csv'}")
    return max(status.values(), default=0)


if __name__ == "__main__":
    sys.exit(main())
