"""What each micro-batch of a streaming query writes to its sink, per output mode.

Structured Streaming treats a stream as an input table that grows by one set of rows per
micro-batch. A query over it defines a result table, and the output mode says which rows of that
table each micro-batch hands to the sink:

* `complete`: the whole result table, every micro-batch (only for aggregations);
* `update`: the result rows that changed in this micro-batch;
* `append`: the rows added to the result table, never changed afterwards. An aggregation without
  a watermark has no final rows, so Spark refuses append mode for it.

Two queries over a stream of words are modelled: `count` (`groupBy("word").count()`) and
`filter` (`where(word != "spark")`, no aggregation). Neither has a watermark, so no row is ever
dropped as late; `count` keeps one state row per word seen so far (in every mode), `filter`
keeps no state at all. `tests/models/test_model_output_modes.py` runs both, in every mode, through
Spark and requires the same rows from the same micro-batches, the same rows in state and rows
dropped after each one, and the same refusals.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import SetupError

QUERIES = {
    "count": "groupBy('word').count()",
    "filter": "where(word != 'spark')",
}
MODES = ("append", "update", "complete")
FILTERED_OUT = "spark"  # the word the `filter` query drops

Row = tuple  # (word,) for `filter`, (word, count) for `count`


class OutputModeError(SetupError):
    """An output mode Spark refuses for this query; the message says why and what to use."""


@dataclass(frozen=True)
class MicroBatchOutput:
    """One micro-batch: its new input rows, the result table after it, what the sink got."""

    batch_id: int
    query: str
    new_rows: tuple[str, ...]
    result: tuple[Row, ...]  # counts sorted by word; filtered rows in arrival order
    written: tuple[Row, ...]  # in the same order
    state_rows: int | None = None  # rows in state after it: words seen (None: no state kept)
    dropped: int | None = None  # rows dropped as late: 0 without a watermark (None: no state)

    def written_mask(self) -> list[bool]:
        """For each row of `result`, whether the sink received it from this micro-batch."""
        if self.query == "filter":  # the new rows are the last ones of the result table
            first_new = len(self.result) - len(self.written)
            return [i >= first_new for i in range(len(self.result))]
        return [row in self.written for row in self.result]


def check_mode(query: str, mode: str) -> None:
    """Raise OutputModeError, in plain words, where Spark refuses `mode` for `query`."""
    if query not in QUERIES:
        raise ValueError(f"unknown query {query!r}: one of {sorted(QUERIES)}")
    if mode not in MODES:
        raise ValueError(f"unknown output mode {mode!r}: one of {MODES}")
    if query == "count" and mode == "append":
        raise OutputModeError(
            "append mode writes each result row once, final; a running count without a "
            "watermark is never final, so Spark refuses it "
            "(STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION). Use update or complete, or count "
            "in event-time windows with a watermark (chapter 07)."
        )
    if query == "filter" and mode == "complete":
        raise OutputModeError(
            "complete mode rewrites the whole result table every micro-batch, which Spark "
            "allows only for aggregations: a query without one would keep every row it ever "
            "saw (STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION). Use append or update."
        )


def simulate(batches: Sequence[Sequence[str]], query: str, mode: str) -> list[MicroBatchOutput]:
    """The micro-batches of `query` over `batches` (one list of words each) in `mode`."""
    check_mode(query, mode)
    counts: Counter[str] = Counter()
    kept: list[Row] = []
    out = []
    for batch_id, words in enumerate(batches):
        if query == "count":
            before = dict(counts)
            counts.update(words)
            result = tuple(sorted(counts.items()))
            changed = tuple(row for row in result if before.get(row[0]) != row[1])
            written = result if mode == "complete" else changed
            state_rows, dropped = len(counts), 0
        else:
            new = [(w,) for w in words if w != FILTERED_OUT]
            kept.extend(new)
            result = tuple(kept)
            written = tuple(new)  # append and update write the same rows here
            state_rows = dropped = None
        out.append(
            MicroBatchOutput(batch_id, query, tuple(words), result, written, state_rows, dropped)
        )
    return out
