"""Plumbing for the book's notebooks: Spark lifecycle, replayed input, per-batch capture, plots.

The Spark code a reader is learning stays in the notebooks; this package only hides set-up.
"""

from .capture import MicroBatchTable, StreamRunError, batch_timings, capture, run
from .errors import RunError, SetupError
from .java import JavaError, check_java
from .session import (
    StreamingSetupError,
    get_context,
    get_spark,
    scratch_dir,
    stop_spark,
    stop_streaming,
    streaming_context,
)
from .sources import FileDrop, replay

__all__ = [
    "FileDrop",
    "JavaError",
    "MicroBatchTable",
    "RunError",
    "SetupError",
    "StreamRunError",
    "StreamingSetupError",
    "batch_timings",
    "capture",
    "check_java",
    "get_context",
    "get_spark",
    "replay",
    "run",
    "scratch_dir",
    "stop_spark",
    "stop_streaming",
    "streaming_context",
]
