"""The DStream grid: one RDD box per stage and batch, a job per batch, a batch opened on demand."""

from __future__ import annotations

import pytest

from streamlab.figures.dstream import dstream_grid

STAGES = ["lines", "words"]
OPERATIONS = ["flatMap(str.split)"]


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_one_rdd_per_stage_and_batch_and_one_job_per_batch():
    fig = dstream_grid(STAGES, OPERATIONS, n_batches=3, batch_s=0.5)
    words = texts(fig)
    assert words.count("RDD") == 6
    assert [w for w in words if w.startswith("job")] == ["job 1", "job 2", "job 3"]
    assert "batch 3\nt = 1.5 s" in words
    assert "flatMap(str.split)" in words


def test_a_highlighted_batch_lists_its_elements():
    fig = dstream_grid(
        STAGES, OPERATIONS, 3, 1, highlight=2, contents={"lines": ["a b"], "words": ["a", "b"]}
    )
    words = texts(fig)
    assert "inside batch 2" in words
    assert "a b" in words and "a, b" in words


@pytest.mark.parametrize(
    ("operations", "highlight", "message"),
    [
        ([], None, "one transformation"),
        (OPERATIONS, 4, "only batches 1 to 3"),
    ],
)
def test_bad_arguments_are_refused(operations, highlight, message):
    with pytest.raises(ValueError, match=message):
        dstream_grid(STAGES, operations, 3, 1, highlight=highlight)
