"""A pytest plugin: nbval runs notebooks a second time in the same kernel and checks both runs.

nbval checks a run from a fresh kernel. A learner often runs a notebook again, or re-runs its
cells, without restarting: that must not fail ("Only one SparkContext", "cannot restart a stopped
StreamingContext", a checkpoint left behind) and must not change what the cells print. So after
a notebook's last cell, this plugin queues every code cell a second time, in the same kernel,
with nbval's own output comparison (named "Cell N, run 2" in pytest's report).

`--second-run` says which notebooks: `all` (the default), `none`, or their paths separated by
commas (tools.check_notebooks names those whose inputs are not in the second-run record, see
tools.nbval_changed). Loaded with ``-p tools.nbval_second_run``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile

RUN_2 = ", run 2"  # the suffix of a second run's item names


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--second-run",
        default="all",
        help="notebooks whose cells run a second time in the same kernel: all, none, or paths "
        "separated by commas",
    )


def wanted(spec: str, root: Path):
    """A test of a notebook's path: is it to run a second time?"""
    if spec == "all":
        return lambda path: True
    names = {(root / name).resolve() for name in spec.split(",") if name and spec != "none"}
    return lambda path: Path(path).resolve() in names


def second_run(items: list[pytest.Item], wants=lambda path: True) -> list[pytest.Item]:
    """The items with each wanted notebook's cells repeated right after its own cells."""
    result: list[pytest.Item] = []
    for index, item in enumerate(items):
        result.append(item)
        following = items[index + 1] if index + 1 < len(items) else None
        notebook = item.parent if isinstance(item, IPyNbCell) else None
        if notebook is None or (following is not None and following.parent is notebook):
            continue
        if not wants(notebook.path):
            continue
        for cell_item in [i for i in items if i.parent is notebook]:
            result.append(
                IPyNbCell.from_parent(
                    notebook,
                    name=f"{cell_item.name}{RUN_2}",
                    cell_num=cell_item.cell_num,
                    # a copy: nbval's coalesce_streams merges a cell's stored outputs in place
                    cell=copy.deepcopy(cell_item.cell),
                    options=cell_item.options,
                )
            )
    return result


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Repeat the cells of the wanted notebooks that nbval collected, in the same kernel."""
    if any(isinstance(item.parent, IPyNbFile) for item in items):
        wants = wanted(config.getoption("second_run"), Path(str(config.rootpath)))
        items[:] = second_run(items, wants)
