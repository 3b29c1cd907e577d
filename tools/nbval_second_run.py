"""A pytest plugin: nbval runs every notebook twice in one kernel and checks both runs.

nbval checks a run from a fresh kernel. A learner often runs a notebook again, or re-runs its
cells, without restarting: that must not fail ("Only one SparkContext", "cannot restart a stopped
StreamingContext", a checkpoint left behind) and must not change what the cells print. So after
a notebook's last cell, this plugin queues every code cell a second time, in the same kernel,
with nbval's own output comparison (named "Cell N, run 2" in pytest's report).

One kernel and one Spark serve both runs, so the check costs one execution of each notebook,
not two more. Loaded with ``-p tools.nbval_second_run`` (see the Makefile's ``notebooks``).
"""

from __future__ import annotations

import copy

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile


def second_run(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items with each notebook's cells repeated right after its own cells."""
    result: list[pytest.Item] = []
    for index, item in enumerate(items):
        result.append(item)
        following = items[index + 1] if index + 1 < len(items) else None
        notebook = item.parent if isinstance(item, IPyNbCell) else None
        if notebook is None or (following is not None and following.parent is notebook):
            continue
        for cell_item in [i for i in items if i.parent is notebook]:
            result.append(
                IPyNbCell.from_parent(
                    notebook,
                    name=f"{cell_item.name}, run 2",
                    cell_num=cell_item.cell_num,
                    # a copy: nbval's coalesce_streams merges a cell's stored outputs in place
                    cell=copy.deepcopy(cell_item.cell),
                    options=cell_item.options,
                )
            )
    return result


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Repeat the cells of every notebook that nbval collected, in the same kernel."""
    if any(isinstance(item.parent, IPyNbFile) for item in items):
        items[:] = second_run(items)
