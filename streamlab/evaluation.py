"""Small evaluation helpers for pandas tables the labs collect (Spark's own evaluators work on
DataFrames; these work on what a stream already handed to the driver)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd


def auc(labels: Sequence[float], scores: Sequence[float]) -> float:
    """Area under the ROC curve: the chance a random positive scores above a random negative.

    Ties count one half (the Mann-Whitney statistic). NaN when a class is missing.
    """
    frame = pd.DataFrame({"label": list(labels), "score": list(scores)})
    positives = int((frame["label"] == 1).sum())
    negatives = len(frame) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = frame["score"].rank(method="average")
    rank_sum = float(ranks[frame["label"] == 1].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


class BatchScores:
    """What a stream's models scored in each batch, collected to the driver for AUC tables.

    A `foreachBatch` function calls `record` once per batch; a replayed batch replaces its own
    entry, so the table never counts a batch twice.
    """

    def __init__(self) -> None:
        self.batches: dict[int, dict[str, Any]] = {}

    def record(self, batch: int, model_version: int, **scored: Any) -> None:
        """Keep each scored DataFrame's `clicked` and `score` columns (as pandas) for `batch`."""
        self.batches[batch] = {
            "model version": model_version,
            **{name: frame.select("clicked", "score").toPandas() for name, frame in scored.items()},
        }

    def __len__(self) -> int:
        return len(self.batches)

    def auc_table(self, decimals: int = 3) -> pd.DataFrame:
        """One row per batch (in order): the model version and each model's AUC on the batch."""
        rows = []
        for batch, entry in sorted(self.batches.items()):
            row: dict[str, Any] = {"batch": batch, "model version": entry["model version"]}
            for name, labels in entry.items():
                if name != "model version":
                    row[name] = round(auc(labels["clicked"], labels["score"]), decimals)
            rows.append(row)
        return pd.DataFrame(rows).set_index("batch")
