"""A pytest plugin for `make bench-suite`: the duration of every test, appended to a file.

Loaded through the environment (``PYTEST_PLUGINS=tools.bench.durations_plugin``) with
``STREAMLAB_TEST_DURATIONS=path`` set, so the Makefile's test commands stay as CI runs them.
Each test adds one JSON line: its id and its setup + call + teardown time in seconds. Under
pytest-xdist only the controller writes (it receives every worker's reports).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

import pytest

ENV = "STREAMLAB_TEST_DURATIONS"
_SO_FAR: dict[str, float] = defaultdict(float)


@pytest.hookimpl
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = os.environ.get(ENV)
    if not path or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    _SO_FAR[report.nodeid] += report.duration
    if report.when == "teardown":
        seconds = round(_SO_FAR.pop(report.nodeid), 3)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"test": report.nodeid, "seconds": seconds}) + "\n")
