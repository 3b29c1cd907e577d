"""The website's widget frames: every setting enumerated, drawn once, cached by code and setting.

These tests import the real build code (tools/site/widget_frames.py) and the book's draw functions;
the browser tests (tests/site/test_site.py) check what a reader sees.
"""

from __future__ import annotations

import io
import json
import threading

import ipywidgets as widgets
import numpy as np
from PIL import Image

from streamlab.figures import scaling, timeline, windows
from streamlab.widgets import declaration, slider
from tools.site import widget_frames
from tools.site.widget_frames import Widget, book_widgets, build, draw_fingerprint, setting_hash

CHAPTER_04_CONTROLS = {
    "batch_s": slider("batch interval (s)", 0.5, 0.25, 2, 0.25),
    "window_s": slider("window length (s)", 1.5, 0.25, 6, 0.25),
    "slide_s": slider("slide interval (s)", 1.0, 0.25, 6, 0.25),
}


def small_widget(draw, controls, page="chapters/test-page", number=1) -> Widget:
    return Widget(page, number, 0, declaration(draw, controls))


def test_every_combination_in_mixed_radix_order():
    widget = small_widget(windows.sliding_windows, CHAPTER_04_CONTROLS)
    settings = list(widget.settings())
    assert len(settings) == 8 * 24 * 24
    assert settings[0] == ("0-0-0", {"batch_s": 0.25, "window_s": 0.25, "slide_s": 0.25})
    assert settings[1][1]["slide_s"] == 0.5  # the last control moves fastest
    assert settings[-1][1] == {"batch_s": 2.0, "window_s": 6.0, "slide_s": 6.0}
    assert widget.default_key() == "1-5-3"
    keys = [k for k, _ in settings]
    assert keys.index("1-5-3") == (1 * 24 + 5) * 24 + 3  # as widgets.js computes it


def test_slider_values_are_the_notebook_values_without_float_noise():
    spec = declaration(
        timeline.batch_queue,
        {
            "batch_interval": slider("b", 0.5, 0.25, 3, 0.25),
            "input_rate": slider("r", 40, 10, 250, 10),
        },
    )
    rates = spec["controls"][1]["values"]
    assert rates[0] == 10 and rates[-1] == 250 and len(rates) == 25
    intervals = spec["controls"][0]["values"]
    assert 0.75 in intervals and all(round(v * 1000) == v * 1000 for v in intervals)


def test_a_draw_defined_in_a_notebook_has_no_import_path():
    def local(x):
        return None

    spec = declaration(local, {"x": widgets.IntSlider(value=1, min=0, max=2)})
    assert spec["draw"] is None
    assert declaration(local, {}, kernel_only="needs Spark")["kernel_only"] == "needs Spark"


def test_the_fingerprint_follows_the_code_and_data_a_draw_uses():
    fingerprint = draw_fingerprint("streamlab.figures.windows:sliding_windows")
    assert fingerprint == draw_fingerprint("streamlab.figures.windows:sliding_windows")
    assert fingerprint != draw_fingerprint("streamlab.figures.timeline:batching_timeline")
    mods: set[str] = set()
    parts = widget_frames._function_parts(windows.sliding_windows, set(), mods)
    assert any("WINDOW_WORD_BATCHES = [" in p for p in parts)  # the data it shows
    assert any(p.startswith("def window_timeline(") for p in parts)  # what it calls, same module
    assert "streamlab.models.windows" in mods  # and another module's code it uses
    closure = widget_frames.module_closure("streamlab.figures.windows")
    assert "streamlab.models.windows" in closure  # what figures.windows imports, transitively
    # the same setting of two draws, or two settings of one draw, are cached apart
    assert setting_hash(fingerprint, {"a": 1}) != setting_hash(fingerprint, {"a": 2})


def decoded(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_build_draws_each_setting_once_and_then_takes_it_from_the_cache(tmp_path):
    widget = small_widget(
        scaling.rate_cap, {"limit": slider("cap (records/s)", 200, 0, 400, 25, "records/s")}
    )
    site, cache = tmp_path / "site", tmp_path / "cache"
    cold = build(site, cache, [widget], jobs=2)
    assert (cold.frames, cold.refused, cold.drawn) == (14, 3, 17)  # 25, 50 and 75 are refused
    index = json.loads((site / "_widgets" / widget.id / "index.json").read_text())
    assert index["status"][:5] == [0, 1, 1, 1, 0]
    assert index["messages"][0].startswith("a cap below the normal input rate")
    assert not (site / "_widgets" / widget.id / "1.webp").exists()
    frame = (site / "_widgets" / widget.id / "8.webp").read_bytes()  # limit = 200
    fig = scaling.rate_cap(200)
    expected = io.BytesIO()
    fig.savefig(expected, format="png", **widget_frames.SAVE_OPTIONS)
    assert np.array_equal(decoded(frame), decoded(expected.getvalue()))  # lossless
    warm = build(site, cache, [widget], jobs=2)
    assert (warm.frames, warm.drawn) == (14, 0)
    # a changed cache entry is what the site gets: the cache, not a new drawing, is used
    assert (site / "_widgets" / widget.id / "8.webp").read_bytes() == frame


def test_a_build_waits_for_the_background_drawing_and_takes_its_frames(tmp_path, capsys):
    """`make test` draws the frames in the background (`--warm`); the build that comes later
    waits on the cache's lock instead of drawing the same settings beside it."""
    widget = small_widget(
        scaling.rate_cap, {"limit": slider("cap (records/s)", 200, 0, 400, 25, "records/s")}
    )
    site, cache = tmp_path / "site", tmp_path / "cache"
    holding, release = threading.Event(), threading.Event()

    def background() -> None:  # what `warm` does, holding the lock until told to go on
        with widget_frames.cache_lock(cache):
            holding.set()
            release.wait(10)
            _, missing = widget_frames.plan_frames(cache, [widget], widget_frames.Report())
            widget_frames.draw_missing(cache, missing, jobs=1)

    drawer = threading.Thread(target=background)
    drawer.start()
    assert holding.wait(10)
    threading.Timer(0.5, release.set).start()
    report = build(site, cache, [widget], jobs=1)  # blocks until the drawer is done
    drawer.join(10)
    assert "waiting for the frames being drawn in the background" in capsys.readouterr().out
    assert (report.drawn, report.frames, report.refused) == (0, 14, 3)


def test_a_kernel_only_widget_gets_no_frames(tmp_path):
    widget = Widget("chapters/x", 1, 0, {"kernel_only": "needs a Spark run", "controls": []})
    report = build(tmp_path / "site", tmp_path / "cache", [widget], jobs=1)
    assert report.widgets == 0 and report.kernel_only == ["chapters/x (needs a Spark run)"]


def test_every_widget_of_the_book_is_live_or_says_why_not():
    found = book_widgets()
    assert len(found) >= 13
    for widget in found:
        if widget.live:
            assert widget_frames.resolve(widget.declaration["draw"]).__module__.startswith(
                "streamlab."
            ), widget.id
            assert widget.default_key() in dict(widget.settings())
        else:
            assert widget.declaration.get("kernel_only"), f"{widget.id}: no draw and no reason"


def test_a_refused_setting_stores_the_notebooks_plain_message():
    values = {"batch_s": 0.5, "window_s": 1.25, "slide_s": 1.0}
    frame, message = widget_frames.render_setting(
        "streamlab.figures.windows:sliding_windows", values
    )
    assert frame is None
    assert "must be a multiple of the batch interval" in message
    frame, message = widget_frames.render_setting(
        "streamlab.figures.scaling:rate_cap", {"limit": 0}
    )
    assert message is None and frame[:4] == b"RIFF"  # a WebP file
