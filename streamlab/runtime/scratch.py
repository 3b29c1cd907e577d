"""Scratch folders: one per kernel, for Spark's temporary files, checkpoints and file drops."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

SCRATCH_PREFIX = "streamlab-"  # + the kernel's process id


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale_scratch(folder: Path | None = None) -> list[Path]:
    """Delete the scratch folders of kernels that no longer run; return what was deleted.

    A kernel removes its own folder when it exits, but a kernel that is killed (as Jupyter and
    nbval do when they shut one down at once) cannot; the next kernel cleans up after it.
    """
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for path in folder.glob(f"{SCRATCH_PREFIX}*"):
        pid = path.name[len(SCRATCH_PREFIX) :]
        if path.is_dir() and pid.isdigit() and not _is_running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def scratch_root() -> Path:
    """A per-kernel folder for Spark's temporary files, checkpoints and file-drop sources.

    It is deleted when the kernel exits, and left-overs of killed kernels at the next start.
    """
    root = os.environ.get("STREAMLAB_SCRATCH")
    if root is None:
        remove_stale_scratch()
        root = str(Path(tempfile.gettempdir()) / f"{SCRATCH_PREFIX}{os.getpid()}")
        os.environ["STREAMLAB_SCRATCH"] = root
        atexit.register(shutil.rmtree, root, True)
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def scratch_dir(name: str) -> Path:
    """An empty folder called `name` under the scratch root, emptied again on every call.

    Checkpoints and drop directories live here, so running a cell twice starts from nothing.
    """
    path = scratch_root() / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
