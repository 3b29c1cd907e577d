"""Sliders that redraw a figure at once, and a still picture of the default for the website.

`explore(draw, controls)` shows the controls and the figure `draw(**values)`; every move redraws.
A setting Spark would refuse (a window that is not a multiple of the batch interval, say: a
`streamlab.errors.SetupError`) shows its plain message instead of a figure, and so does a run
that could not finish (a `RunError`, or Java missing); any other exception is a bug and
surfaces. The cell's output also carries a PNG of the default setting: JupyterLab, Binder and
Colab show the live widget, the website (no kernel) shows the picture, because the book's
configuration drops the widget view from the HTML build.

The output's metadata carries one more thing, for the website's build: the widget's
declaration as JSON under the key `WIDGET_MIME` (the draw function's import path, and each
control's name, kind, label, values and default). `tools/site/widget_frames.py` reads it and renders
every setting with that same draw function, and the site's own script (`_assets/widgets.js`)
turns the still into a widget that moves without a kernel. A draw defined in a notebook cannot
be imported by the build: such a widget names an importable `site_draw` (the simulator's twin
of a Spark run), or is declared `kernel_only` with the reason, and the website keeps its still.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import display
from matplotlib.figure import Figure

from ..errors import RunError, SetupError
from ..runtime.java import JavaError
from .spec import LIVE_NOTE, WIDGET_MIME, import_path, png_base64


def slider(
    description: str, value: float, low: float, high: float, step: float, unit: str = "s"
) -> widgets.FloatSlider:
    """A labelled slider with the book's layout (value shown with its unit)."""
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        readout_format=".2g",
        style={"description_width": "initial"},
        layout=widgets.Layout(width="320px"),
        continuous_update=False,
        tooltip=f"in {unit}",
    )


class Explorer:
    """Controls plus an output area that shows draw(**values) or a plain error message."""

    def __init__(self, draw: Callable[..., Figure], controls: dict[str, widgets.ValueWidget]):
        self.draw = draw
        self.controls = controls
        self.output = widgets.Output()
        self.message: str | None = None
        self.figure: Figure | None = None  # the last figure drawn (None after a refusal)
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.box = widgets.VBox([widgets.HBox(list(controls.values())), self.output])
        self.redraw()

    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self, *_: object) -> None:
        """Draw the current setting, or say in plain words why Spark would refuse it.

        A draw that runs a real Spark job takes seconds: a line says so while it runs.
        """
        self.output.outputs = ()
        self.output.append_stdout("Working…\n")
        try:
            fig = self.draw(**self.values())
        except SetupError as error:  # settings Spark would refuse: say why, draw nothing
            self._say(str(error), "Not a valid setting")
            return
        except (RunError, JavaError) as error:  # a valid setting whose run failed (too slow)
            self._say(str(error), "The run failed")
            return
        self.message = None
        self.figure = fig
        self.output.outputs = (
            {
                "output_type": "display_data",
                "data": {"image/png": png_base64(fig), "text/plain": repr(fig)},
                "metadata": {},
            },
        )

    def _say(self, message: str, prefix: str) -> None:
        self.message = message
        self.figure = None
        self.output.outputs = ()
        self.output.append_stdout(f"{prefix}: {message}\n")


def _grid(low: float, high: float, step: float) -> list[float]:
    """Every value a slider can take, rounded as a reader reads it (0.75, not 0.7500000001)."""
    count = int(math.floor((high - low) / step + 1e-9)) + 1
    return [round(low + i * step, 10) for i in range(count)]


def control_spec(name: str, control: widgets.ValueWidget) -> dict[str, Any]:
    """What the website needs to draw one control: kind, label, every value, the default."""
    label = control.description
    if isinstance(control, widgets.Checkbox):
        return {
            "name": name,
            "kind": "checkbox",
            "label": label,
            "values": [False, True],
            "labels": ["off", "on"],
            "default": bool(control.value),
        }
    if isinstance(control, (widgets.Dropdown, widgets.RadioButtons, widgets.ToggleButtons)):
        values = list(control.options)  # (label, value) pairs or plain values
        pairs = [v if isinstance(v, tuple) else (str(v), v) for v in values]
        return {
            "name": name,
            "kind": "select",
            "label": label,
            "values": [v for _, v in pairs],
            "labels": [str(lab) for lab, _ in pairs],
            "default": control.value,
        }
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        integer = isinstance(control, widgets.IntSlider)
        values = _grid(control.min, control.max, control.step)
        if integer:
            values = [int(v) for v in values]
        unit = (control.tooltip or "").removeprefix("in ").strip()
        return {
            "name": name,
            "kind": "range",
            "label": label,
            "values": values,
            "labels": [f"{v:g}" for v in values],
            "default": control.value,
            "min": control.min,
            "max": control.max,
            "step": control.step,
            "unit": unit,
        }
    raise TypeError(f"{name}: the website cannot draw a {type(control).__name__}")


def declaration(
    draw: Callable[..., Any],
    controls: dict[str, widgets.ValueWidget],
    site_draw: Callable[..., Any] | None = None,
    kernel_only: str | None = None,
) -> dict[str, Any]:
    """The widget as the website's build reads it (JSON under WIDGET_MIME)."""
    if kernel_only:
        return {"kernel_only": kernel_only, "controls": []}
    path = import_path(site_draw or draw)
    specs = [control_spec(name, control) for name, control in controls.items()]
    for spec in specs:
        if spec["default"] not in spec["values"]:
            raise ValueError(f"{spec['name']}: the default is not one of the control's values")
    return {"draw": path, "site_draw": site_draw is not None, "controls": specs}


def explore(
    draw: Callable[..., Figure],
    controls: dict[str, widgets.ValueWidget],
    note: str = LIVE_NOTE,
    *,
    site_draw: Callable[..., Figure] | None = None,
    kernel_only: str | None = None,
) -> Explorer:
    """Show live controls for `draw`, with a still picture of the default for the website.

    The website draws every setting in advance with `draw` (importable from `streamlab`), or
    with `site_draw` where `draw` needs a kernel (a Spark run); `kernel_only` says why a widget
    keeps its still on the website instead.
    """
    site = declaration(draw, controls, site_draw, kernel_only)
    explorer = Explorer(draw, controls)
    bundle = explorer.box._repr_mimebundle_()
    # The still picture reuses the first drawing: a draw may run a Spark job of several seconds.
    still = explorer.figure if explorer.figure is not None else draw(**explorer.values())
    bundle["image/png"] = png_base64(still)
    bundle["text/plain"] = note
    # In the output's metadata, which Jupyter, nbval and the site's HTML all leave alone.
    display(bundle, raw=True, metadata={WIDGET_MIME: site})
    return explorer
