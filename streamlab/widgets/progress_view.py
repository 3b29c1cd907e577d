"""A live view of a running query: a chart redrawn after every micro-batch it reports.

`ProgressView` is a `StreamingQueryListener` (chapter 12 writes one from scratch): Spark calls
`onQueryProgress` after each micro-batch of every query of the session, and the view keeps the
reports of the query it watches (by name) and redraws `streamlab.figures.progress.progress_chart`
in the cell's output. In JupyterLab, Binder and Colab the chart moves while the query runs; when
the view is closed, the cell keeps a still picture of the finished run, which is what the
website shows.

    view = ProgressView(spark, "clicks", trigger_ms=1000)  # before the query starts
    query = ....queryName("clicks").trigger(processingTime="1 second").start()
    view.wait_for(batches=5, timeout=60)
    query.stop()
    view.close()
"""

from __future__ import annotations

import threading
import time
from typing import Any

import ipywidgets as widgets
from IPython.display import display
from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQueryListener

from ..errors import RunError
from ..figures.progress import progress_chart, progress_row
from .spec import png_base64

STILL_NOTE = (
    "A still picture of the finished run. Run the notebook in Jupyter, Binder or Colab to see the "
    "chart move while the query runs."
)


class ProgressView(StreamingQueryListener):
    """Progress reports of the query named `query_name`, drawn live; `rows` holds them."""

    def __init__(
        self,
        spark: SparkSession,
        query_name: str,
        trigger_ms: float | None = None,
        title: str | None = None,
    ) -> None:
        self.spark = spark
        self.query_name = query_name
        self.trigger_ms = trigger_ms
        self.title = title
        self.rows: list[dict[str, Any]] = []
        self.reports: list[Any] = []  # the StreamingQueryProgress objects themselves
        self.still_png: str | None = None  # base64 PNG of the finished run, once closed
        self._changed = threading.Condition()
        self.output = widgets.Output()
        self._handle = display(
            {**self.output._repr_mimebundle_(), "text/plain": STILL_NOTE},
            raw=True,
            display_id=True,
        )
        spark.streams.addListener(self)

    # The listener's callbacks (Spark calls them on a thread of the driver).
    def onQueryStarted(self, event: Any) -> None:  # noqa: N802 (Spark's names)
        pass

    def onQueryProgress(self, event: Any) -> None:  # noqa: N802
        progress = event.progress
        if progress.name != self.query_name:
            return
        with self._changed:
            self.reports.append(progress)
            self.rows.append(progress_row(progress))
            self._changed.notify_all()
        self._redraw()

    def onQueryIdle(self, event: Any) -> None:  # noqa: N802
        pass

    def onQueryTerminated(self, event: Any) -> None:  # noqa: N802
        pass

    def wait_for(self, batches: int, timeout: float, with_data: bool = True) -> None:
        """Block until `batches` progress reports arrived (counting only micro-batches that
        read rows, unless `with_data` is False), or raise RunError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._count(with_data) < batches:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RunError(
                        f"the query {self.query_name!r} reported {self._count(with_data)} of "
                        f"{batches} micro-batches within {timeout:g} s; a slow or busy machine "
                        "can need longer: raise the timeout and run the cell again"
                    )
                self._changed.wait(left)

    def _count(self, with_data: bool) -> int:
        return sum(1 for r in self.rows if r["input rows"] > 0 or not with_data)

    def figure(self):
        """The chart of every report received so far."""
        return progress_chart(self.rows, trigger_ms=self.trigger_ms, title=self.title)

    def _redraw(self) -> None:
        png = png_base64(self.figure())
        self.output.outputs = (
            {"output_type": "display_data", "data": {"image/png": png}, "metadata": {}},
        )

    def close(self) -> None:
        """Stop listening; the cell keeps a still of the whole run (what the website shows)."""
        self.spark.streams.removeListener(self)
        bundle = {**self.output._repr_mimebundle_(), "text/plain": STILL_NOTE}
        if self.rows:
            bundle["image/png"] = self.still_png = png_base64(self.figure())
        if self._handle is not None:  # None outside IPython
            self._handle.update(bundle, raw=True)
