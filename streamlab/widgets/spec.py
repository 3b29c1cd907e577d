"""What the website's build reads of a widget, without ipywidgets: the key of its declaration in a
cell's output metadata (WIDGET_MIME), the captions, and how a figure is stored.

`tools/site/widget_frames.py` and the Sphinx extension import WIDGET_MIME from here.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LIVE_NOTE = (
    "A still picture of the default setting. Open this page in Binder or Colab (rocket icon) "
    "or run it in Jupyter to move the sliders."
)
# The caption of a widget that moves on the website (every setting drawn in advance).
SITE_NOTE = (
    "Move the controls: the pictures were computed in advance for every setting, by the same "
    "code the notebook runs. Open this page in Binder or Colab (rocket icon) to run it live."
)
WIDGET_MIME = "application/vnd.streamlab.widget+json"


def png_base64(fig: Figure) -> str:
    """The figure as base64 PNG, as notebooks store images."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", facecolor="white")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def import_path(draw: Callable[..., Any]) -> str | None:
    """`module:name` of a function the build can import, or None (defined in a notebook)."""
    module, name = getattr(draw, "__module__", None), getattr(draw, "__qualname__", "")
    if not module or module == "__main__" or "<" in name:
        return None
    return f"{module}:{name}"
