"""Sliders that redraw a figure at once, and a still picture of the default for the website.

`explore(draw, controls)` shows the controls and the figure `draw(**values)`; every move redraws.
A setting Spark would refuse (a window that is not a multiple of the batch interval, say: a
`streamlab.errors.SetupError`) shows its plain message instead of a figure, and so does a run
that could not finish (a `RunError`, or Java missing); any other exception is a bug and
surfaces. The cell's output also carries a PNG of the default setting: JupyterLab, Binder and
Colab show the live widget, the website (no kernel) shows the picture, because the book's
configuration drops the widget view from the HTML build.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import display
from matplotlib.figure import Figure

from .errors import RunError, SetupError
from .java import JavaError

LIVE_NOTE = (
    "A still picture of the default setting. Open this page in Binder or Colab (rocket icon) "
    "or run it in Jupyter to move the sliders."
)


def png_base64(fig: Figure) -> str:
    """The figure as base64 PNG, as notebooks store images."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", facecolor="white")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


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


def explore(
    draw: Callable[..., Figure], controls: dict[str, widgets.ValueWidget], note: str = LIVE_NOTE
) -> Explorer:
    """Show live controls for `draw`, with a still picture of the default for the website."""
    explorer = Explorer(draw, controls)
    bundle = explorer.box._repr_mimebundle_()
    # The still picture reuses the first drawing: a draw may run a Spark job of several seconds.
    still = explorer.figure if explorer.figure is not None else draw(**explorer.values())
    bundle["image/png"] = png_base64(still)
    bundle["text/plain"] = note
    display(bundle, raw=True)
    return explorer
