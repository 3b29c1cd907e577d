"""Deterministic input for streams: replayed batches for DStreams, a file-drop folder for files.

Real sources (sockets, Kafka) deliver whatever arrived during a batch interval, so the counts
would change run to run. The labs replay fixed batches instead, one batch per interval, so every
run produces the same output and the book can check it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

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
