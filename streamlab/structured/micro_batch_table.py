"""Collect each micro-batch of a Structured Streaming query into pandas, keyed by batch id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def _pandas():
    # Imported when a table is first built, not with the package: Spark's Python workers
    # import `streamlab` (for `streamlab.lessons`) and pandas would cost each about 70 MiB.
    import pandas

    return pandas


class MicroBatchTable:
    """Collects each micro-batch of a Structured Streaming query; pass `.add` to foreachBatch."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, batch_df: Any, batch_id: int) -> None:
        """The foreachBatch function: copy this micro-batch into pandas with its batch id."""
        part = batch_df.toPandas()
        part.insert(0, "batch_id", batch_id)
        self.parts.append(part)

    def frame(self, sort: bool = True) -> pd.DataFrame:
        """All micro-batches in one DataFrame, sorted by batch id then every column."""
        pd = _pandas()
        non_empty = [p for p in self.parts if len(p)]
        if not non_empty:
            columns = list(self.parts[0].columns) if self.parts else ["batch_id"]
            return pd.DataFrame(columns=columns)
        df = pd.concat(non_empty, ignore_index=True)
        if sort:
            df = df.sort_values(list(df.columns), kind="stable")
        return df.reset_index(drop=True)
