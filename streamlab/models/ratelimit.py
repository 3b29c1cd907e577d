"""Rate limits: how much each micro-batch takes from a source, and what waits behind it.

Two pieces:

* `split_by_limit` is what a per-trigger cap does (Structured Streaming's `maxFilesPerTrigger`,
  `maxOffsetsPerTrigger`): each micro-batch takes the oldest waiting items, at most `limit`;
  `split_by_bytes` is the file source's `maxBytesPerTrigger`. tests/models/test_model_ratelimit.py
  checks both against Spark's file source.
* `backlog_run` is an idealised queue, not Spark code: records arrive at some rate, batches come
  every `batch_s` seconds (as in DStreams), each takes at most `limit_per_s * batch_s` records,
  and processing costs a fixed overhead plus a time per record. It shows why a cap keeps batches
  short and moves the backlog out of Spark's queue of late batches into the source, where a
  replayable source (Kafka, files) keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import SetupError
from .batches import queue_batches


def split_by_limit(waiting: int, limit: int | None) -> list[int]:
    """Items per micro-batch when `waiting` items are there at the start and nothing more comes."""
    if limit is not None and limit < 1:
        raise SetupError(f"The limit must be a positive whole number (got {limit}).")
    if waiting <= 0:
        return []
    if limit is None:
        return [waiting]
    return [min(limit, waiting - start) for start in range(0, waiting, limit)]


def split_by_bytes(sizes: Sequence[int], max_bytes: int) -> list[list[int]]:
    """Files (by index, oldest first) per micro-batch under the file source's maxBytesPerTrigger.

    A batch takes files while their total stays within the limit, and always at least one file,
    so a file larger than the limit still gets a batch of its own.
    """
    if max_bytes < 1:
        raise SetupError(f"maxBytesPerTrigger must be a positive number (got {max_bytes}).")
    batches: list[list[int]] = []
    current: list[int] = []
    total = 0
    for index, size in enumerate(sizes):
        if current and total + size > max_bytes:
            batches.append(current)
            current, total = [], 0
        current.append(index)
        total += size
    if current:
        batches.append(current)
    return batches


@dataclass(frozen=True)
class BacklogRun:
    """Per batch: records arriving, taken, left in the source, queued in Spark; delays (s).

    `waiting[k]` is what the cap left in the source when batch k was cut; `queued[k]` is what,
    at that moment, sat in batches cut but not yet started (batch k included) because an
    earlier batch was still running.
    """

    batch_s: float
    arrived: list[float]
    taken: list[float]
    waiting: list[float]
    processing_s: list[float]  # each batch's processing delay
    scheduling_delay_s: list[float]
    queued: list[float]


def backlog_run(
    arrivals_per_s: Sequence[float],
    batch_s: float,
    cost_per_record_s: float,
    overhead_s: float,
    limit_per_s: float | None = None,
) -> BacklogRun:
    """Batch k takes what arrived up to its time, capped at limit_per_s * batch_s records.

    `arrivals_per_s[k]` is the input rate during batch k's interval.
    """
    if batch_s <= 0:
        raise SetupError("The batch interval must be more than 0 seconds.")
    if limit_per_s is not None and limit_per_s <= 0:
        raise SetupError("A rate limit must be more than 0 records per second.")
    waiting = 0.0
    arrived, taken, left, costs = [], [], [], []
    for rate in arrivals_per_s:
        new = rate * batch_s
        waiting += new
        cap = waiting if limit_per_s is None else min(waiting, limit_per_s * batch_s)
        waiting -= cap
        arrived.append(new)
        taken.append(cap)
        left.append(waiting)
        costs.append(overhead_s + cap * cost_per_record_s)
    runs = queue_batches(batch_s, costs)
    queued = [
        sum(taken[j] for j in range(k + 1) if runs[j].start_s > runs[k].ready_s + 1e-9)
        for k in range(len(runs))
    ]
    return BacklogRun(
        batch_s, arrived, taken, left, costs, [r.scheduling_delay_s for r in runs], queued
    )
