"""Plumbing for the book's notebooks, split the way PySpark splits: `runtime` (Spark itself),
`dstream` and `structured` (the two streaming APIs), `models` (pure-Python models of Spark's
rules), `figures`, `tables` and `widgets` (what a page shows), `lessons` (code the book teaches,
exported from its notebooks), `checks` (the labs' learner checks), `apps` (spark-submit).

The Spark code a reader is learning stays in the notebooks; this package only hides set-up.
The names below are the ones notebooks use most; everything else is imported from its module.
See ARCHITECTURE.md for the layers and the contracts `make lint` checks.
"""

from .dstream.batches import StreamRunError, batch_timings, capture, run
from .dstream.context import StreamingSetupError, streaming_context
from .dstream.replay import replay
from .errors import RunError, SetupError
from .runtime.java import JavaError, check_java
from .runtime.scratch import scratch_dir
from .runtime.spark import get_context, get_spark, stop_spark, stop_streaming
from .structured.file_drop import FileDrop
from .structured.micro_batch_table import MicroBatchTable
from .structured.queries import run_query, wait_for_batches

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
    "run_query",
    "scratch_dir",
    "stop_spark",
    "stop_streaming",
    "streaming_context",
    "wait_for_batches",
]
