"""A folder that a file stream watches, where a lesson drops one new file per batch."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path


class FileDrop:
    """A folder that a file stream watches, where the lab drops one new file per batch.

    Each file is written under a hidden name and renamed into place, so Spark never reads half
    a file (Spark's file sources ignore names starting with '.' or '_').
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: list[Path] = []
        self._last_stamp = 0.0

    @property
    def path(self) -> str:
        """The folder as a string, ready for `readStream.text(...)` or `textFileStream(...)`."""
        return str(self.folder)

    def drop(self, lines: Iterable[str], name: str | None = None) -> Path:
        """Write `lines` as the next file (batch-0001.txt, batch-0002.txt, ...) and return it."""
        name = name or f"batch-{len(self.files) + 1:04d}.txt"
        target = self.folder / name
        hidden = self.folder / f".{name}.tmp"
        hidden.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        # Spark reads new files in order of modification time; files written within the same
        # second would come in any order, so each drop is stamped at least a second later.
        stamp = max(time.time(), self._last_stamp + 1.0)
        os.utime(hidden, (stamp, stamp))
        self._last_stamp = stamp
        os.replace(hidden, target)
        self.files.append(target)
        return target

    def drop_all(self, batches: Iterable[Iterable[str]]) -> list[Path]:
        """Drop one file per batch, in order."""
        return [self.drop(batch) for batch in batches]
