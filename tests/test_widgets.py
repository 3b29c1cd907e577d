"""Explorers redraw on every move and turn refused settings into plain messages."""

from __future__ import annotations

from streamlab.simulate.windows import check_window
from streamlab.widgets import Explorer, slider


def draw_window(batch, window, slide):
    import matplotlib.pyplot as plt

    spec = check_window(batch, window, slide)
    fig, ax = plt.subplots()
    ax.set_title(f"{spec.window_batches} batches per window")
    plt.close(fig)
    return fig


def controls():
    return {
        "batch": slider("batch interval", 1, 0.5, 4, 0.5),
        "window": slider("window length", 3, 0.5, 12, 0.5),
        "slide": slider("slide interval", 1, 0.5, 12, 0.5),
    }


def test_default_setting_draws_a_figure():
    explorer = Explorer(draw_window, controls())
    assert explorer.message is None
    assert "image/png" in explorer.output.outputs[0]["data"]


def test_a_refused_setting_shows_the_plain_message_and_no_figure():
    explorer = Explorer(draw_window, controls())
    explorer.controls["window"].value = 2.5
    assert "multiple of the batch interval" in explorer.message
    assert explorer.output.outputs[0]["text"].startswith("Not a valid setting:")
    explorer.controls["window"].value = 4
    assert explorer.message is None
    assert "image/png" in explorer.output.outputs[0]["data"]


def test_explore_draws_the_default_once_for_both_the_widget_and_the_still_picture():
    from streamlab.widgets import explore

    calls = []

    def slow_draw(batch, window, slide):  # stands for a draw that runs a Spark job
        calls.append((batch, window, slide))
        return draw_window(batch, window, slide)

    explorer = explore(slow_draw, controls())
    assert calls == [(1, 3, 1)]
    assert explorer.figure is not None


def test_a_failed_run_is_reported_in_plain_words():
    def failing(batch, window, slide):
        if window > 3:
            raise RuntimeError("Only 3 of 10 batches finished in 120 s.")
        return draw_window(batch, window, slide)

    explorer = Explorer(failing, controls())
    explorer.controls["window"].value = 4
    assert explorer.message.startswith("Only 3 of 10")
    assert explorer.output.outputs[0]["text"].startswith("The run failed:")
    assert explorer.figure is None
