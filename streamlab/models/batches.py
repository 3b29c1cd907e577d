"""Micro-batches: which batch an event falls into, and how a queue of batches builds up."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import SetupError


def batch_of(arrival_s: float, batch_s: float) -> int:
    """The batch (1-based) that collects an event arriving at `arrival_s` seconds after the start.

    Batch k collects arrivals in the interval [(k-1)·batch, k·batch) and becomes ready at k·batch.
    """
    if batch_s <= 0:
        raise SetupError("The batch interval must be more than 0 seconds.")
    return math.floor(arrival_s / batch_s + 1e-9) + 1


def group_into_batches(arrivals_s: Sequence[float], batch_s: float) -> dict[int, list[int]]:
    """Map each batch number to the indexes of the events it collects (empty batches included)."""
    if not arrivals_s:
        return {}
    last = max(batch_of(t, batch_s) for t in arrivals_s)
    groups: dict[int, list[int]] = {k: [] for k in range(1, last + 1)}
    for index, t in enumerate(arrivals_s):
        groups[batch_of(t, batch_s)].append(index)
    return groups


@dataclass(frozen=True)
class QueuedBatch:
    """One batch in the queue: when it was ready, when it started and ended (seconds)."""

    batch: int
    ready_s: float
    start_s: float
    end_s: float

    @property
    def scheduling_delay_s(self) -> float:
        """Time the batch waited in the queue for the previous batches to finish."""
        return self.start_s - self.ready_s

    @property
    def processing_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def total_delay_s(self) -> float:
        return self.end_s - self.ready_s


def queue_batches(batch_s: float, processing_s: Sequence[float]) -> list[QueuedBatch]:
    """Run batches one after another, as Spark Streaming does (one job set at a time).

    Batch k is ready at k·batch_s and starts when it is ready and the previous batch is done.
    If processing takes longer than the batch interval, each batch waits longer than the last:
    the scheduling delay grows without bound and the stream falls further and further behind.
    """
    runs: list[QueuedBatch] = []
    previous_end = 0.0
    for k, cost in enumerate(processing_s, start=1):
        ready = k * batch_s
        start = max(ready, previous_end)
        runs.append(QueuedBatch(k, ready, start, start + cost))
        previous_end = start + cost
    return runs


def processing_times(
    batch_s: float, rate_per_s: float, cost_per_record_s: float, overhead_s: float, batches: int
) -> list[float]:
    """Processing time of each batch: a fixed overhead plus a cost per record received."""
    records = rate_per_s * batch_s
    return [overhead_s + records * cost_per_record_s] * batches


def is_stable(
    batch_s: float, rate_per_s: float, cost_per_record_s: float, overhead_s: float
) -> bool:
    """The stability condition: a batch is processed in less than one batch interval."""
    return overhead_s + rate_per_s * batch_s * cost_per_record_s < batch_s


def random_arrivals(rate_per_s: float, duration_s: float, seed: int = 1) -> list[float]:
    """Arrival times (s) of a seeded random stream: `rate_per_s` events a second on average.

    The gaps are exponential (a Poisson process), so some batches get more events than others,
    as with real traffic; the same seed always gives the same times, rounded to the millisecond.
    """
    if rate_per_s <= 0:
        raise SetupError("The input rate must be more than 0 events a second.")
    rng = random.Random(seed)
    times: list[float] = []
    t = rng.expovariate(rate_per_s)
    while t < duration_s:
        times.append(round(t, 3))
        t += rng.expovariate(rate_per_s)
    return times
