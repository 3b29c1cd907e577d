"""Scratch folders: one per kernel, for Spark's temporary files, checkpoints and file drops."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
import time
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


PROCESSES = ".processes"  # in a scratch root: one file per server the kernel started


def register_process(pid: int, marker: str) -> Path:
    """Note a server this kernel started (a Kafka broker), so that if the kernel is killed
    before it can stop it, the next kernel does: the file holds a word of its command line."""
    folder = scratch_root() / PROCESSES
    folder.mkdir(exist_ok=True)
    note = folder / str(pid)
    note.write_text(marker, encoding="utf-8")
    return note


def forget_process(pid: int) -> None:
    """The server noted by `register_process` has stopped: nothing left for the next kernel."""
    (scratch_root() / PROCESSES / str(pid)).unlink(missing_ok=True)


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def stop_orphans(root: Path) -> list[int]:
    """Stop the servers noted in a dead kernel's scratch root; return their process ids.

    Only a process whose command line still holds the noted word is stopped (a process id can
    be reused). SIGTERM first, as Kafka's own stop script does, then SIGKILL after 10 s.
    """
    stopped = []
    for note in sorted((root / PROCESSES).glob("*")):
        pid = int(note.name) if note.name.isdigit() else None
        if pid and _is_running(pid) and note.read_text(encoding="utf-8") in _command_line(pid):
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):
                if not _is_running(pid) or _is_zombie(pid):
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, signal.SIGKILL)
            stopped.append(pid)
    return stopped


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def remove_stale_scratch(folder: Path | None = None) -> list[Path]:
    """Delete the scratch folders of kernels that no longer run; return what was deleted.

    A kernel removes its own folder when it exits, but a kernel that is killed (as Jupyter and
    nbval do when they shut one down at once) cannot; the next kernel cleans up after it, and
    first stops the servers that kernel left running (`register_process`).
    """
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for path in folder.glob(f"{SCRATCH_PREFIX}*"):
        pid = path.name[len(SCRATCH_PREFIX) :]
        if path.is_dir() and pid.isdigit() and not _is_running(int(pid)):
            stop_orphans(path)
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
