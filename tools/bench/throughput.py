"""How many words per second a DStream word count sustains on local mode, against plain Python.

For each batch interval, the largest input rate at which Lab 1's word count (flatMap, map,
reduceByKey on local[*], with the book's Spark settings) keeps each batch's processing time below
the interval. The input is a deterministic text (streamlab.data's word generator), replicated to
the size of a batch and handed to Spark before the stream starts (`parallelize`, replayed by
`queueStream`), so no source has to keep up. A StreamingListener reports each batch's
processing time, and every batch's counts are checked against the words it was given. The
rate doubles until a run is too slow, then bisects between the last rate that held and the
first that did not. The reference is a plain-Python word count
(collections.Counter over the split lines) of the same text on one core.

Writes to bench/results/: throughput.csv (one row per interval; throughput-page.csv has it with
the page's headers), throughput-trials.csv (every run), throughput-summary.csv (the reference and
a linear fit of processing time), throughput.png.

Usage: python -m tools.bench.throughput [--intervals 0.5 1 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from tools.bench.results import write_csv  # one CSV writer for both benchmarks
from tools.paths import RESULTS

INTERVALS = (0.5, 1.0, 2.0)
START_RATE = 50_000  # words per second, the first rate tried at the shortest interval
MAX_WORDS_PER_BATCH = 12_000_000  # beyond this the driver's list of lines gets large: stop
BISECT_STEPS = 3  # after the first rate that fails: within 1/8 of the last doubling
JUDGED_BATCHES = 3  # batches judged after the first one of each run (a warm-up)
POOL_LINES = 20_000  # distinct generated lines, replicated to fill larger batches


@dataclass
class Search:
    """The outcome of a rate search: the largest rate that held, and every rate tried."""

    rate: float
    capped: bool  # the search stopped at its limit, so the true maximum is higher
    trials: list[tuple[float, bool]] = field(default_factory=list)


def search_max_rate(
    sustains: Callable[[float], bool],
    start: float,
    limit: float,
    bisect_steps: int = BISECT_STEPS,
    lowest: float = 1.0,
) -> Search:
    """The largest rate for which `sustains(rate)` holds: double from `start`, then bisect.

    If `start` already fails, halve until a rate holds (0 if none does down to `lowest`).
    Never tries a rate above `limit`; if every doubling held up to it, the result is `capped`.
    """
    trials: list[tuple[float, bool]] = []

    def test(rate: float) -> bool:
        held = sustains(rate)
        trials.append((rate, held))
        return held

    if test(start):
        good = start
        while True:
            if good * 2 > limit:
                return Search(good, True, trials)
            if not test(good * 2):
                bad = good * 2
                break
            good *= 2
    else:
        bad = start
        while True:
            if bad / 2 < lowest:
                return Search(0.0, False, trials)
            if test(bad / 2):
                good = bad / 2
                break
            bad /= 2
    for _ in range(bisect_steps):
        middle = round((good + bad) / 2)
        if test(middle):
            good = middle
        else:
            bad = middle
    return Search(good, False, trials)


def judge(
    processing_ms: Sequence[float], interval_s: float, judged: int = JUDGED_BATCHES
) -> bool | None:
    """Whether the judged batches kept up: True or False once a majority agrees, else None.

    `processing_ms` are the processing times of the batches judged so far, in order. A batch
    keeps up when it is processed in less than the interval; the run holds when most do (one
    slow batch on a busy machine does not sink it).
    """
    majority = judged // 2 + 1
    fast = sum(1 for ms in processing_ms[:judged] if ms < interval_s * 1000)
    slow = len(processing_ms[:judged]) - fast
    if fast >= majority:
        return True
    if slow >= majority:
        return False
    return None


def text_pool(lines: int = POOL_LINES, seed: int = 7) -> list[str]:
    """Deterministic lines of 4 to 12 words from the book's word generator."""
    from streamlab.data import word_batches

    per_batch = 1000
    batches = word_batches(batches=max(1, lines // per_batch), lines_per_batch=per_batch, seed=seed)
    return [line for batch in batches for line in batch][:lines]


def lines_for(pool: Sequence[str], words: int) -> list[str]:
    """The pool's lines, repeated as often as needed, up to the first that reaches `words`."""
    counts = list(accumulate(len(line.split()) for line in pool))
    total = counts[-1]
    whole, rest = divmod(words, total)
    if rest == 0:
        return list(pool) * whole
    partial = next(i for i, c in enumerate(counts) if c >= rest) + 1
    return list(pool) * whole + list(pool[:partial])


def python_words_per_s(lines: Sequence[str], repeats: int = 3) -> float:
    """Words per second of a plain-Python word count on one core (the best of `repeats`)."""
    words = sum(len(line.split()) for line in lines)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        counts: Counter[str] = Counter()
        for line in lines:
            counts.update(line.split())
        best = min(best, time.perf_counter() - start)
    assert sum(counts.values()) == words
    return words / best


_COUNTED: list[int] = []  # words counted by each batch of the current run


def _collect(rdd: Any) -> None:
    """The output of each batch: bring the counts to the driver and keep their total."""
    _COUNTED.append(sum(count for _, count in rdd.collect()))


class Trial:
    """One run of the word count at one rate and interval; its batches' processing times."""

    def __init__(self, interval_s: float, rate: float, words: int):
        self.interval_s = interval_s
        self.rate = rate
        self.words = words
        self.processing_ms: list[float] = []
        self.held: bool | None = None

    def row(self) -> dict[str, Any]:
        return {
            "batch_interval_s": self.interval_s,
            "words_per_s": round(self.words / self.interval_s),
            "words_per_batch": self.words,
            "median_processing_ms": round(statistics.median(self.processing_ms))
            if self.processing_ms
            else "",
            "batches_judged": len(self.processing_ms),
            "sustained": "yes" if self.held else "no",
        }


def run_trial(sc: Any, pool: Sequence[str], interval_s: float, rate: float) -> Trial:
    """Run the word count at `rate` words/s for a few batches; judge whether it kept up."""
    from pyspark.streaming.listener import StreamingListener

    from streamlab import streaming_context

    lines = lines_for(pool, max(1, round(rate * interval_s)))
    words = sum(len(line.split()) for line in lines)
    trial = Trial(interval_s, rate, words)
    # Every batch is this same RDD. (Caching it would not help: Spark Streaming unpersists each
    # batch's input RDD once the batch is done, so the next batch would find no blocks.)
    rdd = sc.parallelize(lines, sc.defaultParallelism)
    del lines
    _COUNTED.clear()

    done = threading.Event()
    times: list[float] = []

    class Listener(StreamingListener):
        def onBatchCompleted(self, batchCompleted: Any) -> None:  # noqa: N802 (Spark's name)
            times.append(batchCompleted.batchInfo().processingDelay())
            if judge(times[1:], interval_s) is not None:
                done.set()

    ssc = streaming_context(interval_s)
    ssc.addStreamingListener(Listener())
    (
        ssc.queueStream([rdd] * (JUDGED_BATCHES + 3), oneAtATime=True)
        .flatMap(lambda line: line.split())
        .map(lambda word: (word, 1))
        .reduceByKey(lambda a, b: a + b)
        .foreachRDD(_collect)
    )
    ssc.start()
    try:
        done.wait(timeout=(JUDGED_BATCHES + 1) * interval_s * 4 + 60)
    finally:
        ssc.stop(stopSparkContext=False, stopGraceFully=False)
    judged = len(times[1 : JUDGED_BATCHES + 1])
    if len(_COUNTED) < judged + 1 or any(total != words for total in _COUNTED[: judged + 1]):
        raise RuntimeError(
            f"The word count lost words at {rate:,.0f} words/s every {interval_s} s: batches "
            f"counted {_COUNTED} instead of {words} (see Spark's errors above)."
        )
    trial.processing_ms = [float(ms) for ms in times[1 : JUDGED_BATCHES + 1]]
    trial.held = bool(judge(trial.processing_ms, interval_s))
    return trial


def fit_line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares intercept and slope of y = a + b x through `points`."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return mean_y - slope * mean_x, slope


def page_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """throughput.csv with readable headers and numbers, for the book's performance page."""
    return [
        {
            "batch interval (s)": f"{r['batch_interval_s']:g}",
            "sustained rate (words/s)": f"{r['sustained_words_per_s']:,}"
            + (" or more" if r["capped"] == "yes" else ""),
            "words per batch": f"{r['words_per_batch']:,}",
            "processing time at that rate (ms, median)": str(r["median_processing_ms"]),
            "share of plain Python, one core": f"{r['share_of_plain_python']:.0%}",
        }
        for r in rows
    ]


def plot(rows: Sequence[dict[str, Any]], python_rate: float, path: Path) -> None:
    """Sustained rate against batch interval, with plain Python on one core as a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    intervals = [float(r["batch_interval_s"]) for r in rows]
    rates = [float(r["sustained_words_per_s"]) / 1e6 for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2), facecolor="white")
    ax.plot(
        intervals, rates, marker="o", color="#4c72b0", label="Spark word count, local[*] (DStreams)"
    )
    capped = [r.get("capped") in ("yes", True) for r in rows]
    for x, y, more in zip(intervals, rates, capped):
        # At its limit the search stopped before a batch fell behind: the rate is a lower bound.
        ax.annotate(
            f"≥ {y:.2f}" if more else f"{y:.2f}",
            (x, y),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=9,
            color="#4c72b0",
        )
    ax.axhline(
        python_rate / 1e6, color="#dd8452", linestyle="--", label="plain Python, one core (Counter)"
    )
    ax.set_xlabel("batch interval (s)")
    ax.set_ylabel("sustained input rate (million words/s)")
    ax.set_xticks(intervals)
    ax.set_ylim(0, max([*rates, python_rate / 1e6]) * 1.15)
    ax.set_title("The largest rate a word count keeps up with")
    ax.legend(loc="best", fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110, facecolor="white")
    plt.close(fig)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=float, nargs="+", default=list(INTERVALS))
    args = parser.parse_args(argv)
    began = time.perf_counter()

    pool = text_pool()
    reference_lines = lines_for(pool, 2_000_000)
    python_rate = python_words_per_s(reference_lines)
    del reference_lines
    print(f"plain Python word count, one core: {python_rate:,.0f} words/s", flush=True)

    from streamlab import get_spark, stop_spark

    sc = get_spark().sparkContext
    run_trial(sc, pool, 1.0, 1000)  # warm-up: the first stream of a JVM starts slowly
    results, all_trials = [], []
    start = START_RATE
    for interval in sorted(args.intervals):
        trials: list[Trial] = []

        def sustains(rate: float, interval: float = interval, trials: list = trials) -> bool:
            trial = run_trial(sc, pool, interval, rate)
            trials.append(trial)
            times = ", ".join(f"{ms:.0f}" for ms in trial.processing_ms)
            print(
                f"  {interval:g} s, {rate:>12,.0f} words/s: processing {times} ms -> "
                f"{'holds' if trial.held else 'too slow'}",
                flush=True,
            )
            return bool(trial.held)

        print(f"batch interval {interval:g} s", flush=True)
        found = search_max_rate(sustains, start, limit=MAX_WORDS_PER_BATCH / interval)
        best = max(
            (t for t in trials if t.held and t.rate == found.rate),
            key=lambda t: t.rate,
            default=None,
        )
        results.append(
            {
                "batch_interval_s": interval,
                "sustained_words_per_s": round(best.words / interval) if best else 0,
                "words_per_batch": best.words if best else 0,
                "median_processing_ms": best.row()["median_processing_ms"] if best else "",
                "capped": "yes" if found.capped else "no",
                "share_of_plain_python": round(best.words / interval / python_rate, 3)
                if best
                else 0,
            }
        )
        all_trials += trials
        start = max(found.rate, START_RATE)  # a longer interval sustains at least this
    stop_spark()

    overhead_ms, ms_per_word = fit_line(
        [(t.words, statistics.median(t.processing_ms)) for t in all_trials if t.processing_ms]
    )
    elapsed = time.perf_counter() - began
    summary = [
        {"item": "plain Python word count, one core (words/s)", "value": f"{python_rate:,.0f}"},
        {"item": "fixed cost of a batch, fitted (ms)", "value": f"{overhead_ms:,.0f}"},
        {"item": "cost of a million words, fitted (ms)", "value": f"{ms_per_word * 1e6:,.0f}"},
        {
            "item": "rate with no fixed cost, fitted (words/s)",
            "value": f"{1000 / ms_per_word:,.0f}" if ms_per_word > 0 else "n/a",
        },
        {"item": "runs of the word count", "value": str(len(all_trials))},
        {"item": "duration of this benchmark (s)", "value": f"{elapsed:.0f}"},
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    write_csv(results, RESULTS / "throughput.csv")
    write_csv(page_rows(results), RESULTS / "throughput-page.csv")
    write_csv([t.row() for t in all_trials], RESULTS / "throughput-trials.csv")
    write_csv(summary, RESULTS / "throughput-summary.csv")
    plot(results, python_rate, RESULTS / "throughput.png")

    print(
        f"\n{'interval s':>10} {'sustained words/s':>18} {'words/batch':>12} "
        f"{'processing ms':>14} {'vs Python':>9}"
    )
    for r in results:
        print(
            f"{r['batch_interval_s']:>10} {r['sustained_words_per_s']:>18,} "
            f"{r['words_per_batch']:>12,} {r['median_processing_ms']:>14} "
            f"{r['share_of_plain_python']:>9}"
        )
    for item in summary:
        print(f"{item['item']}: {item['value']}")
    print(f"\nwritten to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
