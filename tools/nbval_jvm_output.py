"""A pytest plugin: after each notebook nbval ran, fail if its JVM reported a full code cache or
an out-of-memory error.

Under $STREAMLAB_JVM_OUTPUT_DIR (set by tools.check_notebooks), `get_spark` starts Spark's JVM
with its standard output and error going to `jvm-<kernel pid>.log` there
(streamlab/runtime/jvm_output.py), where no cell shows it. This plugin adds one item after each
notebook's cells, "JVM output", that reads the file of that notebook's kernel and fails naming
each line with `CodeCache is full` or `java.lang.OutOfMemoryError`. Without the variable it adds
nothing. Loaded with ``-p tools.nbval_jvm_output``.
"""

from __future__ import annotations

import os

import pytest
from nbval.plugin import IPyNbFile

from streamlab.runtime.jvm_output import JVM_OUTPUT_DIR, jvm_output_file, jvm_problems

ITEM_NAME = "JVM output"


class JvmProblem(Exception):
    """The JVM of a notebook's kernel reported a problem."""


class JvmOutputItem(pytest.Item):
    """Reads the JVM output file of its notebook's kernel; fails on the lines that report a
    problem."""

    def runtest(self) -> None:
        kernel = getattr(self.parent, "kernel", None)
        pid = getattr(getattr(getattr(kernel, "km", None), "provisioner", None), "pid", None)
        if pid is None:
            pytest.skip("no kernel ran this notebook")
        path = jvm_output_file(pid)
        problems = jvm_problems(path) if path else []
        if problems:
            lines = "\n".join(f"  {path}:{number}: {line}" for number, line in problems)
            raise JvmProblem(f"{self.parent.path.name}: its JVM reported:\n{lines}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, JvmProblem):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.parent.path.name}::{ITEM_NAME}"


def with_jvm_checks(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items with a "JVM output" item after the last item of each notebook."""
    result: list[pytest.Item] = []
    for index, item in enumerate(items):
        result.append(item)
        notebook = item.parent if isinstance(item.parent, IPyNbFile) else None
        following = items[index + 1] if index + 1 < len(items) else None
        if notebook is not None and (following is None or following.parent is not notebook):
            result.append(JvmOutputItem.from_parent(notebook, name=ITEM_NAME))
    return result


@pytest.hookimpl(hookwrapper=True)
def pytest_collection_modifyitems(session, config, items):
    """After every other plugin ordered the items (the second run included), add the checks."""
    yield
    if os.environ.get(JVM_OUTPUT_DIR) and any(isinstance(i.parent, IPyNbFile) for i in items):
        items[:] = with_jvm_checks(items)
