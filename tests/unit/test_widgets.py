"""Explorers redraw on every move and turn refused settings into plain messages."""

from __future__ import annotations

import pytest

from streamlab import SetupError, StreamingSetupError, StreamRunError
from streamlab.models.checkpoints import ResumeSetupError
from streamlab.models.watermark import WatermarkSetupError
from streamlab.models.windows import WindowSetupError, check_window
from streamlab.runtime.java import JavaError
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


@pytest.mark.parametrize("error", [StreamRunError, JavaError])
def test_a_failed_run_is_reported_in_plain_words(error):
    def failing(batch, window, slide):
        if window > 3:
            raise error("Only 3 of 10 batches finished in 120 s.")
        return draw_window(batch, window, slide)

    explorer = Explorer(failing, controls())
    explorer.controls["window"].value = 4
    assert explorer.message.startswith("Only 3 of 10")
    assert explorer.output.outputs[0]["text"].startswith("The run failed:")
    assert explorer.figure is None


BOOK_SETUP_ERRORS = [
    SetupError,
    WindowSetupError,
    WatermarkSetupError,
    ResumeSetupError,
    StreamingSetupError,
]


@pytest.mark.parametrize("error", BOOK_SETUP_ERRORS)
def test_every_refusal_of_the_book_shows_its_plain_message(error):
    def refusing(batch, window, slide):
        if window > 3:
            raise error("Choose 3 s or less.")
        return draw_window(batch, window, slide)

    explorer = Explorer(refusing, controls())
    explorer.controls["window"].value = 4
    assert explorer.output.outputs[0]["text"] == "Not a valid setting: Choose 3 s or less.\n"
    assert explorer.figure is None
    with pytest.raises(ValueError, match="Choose 3 s"):  # `except ValueError` still catches it
        refusing(1, 4, 1)


@pytest.mark.parametrize(
    ("bug", "expected"),
    [
        (lambda: 1 / 0, ZeroDivisionError),
        (lambda: int("not a number"), ValueError),  # a ValueError that is no refusal
        (lambda: {}["missing"], KeyError),
        (lambda: [].pop(), IndexError),
    ],
    ids=["ZeroDivisionError", "ValueError", "KeyError", "IndexError"],
)
def test_a_bug_in_a_draw_function_surfaces(bug, expected):
    def buggy(batch, window, slide):
        if window > 3:
            bug()
        return draw_window(batch, window, slide)

    explorer = Explorer(buggy, controls())
    with pytest.raises(expected) as raised:
        explorer.controls["window"].value = 4
    assert type(raised.value) is expected
    assert explorer.message is None


def shown_bundles(monkeypatch) -> list[tuple[dict, dict]]:
    """What explore displays, (bundle, metadata) per call."""
    import streamlab.widgets.live

    shown = []
    monkeypatch.setattr(
        streamlab.widgets.live,
        "display",
        lambda bundle, raw, metadata: shown.append((bundle, metadata)),
    )
    return shown


def test_explore_records_the_widget_for_the_website_in_the_output_metadata(monkeypatch):
    from streamlab.figures import scaling
    from streamlab.widgets import WIDGET_MIME, explore

    shown = shown_bundles(monkeypatch)
    explore(scaling.rate_cap, {"limit": slider("cap (records/s)", 200, 0, 400, 25, "records/s")})
    bundle, metadata = shown[0]
    assert {"image/png", "text/plain"} <= set(bundle) and WIDGET_MIME not in bundle
    declared = metadata[WIDGET_MIME]
    assert declared["draw"] == "streamlab.figures.scaling:rate_cap"
    (control,) = declared["controls"]
    assert control["kind"] == "range" and control["label"] == "cap (records/s)"
    assert control["values"][:3] == [0, 25, 50] and control["values"][-1] == 400
    assert control["default"] == 200 and control["unit"] == "records/s"


def test_a_kernel_only_widget_says_why_and_a_site_draw_replaces_a_spark_draw(monkeypatch):
    from streamlab.figures import windows
    from streamlab.widgets import WIDGET_MIME, explore

    shown = shown_bundles(monkeypatch)
    explore(draw_window, controls(), kernel_only="it needs a Spark run")
    assert shown[-1][1][WIDGET_MIME] == {"kernel_only": "it needs a Spark run", "controls": []}
    explore(draw_window, controls(), site_draw=windows.window_counts_by_model)
    declared = shown[-1][1][WIDGET_MIME]
    assert declared["draw"] == "streamlab.figures.windows:window_counts_by_model"
    assert declared["site_draw"] is True


def test_checkboxes_and_dropdowns_are_declared_with_their_labels():
    import ipywidgets as widgets

    from streamlab.widgets import declaration

    declared = declaration(
        draw_window,
        {
            "mode": widgets.Dropdown(options=[("count per word", "count"), ("filter", "f")]),
            "crashed": widgets.Checkbox(value=False, description="crash"),
        },
    )
    mode, crashed = declared["controls"]
    assert mode["values"] == ["count", "f"] and mode["labels"] == ["count per word", "filter"]
    assert mode["default"] == "count"
    assert crashed["values"] == [False, True] and crashed["label"] == "crash"


def test_a_default_between_two_steps_is_refused():
    from streamlab.widgets import declaration

    with pytest.raises(ValueError, match="default"):
        declaration(draw_window, {"batch": slider("batch interval", 0.6, 0.5, 4, 0.5)})
