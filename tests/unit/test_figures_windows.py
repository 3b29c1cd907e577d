"""The window figure draws one bar per window the model emits, with readable labels (no Spark)."""

from __future__ import annotations

import matplotlib.patches as mpatches
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from streamlab.figures.windows import (
    PAGE_WIDTH_IN,
    describe_counts,
    window_heatmap,
    window_table,
    window_timeline,
)
from streamlab.models.windows import WindowSetupError, window_outputs

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
    assert labels == ["batch"] + [str(k) for k, _ in outputs]
    assert fig.axes[0].get_ylabel() == "window emitted at batch"


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
    assert any("\nkept at 0: c" in t for t in texts)  # on a line of its own
    filtered = window_timeline(
        1, 5, 1, batches=BATCHES, n_batches=10, inverse=True, drop_zeros=True
    )
    assert not any("kept at 0" in t.get_text() for t in filtered.axes[0].texts)


def _draw(fig):
    canvas = FigureCanvasAgg(fig)  # a closed figure keeps no drawing canvas
    canvas.draw()
    return canvas.get_renderer()


@pytest.mark.parametrize(
    ("batch", "window", "slide", "n", "inverse"),
    [(0.5, 1.5, 1.0, 12, False), (0.5, 2.5, 0.5, 15, True), (0.25, 6, 0.25, 12, False)],
)
def test_the_figure_fits_the_page_with_readable_labels(batch, window, slide, n, inverse):
    words = [["spark", "stream", "spark"], ["stream"], [], ["kafka", "spark"], ["spark"]]
    words += [[], [], ["stream", "stream", "batch"], ["spark"], []]
    fig = window_timeline(batch, window, slide, batches=words, n_batches=n, inverse=inverse)
    assert fig.get_figwidth() <= PAGE_WIDTH_IN  # shown at its size: 8 pt stays 8 pt
    renderer = _draw(fig)
    page = fig.bbox
    for text in fig.findobj(Text):
        if text.get_text() and text.get_visible():
            assert text.get_fontsize() >= 8, text.get_text()
            box = text.get_window_extent(renderer)
            inside = box.x0 >= page.x0 - 0.5 and box.x1 <= page.x1 + 0.5
            assert inside, f"{text.get_text()!r} is cut off"
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert not any("more" in t for t in texts)  # every word of a window is listed


def test_the_legend_explains_both_window_colours():
    fig = window_timeline(1, 3, 1, batches=BATCHES)
    (legend,) = fig.legends
    (first, _) = [t.get_text() for t in legend.get_texts()]
    assert "two colours" in first
    bars = {tuple(p.get_facecolor()) for row in (1, 2) for p in solid_bars(fig, row)}
    assert len(bars) == 2  # neighbouring windows differ in colour, as the legend says


def test_heatmap_labels_are_readable_at_the_page_width():
    import pandas as pd

    for n in (15, 20):
        covered = {k: list(range(max(1, k - 4), min(k, 10) + 1)) for k in range(1, n + 1)}
        counts = pd.DataFrame(
            [(k, w, 1) for k in covered for w in ("hello", "streaming")],
            columns=["batch", "word", "count"],
        )
        fig = window_heatmap(counts, covered, note="input ends after batch 10")
        assert fig.get_figwidth() <= PAGE_WIDTH_IN
        ax = fig.axes[0]
        _draw(fig)
        assert all(t.get_fontsize() >= 8 for t in ax.get_xticklabels() + ax.texts)
        assert len(fig.axes) == 1  # every cell prints its count: no colour bar


def test_describe_counts():
    assert describe_counts({}) == "empty"
    assert describe_counts({"a": 1}) == "1 word: a 1"
    assert describe_counts({"b": 2, "a": 2, "c": 1, "d": 1}) == "6 words: a 2, b 2, c 1, +1 more"
    assert describe_counts({"a": 0, "b": 3}) == "3 words: b 3; kept at 0: a"
    assert describe_counts({"a": 0}, zeros_sep="\n") == "0 words\nkept at 0: a"


def test_window_table_rows_match_the_model():
    table = window_table(BATCHES, 1, 3, 2, n_batches=8)
    assert list(table["emitted at batch"]) == [2, 4, 6, 8]
    assert list(table["covers batches"]) == ["1–2", "2–4", "4–6", "6–8"]
    assert list(table["words"]) == [4, 3, 3, 3]


def test_a_refused_window_raises_the_plain_message():
    with pytest.raises(WindowSetupError, match="multiple of the batch interval"):
        window_timeline(1, 2.5, 1)
