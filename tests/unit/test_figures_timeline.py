"""The figures of the first chapters: they draw, label their axes and refuse bad settings."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from streamlab.figures.architecture import architecture_diagram
from streamlab.figures.timeline import batch_timeline, delay_per_batch, queue_chart
from streamlab.models.batches import queue_batches


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_architecture_names_every_part():
    fig = architecture_diagram()
    words = " ".join(texts(fig))
    for part in (
        "receiver",
        "JobGenerator",
        "ReceiverTracker",
        "JobScheduler",
        "executor 1",
        "driver",
        "source",
        "output",
        "blocks",
    ):
        assert part in words, part
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_batch_timeline_prints_the_count_of_each_batch():
    fig = batch_timeline([0.1, 0.2, 1.5, 2.9], 1.0, 3.0)
    assert texts(fig) == ["2", "1", "1"]
    assert "4 events" in fig.axes[0].get_title()
    assert fig.axes[0].get_xlabel()


@pytest.mark.parametrize(("batch", "message"), [(0, "more than 0"), (0.0005, "milliseconds")])
def test_batch_timeline_refuses_what_spark_refuses(batch, message):
    with pytest.raises(ValueError, match=message):
        batch_timeline([0.1], batch, 3.0)


def test_batch_timeline_refuses_too_many_batches():
    with pytest.raises(ValueError, match="too many"):
        batch_timeline([0.1], 0.01, 10.0)


def test_queue_chart_has_one_row_per_batch():
    fig = queue_chart(queue_batches(0.5, [0.7] * 4), 0.5)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "batch"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "3", "4"]


def test_delay_per_batch_draws_one_line_per_setting():
    fig = delay_per_batch({"a": [0, 0.1], "b": [0, 0, 0]})
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    assert ax.get_ylabel() == "scheduling delay (s)"
