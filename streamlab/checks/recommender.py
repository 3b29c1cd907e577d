"""Checks of Lab 3's key functions (labs/03-streaming-recommender.ipynb) against plain Python.

The parser is checked against its plain-Python twin `parse_line` (the book's, whatever the
learner's copy of it holds), the metric against a plain-Python precision at k.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from statistics import mean

from ..lessons import recommender as book
from ..session import get_spark
from . import Mismatch, verdict

TASKS = {
    "parse_clicks": "split `value` on commas (F.split; F.get(parts, i) is null past the "
    "end), trim each field, and build `reason` with F.when(...).when(...) in the order of "
    "the rules above (empty line, stray quote, wrong field count, non-numeric user id, "
    "unknown action, bad timestamp); use F.try_to_timestamp and try_cast so no line raises.",
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
