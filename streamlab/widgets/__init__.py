"""Widgets: live controls that redraw a figure (`live`), what the website's build reads of them
(`spec`), and the live progress view of a streaming query (`progress_view`)."""

from .live import Explorer, control_spec, declaration, explore, slider
from .spec import LIVE_NOTE, SITE_NOTE, WIDGET_MIME, png_base64

__all__ = [
    "LIVE_NOTE",
    "SITE_NOTE",
    "WIDGET_MIME",
    "Explorer",
    "control_spec",
    "declaration",
    "explore",
    "png_base64",
    "slider",
]
