"""A committing Python streaming sink, format "json_batches": a JSON-lines file per micro-batch."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from pyspark.sql import Row
from pyspark.sql.datasource import DataSource, DataSourceStreamWriter, WriterCommitMessage
from pyspark.sql.types import StructType

JSON_BATCHES_FORMAT = "json_batches"  # writeStream.format("json_batches")


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


def read_json_batches(folder: str | Path) -> dict[int, list[dict]]:
    """The committed micro-batches of a json_batches sink: {batch id: its rows}."""
    batches = {}
    for path in sorted(Path(folder).glob("batch-*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        batches[int(path.stem.split("-")[1])] = [json.loads(line) for line in lines]
    return batches
