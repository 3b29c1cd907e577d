"""Lab 3's per-batch bookkeeping: BatchScores keeps one entry per batch, replays included."""

from __future__ import annotations

import math

from streamlab.evaluation import BatchScores, auc


def scored(spark, pairs):
    return spark.createDataFrame(pairs, "clicked int, score double")


def test_batch_scores_give_one_auc_row_per_batch_in_order(spark):
    perfect = [(0, 0.1), (0, 0.2), (1, 0.8), (1, 0.9)]
    reversed_ = [(1, 0.1), (1, 0.2), (0, 0.8), (0, 0.9)]
    scores = BatchScores()
    scores.record(5, 3, retrained=scored(spark, perfect), frozen=scored(spark, reversed_))
    scores.record(4, 3, retrained=scored(spark, reversed_), frozen=scored(spark, perfect))
    table = scores.auc_table()
    assert len(scores) == 2
    assert list(table.index) == [4, 5]
    assert list(table.columns) == ["model version", "retrained", "frozen"]
    assert table.loc[5].tolist() == [3, 1.0, 0.0]
    assert table.loc[4].tolist() == [3, 0.0, 1.0]


def test_a_replayed_batch_replaces_its_entry(spark):
    ties = [(0, 0.5), (1, 0.5)]
    scores = BatchScores()
    scores.record(6, 5, retrained=scored(spark, [(0, 0.2), (1, 0.7)]))
    scores.record(6, 5, retrained=scored(spark, ties))
    assert len(scores) == 1
    assert scores.auc_table().loc[6, "retrained"] == auc([0, 1], [0.5, 0.5]) == 0.5


def test_one_class_only_gives_nan_not_an_error(spark):
    scores = BatchScores()
    scores.record(0, 1, model=scored(spark, [(0, 0.3), (0, 0.4)]))
    assert math.isnan(scores.auc_table().loc[0, "model"])
