"""Checks of Lab 3's key functions (labs/03-streaming-recommender.ipynb) against plain Python.

The parser is checked against its plain-Python twin `parse_line` (the book's, whatever the
learner's copy of it holds), the metric against a plain-Python precision at k.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from statistics import mean

from ..lessons import recommender as book
from ..runtime.scratch import scratch_dir
from ..runtime.spark import get_spark
from . import Mismatch, verdict

TASKS = {
    "StoreParsed": "in __call__, parse batch_df (parse_clicks) and cache it; write its "
    "valid rows (reason null, without line and reason) to f'{self.root}/events/"
    "batch_id={batch_id}' and its rejected rows (reason, line) to f'{self.root}/rejected/"
    "batch_id={batch_id}', both in overwrite mode, so a micro-batch run again replaces its "
    "folders; then record self.counts[batch_id] = {'valid': ..., 'rejected': ...}.",
    "parse_clicks": "split `value` on commas (F.split; F.get(parts, i) is null past the "
    "end), trim each field, and build `reason` with F.when(...).when(...) in the order of "
    "the rules above (empty line, stray quote, wrong field count, non-numeric user id, "
    "unknown action, bad timestamp); use F.try_to_timestamp and try_cast so no line raises.",
    "recommend": "score every ad for every user in their context: cross-join the context "
    "with the ads, add the features (with_features, from the history), score them "
    "(click_score), rank each user's ads by score descending then ad_id (F.row_number "
    "over a Window), keep ranks up to top_n, and select user_id, rank, ad_id, ad_category "
    "and the score rounded to 4 places.",
    "precision_at_k": "keep one row per (user_id, ad_id) with its max clicked and max "
    "score; rank each user's ads by score descending then ad_id (F.row_number over a "
    "Window), keep the first k of users shown at least k ads, and average the clicked "
    "share per user, then over users.",
}

LINES = [
    "2026-03-02T06:00:03,10.0.4.17,1042,/sports/article-7,view,ad-07,sports",
    " 2026-03-02T06:10:00 , 10.0.4.18 , 7 , /tech/a-1 , click , ad-11 , tech ",
    "",
    "   ",
    '2026-03-02T06:00:03,10.0.4.17,1042,"/sports/article-7,view,ad-07,sports',
    "2026-03-02T06:00:03,10.0.4.17,1042,/sports/article-7,view,sports",
    "2026-03-02T06:00:03,10.0.4.17,1042,/sports/a,view,ad-07,sports,extra",
    "2026-03-02T06:00:03,10.0.4.17,u1042,/sports/article-7,view,ad-07,sports",
    "2026-03-02T06:00:03,10.0.4.17,-5,/sports/article-7,view,ad-07,sports",
    "2026-03-02T06:00:03,10.0.4.17,1042,/sports/article-7,hover,ad-07,sports",
    "2026-03-02T25:61:00,10.0.4.17,1042,/sports/article-7,view,ad-07,sports",
    "02/03/2026 06:00,10.0.4.17,1042,/sports/article-7,view,ad-07,sports",
]
FIELDS = ["event_time", "ip", "user_id", "page", "action", "ad_id", "ad_category"]


def _lines_table(lines: list[str]):
    """A one-column (`value`) table of `lines`, built in the JVM (no Python worker)."""
    from pyspark.sql import functions as F

    column = F.explode(F.array(*[F.lit(line) for line in lines])).alias("value")
    return get_spark().range(1).select(column)


def check_parse_clicks(parse_clicks: Callable) -> Callable:
    """Every rule of the parser, one line each, against `parse_line`."""

    def trial(function: Callable) -> str:
        result = function(_lines_table(LINES))
        missing = {"line", "reason", *FIELDS} - set(result.columns)
        if missing:
            raise Mismatch(
                "log lines",
                "columns line, reason and " + ", ".join(FIELDS),
                f"no column {', '.join(sorted(missing))}",
            )
        got = {row["line"]: row for row in result.collect()}
        for line in LINES:
            record, reason = book.parse_line(line)
            row = got.get(line)
            if row is None:
                raise Mismatch(f"the line {line!r}", "one row for it", "no row: it was lost")
            if row["reason"] != reason:
                raise Mismatch(f"the line {line!r}", f"reason {reason!r}", f"{row['reason']!r}")
            for name, value in (record or {}).items():
                if row[name] != value:
                    raise Mismatch(
                        f"the line {line!r}", f"{name} = {value!r}", f"{name} = {row[name]!r}"
                    )
        if len(got) != len(LINES) or result.count() != len(LINES):
            raise Mismatch(f"{len(LINES)} lines", f"{len(LINES)} rows", f"{result.count()} rows")
        reasons = sorted({r for r in (book.parse_line(line)[1] for line in LINES) if r})
        return (
            f"{len(LINES)} lines gave one row each, the typed fields of the good ones and "
            f"the reason of each bad one ({', '.join(reasons)})."
        )

    return verdict("parse_clicks", parse_clicks, book.parse_clicks, trial, TASKS["parse_clicks"])


def check_store_parsed(store_parsed: type) -> type:
    """Micro-batch 0, micro-batch 1, then micro-batch 0 again: every line once, in its place."""

    def trial(sink_class: type) -> str:
        spark = get_spark()
        root = scratch_dir("check-store-parsed")
        sink = sink_class(str(root))
        first, second = LINES[:6], LINES[6:]
        for lines, batch_id in ((first, 0), (second, 1), (first, 0)):
            sink(_lines_table(lines), batch_id)
        given = "two micro-batches of log lines, then the first one again (a replay)"
        expected_counts, expected_rejected = {}, []
        for batch_id, lines in ((0, first), (1, second)):
            reasons = [book.parse_line(line)[1] for line in lines]
            expected_counts[batch_id] = {
                "valid": reasons.count(None),
                "rejected": len(lines) - reasons.count(None),
            }
            expected_rejected += [(batch_id, r) for r in reasons if r]
        if sink.counts != expected_counts:
            raise Mismatch(given, f"counts {expected_counts}", f"counts {sink.counts}")
        for folder in ("events", "rejected"):
            if not (root / folder).is_dir():
                raise Mismatch(given, f"a folder {folder}/ under the root", "none")
        valid = sorted(
            (r["batch_id"], r["user_id"]) for r in spark.read.parquet(f"{root}/events").collect()
        )
        expected_valid = sorted(
            (b, book.parse_line(line)[0]["user_id"])
            for b, lines in ((0, first), (1, second))
            for line in lines
            if book.parse_line(line)[1] is None
        )
        if valid != expected_valid:
            raise Mismatch(given, f"valid (batch, user) {expected_valid}", f"{valid}")
        rejected = sorted(
            (r["batch_id"], r["reason"]) for r in spark.read.parquet(f"{root}/rejected").collect()
        )
        if rejected != sorted(expected_rejected):
            raise Mismatch(given, f"rejected {sorted(expected_rejected)}", f"{rejected}")
        return (
            "a micro-batch written twice left each of its lines once, valid or rejected with "
            f"its reason, and the counts add up ({expected_counts})."
        )

    return verdict("StoreParsed", store_parsed, book.StoreParsed, trial, TASKS["StoreParsed"])


# (user_id, ad_id, clicked, score): user 1 was shown ad a twice (clicked once), user 3 only
# one ad; users 1 and 2 tie on score, where the ad id decides.
SCORED = [
    (1, "a", 0, 0.9),
    (1, "a", 1, 0.2),
    (1, "b", 0, 0.5),
    (1, "c", 1, 0.5),
    (2, "a", 1, 0.3),
    (2, "b", 0, 0.8),
    (2, "c", 0, 0.1),
    (3, "a", 1, 0.7),
]


def precision_at_k_in_python(rows: list[tuple], k: int) -> float | None:
    """The mean, over users shown at least k ads, of the clicked share of their k best ads."""
    per_ad: dict[tuple, tuple[int, float]] = {}
    for user, ad, clicked, score in rows:
        old = per_ad.get((user, ad), (0, float("-inf")))
        per_ad[(user, ad)] = (max(old[0], clicked), max(old[1], score))
    shares = []
    for _, ads in itertools.groupby(sorted(per_ad.items()), key=lambda item: item[0][0]):
        ranked = sorted(ads, key=lambda item: (-item[1][1], item[0][1]))
        if len(ranked) >= k:
            shares.append(mean(clicked for _, (clicked, _) in ranked[:k]))
    return mean(shares) if shares else None


def check_precision_at_k(precision_at_k: Callable) -> Callable:
    """k = 1 and 2 on eight scored rows, against plain Python."""

    def trial(function: Callable) -> str:
        values = ", ".join(f"({u}, '{a}', {c}, {s})" for u, a, c, s in SCORED)
        scored = get_spark().sql(
            f"SELECT * FROM VALUES {values} AS t(user_id, ad_id, clicked, score)"
        )
        results = []
        for k in (1, 2):
            expected = precision_at_k_in_python(SCORED, k)
            got = function(scored, k)
            if got is None or abs(got - expected) > 1e-9:
                raise Mismatch(
                    f"k={k} and the rows (user, ad, clicked, score) {SCORED}",
                    f"{expected:.4f}",
                    "None" if got is None else f"{got:.4f}",
                )
            results.append(f"k={k}: {got:.4f}")
        return f"{' and '.join(results)}, as plain Python gives (ties broken by ad id)."

    return verdict(
        "precision_at_k", precision_at_k, book.precision_at_k, trial, TASKS["precision_at_k"]
    )


class _ScoreByHistory:
    """A stand-in for a fitted model: P(click) = 0.5 * cat_ctr + 0.3 * on_topic."""

    def transform(self, rows):
        from pyspark.ml.functions import array_to_vector
        from pyspark.sql import functions as F

        p = 0.5 * F.col("cat_ctr") + 0.3 * F.col("on_topic")
        return rows.withColumn("probability", array_to_vector(F.array(1 - p, p)))


HISTORY = [(1, "sports", 4, 3), (1, "tech", 2, 0), (2, "music", 1, 1)]
CONTEXT = [(1, "/sports", 9), (2, "/tech", 21), (3, "/music", 7)]
ADS = [("ad-1", "sports"), ("ad-2", "tech"), ("ad-3", "music"), ("ad-4", "sports")]


def recommend_in_python(top_n: int) -> list[tuple]:
    """(user, rank, ad, category, score) from the same rule as the stand-in model."""
    history = {(u, c): (v, k) for u, c, v, k in HISTORY}
    rows = []
    for user, section, _ in CONTEXT:
        scored = []
        for ad, category in ADS:
            views, clicks = history.get((user, category), (0, 0))
            on_topic = 1.0 if book.SECTIONS[category] == section else 0.0
            scored.append((-(0.5 * (clicks + 0.3) / (views + 2) + 0.3 * on_topic), ad, category))
        for rank, (minus_p, ad, category) in enumerate(sorted(scored)[:top_n], start=1):
            rows.append((user, rank, ad, category, round(-minus_p, 4)))
    return rows


def check_recommend(recommend: Callable) -> Callable:
    """Three users, four ads, a model whose scores plain Python can compute: the top 2."""
    top_n = 2

    def trial(function: Callable) -> str:
        spark = get_spark()

        def table(rows, columns):
            values = ", ".join(repr(tuple(r)) for r in rows)
            return spark.sql(f"SELECT * FROM VALUES {values} AS t({columns})")

        history = table(HISTORY, "user_id, ad_category, views, clicks")
        context = table(CONTEXT, "user_id, section, hour")
        ads = table(ADS, "ad_id, ad_category")
        result = function(_ScoreByHistory(), history, context, ads, top_n)
        columns = ["user_id", "rank", "ad_id", "ad_category", "score"]
        if result is None or result.columns != columns:
            got = "nothing" if result is None else f"columns {result.columns}"
            raise Mismatch(f"top_n={top_n}", f"columns {columns}", got)
        got = sorted(tuple(r) for r in result.collect())
        expected = recommend_in_python(top_n)
        got = [(u, k, a, c, round(float(s), 4)) for u, k, a, c, s in got]
        if got != expected:
            raise Mismatch(
                f"top_n={top_n}, users in context {CONTEXT}, ads {ADS}, history {HISTORY} and "
                "a model scoring 0.5 * cat_ctr + 0.3 * on_topic",
                f"(user, rank, ad, category, score) {expected}",
                f"{got}",
            )
        return (
            f"the top {top_n} ads of three users, one with no history, ranked as plain "
            "Python ranks them with a model it can compute."
        )

    return verdict("recommend", recommend, book.recommend, trial, TASKS["recommend"])
