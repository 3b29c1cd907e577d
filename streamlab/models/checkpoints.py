"""Stopping and resuming a checkpointed Structured Streaming query: which micro-batches run when.

A query writes, for micro-batch n, first its offsets (`offsets/n`: what the batch will read),
then the batch's output and state (`state/.../n+1.delta`), and last the commit (`commits/n`).
On restart Spark reads the last offsets and the last commit: a batch with offsets but no commit
is run again with exactly the same offsets; the next batches read what is new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import SetupError


class ResumeSetupError(SetupError):
    """A stop point that cannot happen; the message says why."""


@dataclass(frozen=True)
class BatchExecution:
    """One execution of a micro-batch: its id, which run executed it, and whether it is a replay."""

    batch_id: int
    run: int  # 1 for the first run, 2 for the run resumed from the checkpoint
    replayed: bool  # run 2 re-executing a batch whose commit run 1 never wrote
    completed: bool = True  # False: run 1 stopped (crashed) inside this batch


@dataclass(frozen=True)
class CheckpointAtStop:
    """What the checkpoint folder holds when the first run stops."""

    last_offsets: int | None  # highest n with offsets/n, None if no batch was planned
    last_commit: int | None  # highest n with commits/n
    state_version: int  # versions of the state store written (batch n writes version n + 1)


def _check(n_batches: int, stop_after: int, crashed: bool) -> None:
    if n_batches < 1:
        raise ResumeSetupError("The stream needs at least one micro-batch.")
    if not 0 <= stop_after <= n_batches:
        raise ResumeSetupError(
            f"The first run can complete between 0 and {n_batches} micro-batches "
            f"(got {stop_after})."
        )
    if crashed and stop_after == n_batches:
        raise ResumeSetupError(
            "A crash needs a micro-batch in progress: after the last batch there is none. "
            "Stop earlier, or choose a clean stop."
        )


def checkpoint_at_stop(n_batches: int, stop_after: int, crashed: bool) -> CheckpointAtStop:
    """The checkpoint after `stop_after` committed batches, plus a half-done one if `crashed`.

    A crash here means: the offsets of batch `stop_after` were written, its commit was not.
    """
    _check(n_batches, stop_after, crashed)
    last_commit = stop_after - 1 if stop_after else None
    last_offsets = stop_after if crashed else last_commit
    return CheckpointAtStop(last_offsets, last_commit, stop_after)


def resume_plan(n_batches: int, stop_after: int, crashed: bool = False) -> list[BatchExecution]:
    """Every micro-batch execution of a first run and of the run resumed from its checkpoint.

    Batch ids continue across the restart; a batch the crash interrupted runs again (same id,
    same offsets), so each input file is counted exactly once in the final state.
    """
    _check(n_batches, stop_after, crashed)
    plan = [BatchExecution(b, 1, False) for b in range(stop_after)]
    if crashed:  # started in run 1, its output may be written, but never committed
        plan.append(BatchExecution(stop_after, 1, False, completed=False))
    for b in range(stop_after, n_batches):
        plan.append(BatchExecution(b, 2, crashed and b == stop_after))
    return plan


def running_counts(batches: Sequence[Sequence[str]]) -> list[Counter]:
    """Word counts after each micro-batch (one batch per file), as a complete-mode query has."""
    total: Counter = Counter()
    after: list[Counter] = []
    for lines in batches:
        total.update(word for line in lines for word in line.split())
        after.append(Counter(total))
    return after
