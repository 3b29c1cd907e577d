"""The figures the book's widgets draw, one function per widget, with the data each one shows.

A notebook imports its widget's draw function from here and calls `explore(draw, controls)`;
the website's build (`tools/widget_frames.py`) imports the same function and draws every
setting of the controls in advance. So each function depends only on its arguments and on data
of the book (module constants, `streamlab.data`), never on a notebook's variables. Functions
are named after what they show; the chapter is in the docstring. Data that is read from files
is read once, on first use.
"""

from __future__ import annotations

import functools

import pandas as pd
from matplotlib.figure import Figure

from .data import read_word_batches, read_word_events, words_by_batch
from .data.ads import read_ad_batches
from .errors import SetupError
from .plots.checkpoints import resume_timeline
from .plots.eventtime import event_time_chart
from .plots.joins import join_chart
from .plots.output_modes import output_modes_chart
from .plots.scaling import backlog_chart
from .plots.sessions import sessions_chart
from .plots.state import state_size_lines
from .plots.state_reader import state_snapshot_chart
from .plots.timeline import batch_timeline, queue_chart
from .plots.windows import window_heatmap, window_timeline
from .simulate import joins as join_model
from .simulate import output_modes as output_modes_model
from .simulate import sessions as sessions_model
from .simulate import watermark as watermark_model
from .simulate.batches import group_into_batches, is_stable, queue_batches, random_arrivals
from .simulate.checkpoints import running_counts
from .simulate.ratelimit import backlog_run
from .simulate.state import state_sizes, visitor_batches
from .simulate.windows import model_window_counts, window_outputs

# Chapter 01: eight events a second for six seconds, cut into batches.
BATCHING_EVENTS = random_arrivals(rate_per_s=8, duration_s=6, seed=3)


def batching_timeline(batch_interval: float) -> Figure:
    """Chapter 01: the same events cut into batches of `batch_interval` seconds."""
    return batch_timeline(BATCHING_EVENTS, batch_interval, duration_s=6)


# Chapter 02: the cost of a batch, fixed part plus a cost per record.
QUEUE_FIXED_S = 0.5  # per batch
QUEUE_PER_RECORD_S = 0.005  # per record (10 ms, on two partitions in parallel)


def batch_queue(batch_interval: float, input_rate: float) -> Figure:
    """Chapter 02: twelve batches queued at an input rate; stable or falling behind."""
    if round(batch_interval * 1000) != batch_interval * 1000:
        raise SetupError("Spark counts the batch interval in whole ms.")
    n = 12
    events = random_arrivals(input_rate, n * batch_interval, seed=4)
    grouped = group_into_batches(events, batch_interval)
    sizes = [len(grouped.get(k, [])) for k in range(1, n + 1)]
    costs = [QUEUE_FIXED_S + size * QUEUE_PER_RECORD_S for size in sizes]
    runs = queue_batches(batch_interval, costs)
    stable = is_stable(batch_interval, input_rate, QUEUE_PER_RECORD_S, QUEUE_FIXED_S)
    title = (
        f"{input_rate:g} records/s, interval {batch_interval:g} s, "
        f"mean processing {sum(costs) / n:.2f} s: {'stable' if stable else 'unstable'}"
    )
    return queue_chart(runs, batch_interval, title=title)


# Chapter 04: the words of ten batches (half a second each), and how long each run lasts.
WINDOW_WORD_BATCHES = [
    ["spark", "stream", "spark"],
    ["stream"],
    [],
    ["kafka", "spark"],
    ["spark"],
    [],
    [],
    ["stream", "stream", "batch"],
    ["spark"],
    [],
]
WINDOW_RUN_BATCHES = 12


def sliding_windows(batch_s: float, window_s: float, slide_s: float) -> Figure:
    """Chapter 04: the windows `reduceByKeyAndWindow` emits, and what each one counts."""
    return window_timeline(
        batch_s, window_s, slide_s, batches=WINDOW_WORD_BATCHES, n_batches=WINDOW_RUN_BATCHES
    )


# Chapter 05: visitors in twelve batches, then four quiet batches.
VISITOR_BATCHES = visitor_batches(n_batches=12)
VISITOR_RUN_BATCHES = len(VISITOR_BATCHES) + 4


def state_expiry(idle_batches: int) -> Figure:
    """Chapter 05: keys in the updateStateByKey state, never expiring and after idle batches."""
    return state_size_lines(
        {
            "never expire": state_sizes(VISITOR_BATCHES, VISITOR_RUN_BATCHES),
            f"expire after {idle_batches:g} idle batches": state_sizes(
                VISITOR_BATCHES, VISITOR_RUN_BATCHES, idle_batches
            ),
        },
        input_batches=len(VISITOR_BATCHES),
        title="Keys in the updateStateByKey state, without and with expiry",
    )


def restart_from_checkpoint(stop_after: int, crashed: bool) -> Figure:
    """Chapter 06: which of eight micro-batches run again after a stop or a crash."""
    return resume_timeline(8, stop_after=int(stop_after), crashed=crashed)


# Chapter 07: (event time in seconds after 12:00:00, word), one list per micro-batch.
LATE_ARRIVALS = [
    [(3, "spark"), (7, "kafka"), (12, "spark")],
    [(15, "state"), (9, "kafka"), (21, "spark")],
    [(24, "spark"), (6, "state"), (18, "kafka")],
    [(33, "spark"), (8, "kafka"), (19, "state")],
    [(38, "kafka"), (17, "spark"), (26, "state")],
    [(44, "spark"), (14, "kafka"), (29, "spark")],
]
LATE_EVENTS = [
    watermark_model.Event(t, batch, word)
    for batch, pairs in enumerate(LATE_ARRIVALS)
    for t, word in pairs
]


def watermark_delay(delay: float) -> Figure:
    """Chapter 07: which events a watermark of `delay` seconds keeps and drops."""
    result = watermark_model.simulate(LATE_EVENTS, delay_s=delay, window_s=10)
    dropped = sum(f.status == "dropped" for f in result.fates)
    return event_time_chart(
        result, window_s=10, title=f"Watermark delay {delay:g} s: {dropped} events dropped"
    )


# Chapter 08: records per second in each one-second batch: a burst in the middle.
BURST_ARRIVALS = [100] * 3 + [400] * 5 + [100] * 10


def burst(limit: float | None):
    """Chapter 08: the burst processed with an optional cap in records per second."""
    return backlog_run(
        BURST_ARRIVALS,
        batch_s=1.0,
        cost_per_record_s=0.004,
        overhead_s=0.1,
        limit_per_s=limit,
    )


def rate_cap(limit: float) -> Figure:
    """Chapter 08: the burst's backlog with a cap of `limit` records/s (0: no cap)."""
    if 0 < limit < 100:
        raise SetupError(
            "a cap below the normal input rate (100 records/s) never drains"
            " the backlog; choose 0 (no cap) or at least 100"
        )
    cap = limit or None
    label = f"cap {limit:g} records/s" if cap else "no cap"
    return backlog_chart(burst(cap), cap, title=f"Burst of input, {label}")


# Chapter 10: the words of four files, one file per micro-batch.
TABLE_WORD_BATCHES = [
    ["spark", "kafka", "spark"],
    ["state", "spark"],
    ["kafka", "kafka", "watermark"],
    ["spark"],
]


def output_modes(query: str, mode: str, batches: int) -> Figure:
    """Chapter 10: what each output mode writes after the first `batches` micro-batches."""
    return output_modes_chart(
        output_modes_model.simulate(TABLE_WORD_BATCHES[:batches], query, mode), mode, query
    )


@functools.cache
def ad_join_rows() -> tuple[list, list]:
    """The valid impressions and clicks of data/ads, as the join model's rows."""
    impressions = join_model.join_rows(read_ad_batches("impressions"))
    clicks = join_model.join_rows(read_ad_batches("clicks"))
    return impressions, clicks


def stream_join(delay: float, bound: float) -> Figure:
    """Chapter 11: a left outer stream-stream join with a watermark delay and a time bound."""
    impressions, clicks = ad_join_rows()
    model = join_model.simulate(impressions, clicks, delay, bound, outer=True)
    pairs = sum(len(b.pairs) for b in model)
    nulls = sum(len(b.unmatched) for b in model)
    return join_chart(
        impressions,
        clicks,
        model,
        bound_s=bound,
        title=f"Watermark {delay:g} s, clicks within {bound:g} s: {pairs} pairs, {nulls} NULL rows",
    )


@functools.cache
def ad_event_batches() -> list:
    """The ad streams' events per micro-batch, as the sessions model reads them."""
    return sessions_model.event_batches(read_ad_batches("impressions"), read_ad_batches("clicks"))


def session_gap_and_delay(gap_s: float, delay_s: float) -> Figure:
    """Chapter 13: user sessions with a gap and a watermark delay, and when each is written."""
    gap_s, delay_s = int(gap_s), int(delay_s)
    batches = ad_event_batches()
    return sessions_chart(batches, sessions_model.simulate(batches, gap_s, delay_s), gap_s, delay_s)


@functools.cache
def word_count_state() -> pd.DataFrame:
    """Chapter 14: the state of the complete-mode word count after each micro-batch.

    Words (rows) by batch id (columns, from 0, one file of data/words per micro-batch), most
    frequent word at the end first; chapter 14 checks it equal to Spark's state store.
    """
    after = running_counts(read_word_batches())
    table = pd.DataFrame(dict(enumerate(after))).fillna(0).astype(int).sort_index()
    return table.sort_values(len(after) - 1, ascending=False, kind="stable")


def state_after_batch(batch_id: int) -> Figure:
    """Chapter 14: each word's count in the state after one micro-batch, and what it added."""
    return state_snapshot_chart(word_count_state(), batch_id)


# Lab 2: the six words of the article's word count.
LAB2_WORDS = ["hello", "world", "spark", "streaming", "big", "data"]


def window_counts_by_model(batch_s: float, window_s: float, slide_s: float) -> Figure:
    """Lab 2 on the website: the windowed word counts from the book's model of Spark.

    The lab's widget re-runs the DStream job on Spark; without a kernel the website draws the
    same counts from `model_window_counts`, which tests/test_simulate_windows.py proves equal
    to `reduceByKeyAndWindow`, and shows no run time.
    """
    replayed = words_by_batch(read_word_events(), batch_s)
    n = len(replayed)
    counts = model_window_counts(replayed, batch_s, window_s, slide_s, n_batches=n)
    rows = [(k, word, c) for k, window in counts.items() for word, c in window.items()]
    result = pd.DataFrame(rows, columns=["batch", "word", "count"])
    covered = dict(window_outputs(n, batch_s, window_s, slide_s))
    return window_heatmap(
        result,
        covered,
        LAB2_WORDS,
        title=f"Window {window_s:g} s, slide {slide_s:g} s, batch interval "
        f"{batch_s:g} s: {n} batches, counted by the book's model of Spark",
    )
