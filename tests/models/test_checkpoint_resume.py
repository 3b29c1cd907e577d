"""Stop a checkpointed Structured Streaming word count and resume it: nothing lost, nothing twice.

The query is Lab 1's `count_words_df` (streamlab.lessons), reading a file-drop folder, one file
per micro-batch; it keeps its counts in the state store under its checkpoint location. Files
arrive in groups; after each group the query stops (`availableNow` ends it) and a fresh query
resumes from the same checkpoint. Its final counts must equal one uninterrupted run and plain
Python, and the micro-batch ids each run executes must be those the model
(streamlab.models.checkpoints) predicts, with and without a crash.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from streamlab import FileDrop, MicroBatchTable
from streamlab.data import read_word_batches
from streamlab.lessons.word_count import count_words_df
from streamlab.models.checkpoints import (
    checkpoint_at_stop,
    resume_plan,
    running_counts,
)

BATCHES = read_word_batches()  # 8 files of 40 lines


def run_until_caught_up(spark, folder: str, checkpoint: Path) -> MicroBatchTable:
    """One query from `checkpoint`: every file not yet read, then it stops by itself."""
    table = MicroBatchTable()
    query = (
        count_words_df(spark.readStream.option("maxFilesPerTrigger", 1).text(folder))
        .writeStream.outputMode("complete")
        .foreachBatch(table.add)
        .option("checkpointLocation", str(checkpoint))
        .trigger(availableNow=True)
        .start()
    )
    try:
        assert query.awaitTermination(120), "the query did not finish in 120 s"
    finally:
        query.stop()
    assert query.exception() is None
    return table


def final_counts(table: MicroBatchTable) -> dict[str, int]:
    frame = table.frame()
    last = frame[frame["batch_id"] == frame["batch_id"].max()]
    return dict(zip(last["word"], last["count"].astype(int), strict=True))


def batch_ids(table: MicroBatchTable) -> list[int]:
    return [int(part["batch_id"].iloc[0]) for part in table.parts]


EXPECTED = dict(Counter(w for lines in BATCHES for line in lines for w in line.split()))


@pytest.fixture(scope="module")
def uninterrupted(spark, tmp_path_factory) -> MicroBatchTable:
    """One run over all eight files, never stopped (shared by the tests of this module)."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    drop = FileDrop(folder / "files")
    drop.drop_all(BATCHES)
    return run_until_caught_up(spark, drop.path, folder / "ck")


def test_uninterrupted_run_counts_every_word_once(uninterrupted):
    assert batch_ids(uninterrupted) == list(range(len(BATCHES)))
    assert final_counts(uninterrupted) == EXPECTED
    # complete mode: after micro-batch n the table holds the counts of files 1..n+1
    frame = uninterrupted.frame()
    for batch_id, counts in enumerate(running_counts(BATCHES)):
        part = frame[frame["batch_id"] == batch_id]
        assert dict(zip(part["word"], part["count"], strict=True)) == counts


@pytest.mark.parametrize("stops", [(2, 4, 6), (1, 5, 7), (3,)])
def test_stop_and_resume_equals_one_run(spark, tmp_path, uninterrupted, stops):
    """Stopped after each number of files in `stops`, resumed each time from the checkpoint."""
    drop = FileDrop(tmp_path / "files")
    checkpoint = tmp_path / "ck"
    seen: list[int] = []
    for stop in (*stops, len(BATCHES)):
        drop.drop_all(BATCHES[len(drop.files) : stop])
        table = run_until_caught_up(spark, drop.path, checkpoint)
        ids = batch_ids(table)
        # batch ids continue from the checkpoint: one new micro-batch per new file
        assert ids == list(range(len(seen), stop)), (stops, stop, ids)
        seen.extend(ids)
        # the counts continue rather than restart: they are those of files 1..stop
        assert final_counts(table) == running_counts(BATCHES)[stop - 1]
    assert seen == list(range(len(BATCHES)))  # nothing skipped, nothing run twice
    assert final_counts(table) == final_counts(uninterrupted) == EXPECTED
    # the model's plan for a clean stop: batches of the last run are the new ones
    plan = resume_plan(len(BATCHES), stops[-1])
    assert [b.batch_id for b in plan if b.run == 2] == batch_ids(table)


def forget_last_commit(checkpoint: Path) -> int:
    """Make the checkpoint look as if the query died after a batch's offsets, before its commit."""
    commits = checkpoint / "commits"
    last = max(int(p.name) for p in commits.iterdir() if p.name.isdigit())
    (commits / str(last)).unlink()
    (commits / f".{last}.crc").unlink(missing_ok=True)  # Hadoop's checksum of that file
    return last


@pytest.mark.parametrize("stop_after", [2, 5])
def test_crash_before_commit_replays_that_batch_once(spark, tmp_path, stop_after):
    """A batch with offsets but no commit runs again with the same files; counts stay exact."""
    drop = FileDrop(tmp_path / "files")
    checkpoint = tmp_path / "ck"
    drop.drop_all(BATCHES[: stop_after + 1])
    first = run_until_caught_up(spark, drop.path, checkpoint)
    assert forget_last_commit(checkpoint) == stop_after
    held = checkpoint_at_stop(len(BATCHES), stop_after, crashed=True)
    assert held.last_commit == max(
        int(p.name) for p in (checkpoint / "commits").iterdir() if p.name.isdigit()
    )
    assert held.last_offsets == max(
        int(p.name) for p in (checkpoint / "offsets").iterdir() if p.name.isdigit()
    )

    drop.drop_all(BATCHES[stop_after + 1 :])
    second = run_until_caught_up(spark, drop.path, checkpoint)

    plan = resume_plan(len(BATCHES), stop_after, crashed=True)
    assert batch_ids(first) == [b.batch_id for b in plan if b.run == 1]
    assert batch_ids(second) == [b.batch_id for b in plan if b.run == 2]
    assert [b.batch_id for b in plan if b.replayed] == [stop_after]
    # the replayed batch read the same file again and gave the same counts as the first time
    replay_part = second.parts[0].drop(columns="batch_id")
    first_part = first.parts[-1].drop(columns="batch_id")
    assert dict(zip(replay_part["word"], replay_part["count"], strict=True)) == dict(
        zip(first_part["word"], first_part["count"], strict=True)
    )
    assert final_counts(second) == EXPECTED


def test_model_rejects_impossible_stops():
    from streamlab.models.checkpoints import ResumeSetupError

    with pytest.raises(ResumeSetupError, match="between 0 and 8"):
        resume_plan(8, 9)
    with pytest.raises(ResumeSetupError, match="no"):
        resume_plan(8, 8, crashed=True)
    assert checkpoint_at_stop(8, 0, crashed=False).last_commit is None
