"""Lab 3: the parsers on every kind of damage, the click log, the model's margin over popularity,
and recommendations that stay one set per (batch, user) when Spark replays a batch."""

from __future__ import annotations

import random
from collections import Counter
from functools import reduce

import pytest
from pyspark.ml.classification import LogisticRegression, RandomForestClassifier
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from streamlab import FileDrop
from streamlab.clicklog import (
    CLICKS_DIR,
    MALFORMED_KINDS,
    click_batches,
    damage,
    make_world,
    read_click_batches,
    write_click_batches,
)
from streamlab.lessons.recommender import (
    add_history,
    click_pipeline,
    click_score,
    history_of,
    make_scorer,
    parse_clicks,
    parse_line,
    precision_at_k,
    prepare,
    training_table,
    with_features,
)
from streamlab.metrics import auc

GOOD = "2026-03-02T06:00:03,10.0.4.17,1042,/sports/article-7,view,ad-07,sports"
LOG = read_click_batches()


def lines_frame(spark, batches):
    rows = [(b, line) for b, lines in enumerate(batches) for line in lines]
    return spark.createDataFrame(rows, "batch_id int, value string")


def test_every_kind_of_damage_gets_its_own_reason_from_both_parsers(spark):
    rng = random.Random(5)
    cases = [(GOOD, None)] + [
        (damage(rng, GOOD, kind), kind) for kind in MALFORMED_KINDS for _ in range(12)
    ]
    parsed = parse_clicks(spark.createDataFrame([(line,) for line, _ in cases], "value string"))
    reasons = [row["reason"] for row in parsed.collect()]
    assert reasons == [kind for _, kind in cases]
    assert [parse_line(line)[1] for line, _ in cases] == [kind for _, kind in cases]
    good = parsed.first()
    assert (good["user_id"], good["action"], good["ad_category"]) == (1042, "view", "sports")
    assert str(good["event_time"]) == "2026-03-02 06:00:03"
    record, reason = parse_line(GOOD)
    assert reason is None and record["user_id"] == 1042 and record["ad_id"] == "ad-07"


def test_parsers_agree_on_every_line_and_lose_none(spark):
    frame = lines_frame(spark, LOG)
    parsed = parse_clicks(frame.select("value")).select("line", "reason").collect()
    lines = [line for batch in LOG for line in batch]
    assert len(parsed) == len(lines) == 30_000
    assert [r["line"] for r in parsed] == lines
    assert [r["reason"] for r in parsed] == [parse_line(line)[1] for line in lines]
    counts = Counter(r["reason"] for r in parsed)
    assert counts[None] == 29_374  # the figures Lab 3 prints
    assert {k: counts[k] for k in MALFORMED_KINDS} == {
        "wrong field count": 106,
        "non-numeric user id": 101,
        "unknown action": 97,
        "empty line": 96,
        "bad timestamp": 120,
        "stray quote": 106,
    }


def test_shipped_log_regenerates_byte_for_byte_and_depends_on_its_seed(tmp_path):
    fresh = write_click_batches(tmp_path)
    shipped = sorted(CLICKS_DIR.glob("batch-*.log"))
    assert [p.name for p in fresh] == [p.name for p in shipped]
    for new, old in zip(fresh, shipped, strict=True):
        assert new.read_bytes() == old.read_bytes(), old.name
    assert click_batches(seed=11, batches=2) == LOG[:2]
    assert click_batches(seed=12, batches=2) != LOG[:2]
    assert sum(len(p.read_bytes()) for p in shipped) < 3_000_000


@pytest.fixture(scope="module")
def impressions(spark):
    parts = [
        parse_clicks(spark.createDataFrame([(line,) for line in lines], "value string"))
        .withColumn("batch_id", F.lit(batch))
        for batch, lines in enumerate(LOG)
    ]
    parsed = reduce(DataFrame.unionByName, parts)
    return prepare(parsed.where("reason IS NULL").drop("line", "reason")).cache()


@pytest.fixture(scope="module")
def history_until_3(impressions):
    """The lab's training table (batches 0-3) and the history after batch 3, built once."""
    train, history = training_table(impressions, [0, 1, 2, 3])
    return train.cache(), history.cache()


def test_click_models_beat_popularity_by_the_margin_the_lab_states(impressions, history_until_3):
    train, history = history_until_3
    later = [impressions.where(f"batch_id = {b}") for b in (4, 5)]
    test = with_features(later[0], history).unionByName(
        with_features(later[1], add_history(history, history_of(later[0])))
    )
    test = test.cache()
    popularity = train.groupBy("ad_id").agg(F.avg("clicked").alias("score"))
    baseline = test.join(popularity, "ad_id", "left").fillna(0, ["score"])

    def quality(frame):
        labels = frame.select("clicked", "score").toPandas()
        return auc(labels["clicked"], labels["score"]), precision_at_k(frame, 3)

    pop_auc, pop_precision = quality(baseline)
    for classifier in (
        LogisticRegression(labelCol="clicked", maxIter=50, regParam=0.01),
        RandomForestClassifier(labelCol="clicked", numTrees=40, maxDepth=6, seed=7),
    ):
        model = click_pipeline(classifier).fit(train)
        model_auc, model_precision = quality(click_score(model, test))
        assert model_auc >= pop_auc + 0.25
        assert model_precision >= pop_precision + 0.25


def test_a_replayed_batch_overwrites_its_recommendations(spark, history_until_3, tmp_path):
    root = tmp_path / "lab3"
    train, history = history_until_3
    model = click_pipeline(LogisticRegression(labelCol="clicked", maxIter=20)).fit(train)
    history.write.parquet(str(root / "history/batch_id=3"))
    train.drop("batch_id").write.parquet(str(root / "training/batch_id=3"))
    model.write().save(str(root / "models/v3"))
    ads = spark.createDataFrame(
        [(a.ad_id, a.category) for a in make_world().ads], "ad_id string, ad_category string"
    )
    metrics: dict = {}
    scorer = make_scorer(
        root, 4, model, ads,
        lambda: click_pipeline(LogisticRegression(labelCol="clicked", maxIter=20)),
        retrain_every=2, top_n=3, metrics=metrics,
    )
    drop = FileDrop(tmp_path / "live")
    drop.drop_all(LOG[4:7])
    checkpoint = tmp_path / "checkpoint"

    def start():
        return (
            spark.readStream.option("maxFilesPerTrigger", 1).text(drop.path)
            .writeStream.foreachBatch(scorer)
            .option("checkpointLocation", str(checkpoint))
            .trigger(availableNow=True).start()
        )

    query = start()
    assert query.awaitTermination(300)
    first = spark.read.parquet(str(root / "recommendations")).toPandas()
    for name in ("2", ".2.crc"):  # forget that batch 2 (log batch 6) was committed
        (checkpoint / "commits" / name).unlink()
    replay = start()
    assert replay.awaitTermination(300)
    assert [p["batchId"] for p in replay.recentProgress] == [2]
    again = spark.read.parquet(str(root / "recommendations")).toPandas()

    key = ["batch_id", "user_id", "rank"]
    assert sorted(first["batch_id"].unique()) == [4, 5, 6]
    assert len(again) == len(first)
    assert again.groupby(["batch_id", "user_id"]).size().eq(3).all()
    assert (
        again.sort_values(key).reset_index(drop=True)
        .equals(first.sort_values(key).reset_index(drop=True))
    )
    assert sorted(p.name for p in (root / "models").iterdir()) == ["v3", "v5"]


def test_auc_counts_ties_as_half():
    assert auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert auc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]) == 0.0
    assert auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert auc([0, 0], [0.1, 0.2]) != auc([0, 0], [0.1, 0.2])  # NaN: one class only


def test_the_lab_and_the_generator_agree_on_the_ad_catalogue():
    """The lab states its own categories and on-topic sections; they must be the log's."""
    from streamlab import clicklog
    from streamlab.lessons import recommender

    assert recommender.CATEGORIES == clicklog.CATEGORIES
    assert recommender.SECTIONS == clicklog.SECTIONS
    assert recommender.ACTIONS == clicklog.ACTIONS
    assert recommender.N_FIELDS == len(clicklog.FIELDS)
