"""Small evaluation helpers for pandas tables the labs collect (Spark's own evaluators work on
DataFrames; these work on what a stream already handed to the driver)."""

from __future__ import annotations

from collections.abc import Sequence

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
