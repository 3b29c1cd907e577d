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
