"""Deterministic input for streams: replayed batches for DStreams, a file-drop folder for files,
and a Python streaming data source (format "replay") with a committing sink (format "json_batches").

Real sources (sockets, Kafka) deliver whatever arrived during a batch interval, so the counts
would change run to run. The labs replay fixed batches instead, one batch per interval, so every
run produces the same output and the book can check it.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from pyspark.sql import Row, SparkSession
from pyspark.sql.datasource import (
    DataSource,
    DataSourceStreamReader,
    DataSourceStreamWriter,
    InputPartition,
    WriterCommitMessage,
)
from pyspark.sql.streaming.datasource import (
    ReadLimit,
    ReadMaxFiles,
    ReadMaxRows,
    SupportsTriggerAvailableNow,
)
from pyspark.sql.types import StructType
from pyspark.streaming import DStream, StreamingContext


def _tick(rdd: object) -> None:
    """An output operation that computes nothing: it makes every batch interval run a job."""


# Partitions of each replayed batch: two, as a small receiver would cut them, so that the
# chapters can show partitions; unit tests use one where partitioning is not their subject.
REPLAY_PARTITIONS = 2


def replay(
    ssc: StreamingContext, batches: Sequence[Sequence[str]], partitions: int | None = None
) -> DStream:
    """A DStream that delivers `batches[0]` in the first batch interval, `batches[1]` next, ...

    Built on `queueStream(..., oneAtATime=True)`: one RDD per batch (`partitions` partitions,
    REPLAY_PARTITIONS by default), empty batches afterwards. The stream also carries a no-op
    output, so Spark reports every batch, even when the lab's own outputs fire only every few
    batches (a window sliding by two batches, say); that is how `capture` numbers batches 1, 2,
    3, ... without gaps.
    """
    sc = ssc.sparkContext
    slices = partitions or REPLAY_PARTITIONS
    rdds = [sc.parallelize(list(batch), slices) for batch in batches]
    # After the last batch, every batch is empty (one empty partition, like a quiet source).
    stream = ssc.queueStream(rdds, oneAtATime=True, default=sc.parallelize([], 1))
    stream.foreachRDD(_tick)
    return stream


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


# ---------------------------------------------------------------------------------------------
# A Python streaming data source that replays a folder of the book's files (chapter 15)
# ---------------------------------------------------------------------------------------------

REPLAY_FORMAT = "replay"  # spark.readStream.format("replay"), once `register_replay` has run
REPLAY_SCHEMA = "file_index INT, file STRING, line INT, value STRING"
JSON_BATCHES_FORMAT = "json_batches"  # writeStream.format("json_batches"), the sink below


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


class JsonBatchCommit(WriterCommitMessage):
    """What one task of a micro-batch wrote: its staging file and its number of rows."""

    def __init__(self, staged: str, rows: int):
        self.staged = staged
        self.rows = rows


class JsonBatchWriter(DataSourceStreamWriter):
    """One JSON-lines file per micro-batch, batch-00000.jsonl, ..., committed by a rename.

    Each task writes its rows to a staging file under `_staging/` (`write`, on an executor).
    When every task has succeeded, `commit(messages, batchId)` (on the driver) joins their
    files into a hidden file and renames it to the batch's name: a reader sees the whole
    micro-batch or nothing. If the file is already there, the micro-batch was committed before
    a restart and Spark is replaying it: commit keeps the first and writes nothing, so each
    batch id is written exactly once. `abort` deletes the staging files of a failed batch.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def write(self, iterator: Iterator[Row]) -> JsonBatchCommit:
        staging = Path(self.folder) / "_staging"
        staging.mkdir(parents=True, exist_ok=True)
        staged = staging / f"{uuid.uuid4().hex}.jsonl"
        rows = 0
        with staged.open("w", encoding="utf-8") as out:
            for row in iterator:
                out.write(json.dumps(row.asDict(recursive=True), default=str) + "\n")
                rows += 1
        return JsonBatchCommit(str(staged), rows)

    def commit(self, messages: list[JsonBatchCommit | None], batchId: int) -> None:
        target = Path(self.folder) / f"batch-{batchId:05d}.jsonl"
        staged = [Path(m.staged) for m in messages if m is not None]
        if not target.exists():
            hidden = target.with_name(f".{target.name}.tmp")
            with hidden.open("w", encoding="utf-8") as out:
                for path in staged:
                    out.write(path.read_text(encoding="utf-8"))
            os.replace(hidden, target)
        for path in staged:
            path.unlink(missing_ok=True)

    def abort(self, messages: list[JsonBatchCommit | None], batchId: int) -> None:
        for message in messages:
            if message is not None:
                Path(message.staged).unlink(missing_ok=True)


class JsonBatchesDataSource(DataSource):
    """writeStream.format("json_batches").option("path", folder): see `JsonBatchWriter`."""

    @classmethod
    def name(cls) -> str:
        return JSON_BATCHES_FORMAT

    def streamWriter(self, schema: StructType, overwrite: bool) -> JsonBatchWriter:
        if "path" not in self.options:
            raise ValueError('the json_batches sink needs .option("path", folder)')
        Path(self.options["path"]).mkdir(parents=True, exist_ok=True)
        return JsonBatchWriter(self.options["path"])


def register_replay(spark: SparkSession) -> None:
    """Register format("replay") and format("json_batches") with this SparkSession."""
    spark.dataSource.register(ReplayDataSource)
    spark.dataSource.register(JsonBatchesDataSource)


def read_json_batches(folder: str | Path) -> dict[int, list[dict]]:
    """The committed micro-batches of a json_batches sink: {batch id: its rows}."""
    batches = {}
    for path in sorted(Path(folder).glob("batch-*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        batches[int(path.stem.split("-")[1])] = [json.loads(line) for line in lines]
    return batches
