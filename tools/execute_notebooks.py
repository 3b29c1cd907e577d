"""Execute notebooks in place from a fresh kernel and store their outputs, as nbval expects.

Usage: python -m tools.execute_notebooks chapters labs/01-word-count.ipynb ...
Cells run in the notebook's own folder; per-cell timestamps are not recorded, so a re-run only
changes what really changed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def notebooks(args: list[str]) -> list[Path]:
    """Every .ipynb named, or found under a named folder, in sorted order."""
    found: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        else:
            found.append(path)
    return found


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook top to bottom and write it back; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    if not _has_widget_output(nb):
        nb.metadata.pop("widgets", None)  # no widget left on screen: no state worth storing
    nbformat.write(nb, path)
    return elapsed


def _has_widget_output(nb: nbformat.NotebookNode) -> bool:
    return any(
        "application/vnd.jupyter.widget-view+json" in out.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    )


def main(args: list[str]) -> int:
    for path in notebooks(args or ["chapters", "labs"]):
        print(f"executing {path} ...", flush=True)
        print(f"  done in {execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
