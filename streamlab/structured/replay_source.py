"""A Python streaming data source, format "replay", that replays a folder of the book's files.

Chapter 15 reads it: `register_sources(spark)`, then `spark.readStream.format("replay")`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pyspark.sql.datasource import DataSource, DataSourceStreamReader, InputPartition
from pyspark.sql.streaming.datasource import (
    ReadLimit,
    ReadMaxFiles,
    ReadMaxRows,
    SupportsTriggerAvailableNow,
)
from pyspark.sql.types import StructType

REPLAY_FORMAT = "replay"  # spark.readStream.format("replay"), once `register_sources` has run
REPLAY_SCHEMA = "file_index INT, file STRING, line INT, value STRING"


def replay_files(folder: str | Path) -> list[str]:
    """The names of the files a replay reads from `folder`: visible files, in name order."""
    return sorted(
        entry.name
        for entry in os.scandir(folder)
        if entry.is_file() and not entry.name.startswith((".", "_"))
    )


def replay_lines(path: str | Path) -> list[str]:
    """The lines of one file, without their line ends; a last line without one still counts."""
    text = Path(path).read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the end of the last line, not an empty line
    return lines


class ReplayPartition(InputPartition):
    """The lines of one micro-batch: (path, file_index, first_line, end_line) per file touched.

    One partition, so one Spark task and one Python worker, per micro-batch: the book's files
    are small, and every further worker would cost tens of MiB for nothing.
    """

    def __init__(self, slices: list[tuple[str, int, int, int]]):
        self.slices = slices


class ReplayStreamReader(DataSourceStreamReader, SupportsTriggerAvailableNow):
    """Offsets {"file": i, "line": j}: every line before line j of file i has been read.

    Files are taken in name order; a new file must sort after the ones already there (as
    batch-0001.txt, batch-0002.txt, ... do). By default a micro-batch reads one file; with
    `max_rows` it reads at most that many lines, across file ends if needed. The offsets say
    exactly which lines a micro-batch holds, so Spark can replay a micro-batch after a restart
    from its checkpoint and read the very same lines.
    """

    def __init__(self, folder: str, max_rows: int | None = None, max_files: int = 1):
        self.folder = folder
        self.max_rows = max_rows
        self.max_files = max_files
        self._line_counts: dict[str, int] = {}
        self._target: dict | None = None  # the end of the data, for trigger(availableNow=True)

    def _line_count(self, name: str) -> int:
        if name not in self._line_counts:
            self._line_counts[name] = len(replay_lines(Path(self.folder) / name))
        return self._line_counts[name]

    def _end(self) -> dict:
        return {"file": len(replay_files(self.folder)), "line": 0}

    def initialOffset(self) -> dict:
        return {"file": 0, "line": 0}

    def getDefaultReadLimit(self) -> ReadLimit:
        if self.max_rows is not None:
            return ReadMaxRows(self.max_rows)
        return ReadMaxFiles(self.max_files)

    def prepareForTriggerAvailableNow(self) -> None:
        self._target = self._end()

    def reportLatestOffset(self) -> dict:
        return self._end()

    def latestOffset(self, start: dict, limit: ReadLimit) -> dict:
        names = replay_files(self.folder)
        last = self._target["file"] if self._target else len(names)
        file, line = start["file"], start["line"]
        if isinstance(limit, ReadMaxFiles):
            # Whole files: finish the file begun, then more files up to the limit.
            return {"file": min(file + limit.max_files, last), "line": 0}
        if isinstance(limit, ReadMaxRows):
            budget = limit.max_rows
            while file < last and budget > 0:
                take = min(budget, self._line_count(names[file]) - line)
                budget -= take
                line += take
                if line >= self._line_count(names[file]):
                    file, line = file + 1, 0
            return {"file": file, "line": line}
        return {"file": last, "line": 0}  # ReadAllAvailable

    def partitions(self, start: dict, end: dict) -> list[ReplayPartition]:
        names = replay_files(self.folder)
        slices = []
        for index in range(start["file"], min(end["file"] + 1, len(names))):
            first = start["line"] if index == start["file"] else 0
            stop = end["line"] if index == end["file"] else self._line_count(names[index])
            if stop > first:
                slices.append((str(Path(self.folder) / names[index]), index, first, stop))
        return [ReplayPartition(slices)] if slices else []

    def read(self, partition: ReplayPartition) -> Iterator[tuple]:
        for path, file_index, first, stop in partition.slices:
            name = Path(path).name
            lines = replay_lines(path)
            for number in range(first, stop):
                yield (file_index, name, number + 1, lines[number])

    def commit(self, end: dict) -> None:
        """Spark has finished every line before `end`: nothing to free for files on disk."""


class ReplayDataSource(DataSource):
    """format("replay"): the lines of a folder's files, replayed in name order with offsets.

    Options: `path` (the folder, required); `maxFilesPerTrigger` (files per micro-batch, 1 by
    default) or `maxRowsPerTrigger` (at most N lines per micro-batch). Columns: `file_index`
    (the file's place in name order, from 0), `file` (its name), `line` (from 1), `value`.
    """

    @classmethod
    def name(cls) -> str:
        return REPLAY_FORMAT

    def schema(self) -> str:
        return REPLAY_SCHEMA

    def streamReader(self, schema: StructType) -> ReplayStreamReader:
        if "path" not in self.options:
            raise ValueError('the replay source needs .option("path", folder) or .load(folder)')
        max_rows = self.options.get("maxRowsPerTrigger")
        return ReplayStreamReader(
            self.options["path"],
            max_rows=int(max_rows) if max_rows is not None else None,
            max_files=int(self.options.get("maxFilesPerTrigger", 1)),
        )
