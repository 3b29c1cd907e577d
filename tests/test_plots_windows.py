"""The window figure draws one bar per window the model emits, with readable labels (no Spark)."""

from __future__ import annotations

import matplotlib.patches as mpatches
import pytest

from streamlab.plots.windows import describe_counts, window_table, window_timeline
from streamlab.simulate.windows import WindowSetupError, window_outputs

BATCHES = [["a", "b", "a"], ["b"], [], ["c", "a"], ["a"], [], [], ["b", "b", "d"]]


def solid_bars(fig, row):
    """Filled rectangles drawn on one row (y centre) of the figure's axes."""
    ax = fig.axes[0]
    return [
        p
        for p in ax.patches
        if isinstance(p, mpatches.Rectangle)
        and p.get_fill()
        and abs(p.get_y() + p.get_height() / 2 - row) < 1e-9
    ]


@pytest.mark.parametrize(
    ("batch", "window", "slide", "n"), [(0.5, 1.5, 1.0, 12), (1, 3, 1, 8), (1, 2, 3, 8)]
)
def test_one_bar_per_emitted_window_spanning_its_batches(batch, window, slide, n):
    fig = window_timeline(batch, window, slide, n_batches=n)
    outputs = window_outputs(n, batch, window, slide)
    assert len(solid_bars(fig, 0)) == n  # the batch row: one cell per batch
    for row, (_, covered) in enumerate(outputs, start=1):
        (bar,) = solid_bars(fig, row)
        assert bar.get_x() == pytest.approx((covered[0] - 1) * batch)
        assert bar.get_width() == pytest.approx(len(covered) * batch)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["batches"] + [f"window @ batch {k}" for k, _ in outputs]


def test_axes_are_labelled_with_units_and_the_background_is_white():
    fig = window_timeline(1, 3, 2, batches=BATCHES)
    ax = fig.axes[0]
    assert "(s)" in ax.get_xlabel()
    assert "Window 3 s (3 batches) sliding by 2 s (2 batches)" in ax.get_title()
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_window_labels_carry_the_model_counts():
    fig = window_timeline(1, 2, 1, batches=BATCHES, n_batches=8)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "4 words: a 2, b 2" in texts  # batch 2: batches 1-2
    assert "empty" in texts  # batch 7: batches 6-7 hold nothing
    assert "1\n(3)" in texts  # batch 1 holds three words


def test_inverse_windows_list_the_keys_kept_at_zero():
    fig = window_timeline(1, 5, 1, batches=BATCHES, n_batches=10, inverse=True)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("kept at 0: c" in t for t in texts)
    filtered = window_timeline(
        1, 5, 1, batches=BATCHES, n_batches=10, inverse=True, drop_zeros=True
    )
    assert not any("kept at 0" in t.get_text() for t in filtered.axes[0].texts)


def test_describe_counts():
    assert describe_counts({}) == "empty"
    assert describe_counts({"a": 1}) == "1 word: a 1"
    assert describe_counts({"b": 2, "a": 2, "c": 1, "d": 1}) == "6 words: a 2, b 2, c 1, +1 more"
    assert describe_counts({"a": 0, "b": 3}) == "3 words: b 3; kept at 0: a"


def test_window_table_rows_match_the_model():
    table = window_table(BATCHES, 1, 3, 2, n_batches=8)
    assert list(table["emitted at batch"]) == [2, 4, 6, 8]
    assert list(table["covers batches"]) == ["1–2", "2–4", "4–6", "6–8"]
    assert list(table["words"]) == [4, 3, 3, 3]


def test_a_refused_window_raises_the_plain_message():
    with pytest.raises(WindowSetupError, match="multiple of the batch interval"):
        window_timeline(1, 2.5, 1)
