"""Lab 3: the parsers on every kind of damage, the click log, the AUC.

The lab itself shows the models' margin over popularity and checks that a replayed batch leaves
the same recommendations (nbval runs it twice and compares every figure it prints).
"""

from __future__ import annotations

import random
from collections import Counter

from streamlab.data.clicks import (
    CLICKS_DIR,
    MALFORMED_KINDS,
    click_batches,
    damage,
    read_click_batches,
    write_click_batches,
)
from streamlab.evaluation import auc
from streamlab.lessons.recommender import parse_clicks, parse_line

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


def test_auc_counts_ties_as_half():
    assert auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert auc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]) == 0.0
    assert auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert auc([0, 0], [0.1, 0.2]) != auc([0, 0], [0.1, 0.2])  # NaN: one class only


def test_the_lab_and_the_generator_agree_on_the_ad_catalogue():
    """The lab states its own categories and on-topic sections; they must be the log's."""
    from streamlab.data import clicks
    from streamlab.lessons import recommender

    assert recommender.CATEGORIES == clicks.CATEGORIES
    assert recommender.SECTIONS == clicks.SECTIONS
    assert recommender.ACTIONS == clicks.ACTIONS
    assert recommender.N_FIELDS == len(clicks.FIELDS)
