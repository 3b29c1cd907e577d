"""Lab 4's pipeline in plain Python, micro-batch by micro-batch: the oracle its numbers must equal.

The lab reads the two ad streams of `streamlab.data.ads` one file per micro-batch and runs:

1. **parse**: every line is valid or rejected with a reason (`parse_ad_line`);
2. **clean**: `withWatermark("click_time", D).dropDuplicatesWithinWatermark(["impression_id"])`;
3. **attribute**: a left outer join of impressions (watermark D) with the clean clicks, a click
   counting when it comes within B seconds of its impression, enriched with the campaign;
4. **measure**: impressions and clicks per campaign and event-time window of W seconds
   (of the impression's time), written in append mode once the window can no longer change.

The rules, as Spark applies them in one query with several stateful operators (micro-batches
from 0, whole seconds):

* **One watermark.** Both `withWatermark`s feed one watermark, the smaller of the two sides'
  (max event time read in earlier micro-batches - D), none until both sides have read rows; the
  deduplication reads every valid click first, so duplicates move it too. Micro-batch k evicts
  state with the watermark computed after k - 1 and drops late rows with the one k - 1 ran with.
* **Deduplication.** A click at or before the late-row watermark is dropped as late. Otherwise
  a click whose impression id is in state is a duplicate and removed; a new id is kept, and
  stays in state while the watermark is before its first click's time + D: the micro-batch
  whose eviction watermark reaches that time removes it.
* **The join** follows `streamlab.models.joins` (its rules are tested against Spark there),
  with the watermark above.
* **Windows after the join.** The join passes on a watermark of its own, held back by the time
  bound (an impression may still be written B seconds after the watermark passed it): the
  windows' watermark is the join's minus B. A window is written in the micro-batch whose
  windows' watermark reaches its end, with every row the join wrote up to then. A row the join
  writes into a window closed in an earlier micro-batch would be dropped as late (Spark counts
  such rows per window and campaign); holding the windows' watermark back by B is what keeps
  the join's rows from being late there.
* **What each micro-batch reports**, per stateful operator (Spark's `numRowsDroppedByWatermark`
  and `numRowsTotal`): the deduplication's late clicks and ids in state (`late_clicks`,
  `dedup_state`), the join's (`join`), and the windowed count's late keys and open windows
  (`windows_dropped`, `open_windows`).

`tests/lessons/test_lab4_attribution.py` runs the lab's own code
(`streamlab.lessons.attribution`) on Spark for several settings and requires these numbers,
micro-batch by micro-batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..data.ads import START, ad_catalogue, parse_ad_line
from .joins import JoinBatch, JoinRow, JoinSetupError, watermarks
from .joins import check_settings as check_join_settings
from .joins import simulate as simulate_join


class AttributionSetupError(JoinSetupError):
    """A setting of the pipeline Spark would refuse; the message says why."""


def check_settings(delay_s: float, bound_s: float, window_s: float) -> None:
    """Raise AttributionSetupError (a JoinSetupError) for settings Spark would refuse."""
    try:
        check_join_settings(delay_s, bound_s)
    except JoinSetupError as error:
        raise AttributionSetupError(str(error)) from None
    if window_s <= 0:
        raise AttributionSetupError(f"a window must last more than 0 s (got {window_s:g} s)")


@dataclass(frozen=True)
class Line:
    """One line of a stream with its verdict: a row when valid, a reason when rejected."""

    stream: str
    batch: int
    reason: str | None
    impression_id: str = ""
    user_id: str = ""
    ad_id: str = ""
    time_s: int = 0


@dataclass
class Batch:
    """What one micro-batch of the pipeline did."""

    batch: int
    watermark_s: float | None  # evicts state (None: no watermark yet)
    lines: dict[str, int] = field(default_factory=dict)  # per stream
    rejected: dict[str, int] = field(default_factory=dict)
    late_clicks: int = 0  # dropped by the deduplication as late
    duplicates: int = 0  # removed as duplicates
    clicks_kept: int = 0
    kept: list[Line] = field(default_factory=list)  # the clicks kept, in reading order
    pairs: list[tuple[str, int, int]] = field(default_factory=list)  # attributed clicks
    unclicked: list[tuple[str, int]] = field(default_factory=list)  # written with NULL
    windows: list[Window] = field(default_factory=list)  # CTR windows written
    join: JoinBatch | None = None  # what the join did (streamlab.models.joins)
    open_windows: list[Window] = field(default_factory=list)  # in state after the micro-batch
    dedup_state: int = 0  # impression ids in the deduplication's state after the micro-batch
    windows_dropped: int = 0  # (window, campaign) keys of the join's rows too late to count


@dataclass(frozen=True)
class Window:
    start_s: int
    campaign: str
    impressions: int
    clicks: int

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions


def parse(batches: Sequence[Sequence[str]], stream: str) -> list[Line]:
    """Every line of a stream (one list of lines per micro-batch) with its verdict."""
    out = []
    for batch, lines in enumerate(batches):
        for text in lines:
            record, reason = parse_ad_line(text)
            if record is None:
                out.append(Line(stream, batch, reason))
            else:
                imp_id, user, ad, time = record
                seconds = int((time - START).total_seconds())
                out.append(Line(stream, batch, None, imp_id, user, ad, seconds))
    return out


def deduplicate(clicks: Sequence[Line], marks: Sequence[float | None], delay_s: float):
    """(kept clicks, late per batch, duplicates per batch, ids in state after each batch), with
    the rules of the docstring; `marks[k]` evicts in micro-batch k (the last one: the no-data
    micro-batch that follows the input, if it runs)."""
    state: dict[str, float] = {}  # impression id -> first click time + delay
    kept: list[Line] = []
    late: dict[int, int] = {}
    duplicates: dict[int, int] = {}
    in_state: list[int] = []
    for k in range(len(marks)):
        evict, late_mark = marks[k], marks[k - 1] if k > 0 else None
        for line in (c for c in clicks if c.batch == k):
            if late_mark is not None and line.time_s <= late_mark:
                late[k] = late.get(k, 0) + 1
            elif line.impression_id in state:
                duplicates[k] = duplicates.get(k, 0) + 1
            else:
                state[line.impression_id] = line.time_s + delay_s
                kept.append(line)
        if evict is not None:
            state = {key: expiry for key, expiry in state.items() if expiry > evict}
        in_state.append(len(state))
    return kept, late, duplicates, in_state


def valid(lines: Sequence[Line]) -> list[Line]:
    """The valid lines only."""
    return [line for line in lines if line.reason is None]


def join_row(line: Line) -> JoinRow:
    """A valid line as a row of the join model (and of `streamlab.figures.joins`)."""
    return JoinRow(line.impression_id, line.time_s, line.batch)


def kept_clicks(batches: Sequence[Batch]) -> list[Line]:
    """The clicks the deduplication kept, in the order it read them."""
    return [line for b in batches for line in b.kept]


def simulate(
    impression_lines: Sequence[Sequence[str]],
    click_lines: Sequence[Sequence[str]],
    delay_s: int,
    bound_s: int,
    window_s: int,
) -> list[Batch]:
    """The lab's pipeline on the lines of both streams, micro-batch by micro-batch."""
    check_settings(delay_s, bound_s, window_s)
    impressions = parse(impression_lines, "impressions")
    clicks = parse(click_lines, "clicks")
    valid_imps, valid_clicks = valid(impressions), valid(clicks)
    n = len(impression_lines)
    marks = watermarks(valid_imps, valid_clicks, delay_s, n)
    kept, late, duplicates, dedup_state = deduplicate(valid_clicks, marks, delay_s)
    joined: list[JoinBatch] = simulate_join(
        [join_row(i) for i in valid_imps],
        [join_row(c) for c in kept],
        delay_s,
        bound_s,
        outer=True,
        watermark_clicks=[join_row(c) for c in valid_clicks],
    )
    campaign_of = {ad: campaign for ad, campaign, _category in ad_catalogue()}
    ad_of = {line.impression_id: line.ad_id for line in valid_imps}
    counts: dict[tuple[int, str], list[int]] = {}  # open windows: [impressions, clicks]
    closed: float | None = None  # windows ending before this are closed (previous micro-batch)
    out = []
    for step in joined:
        k = step.batch
        result = Batch(k, step.watermark_s)
        for stream, lines in (("impressions", impressions), ("clicks", clicks)):
            result.lines[stream] = sum(1 for line in lines if line.batch == k)
            result.rejected[stream] = sum(
                1 for line in lines if line.batch == k and line.reason is not None
            )
        result.late_clicks = late.get(k, 0)
        result.dedup_state = dedup_state[k]
        result.duplicates = duplicates.get(k, 0)
        result.kept = [c for c in kept if c.batch == k]
        result.clicks_kept = len(result.kept)
        result.join = step
        result.pairs = step.pairs
        result.unclicked = step.unmatched
        written = [(i, t, True) for i, t, _ in step.pairs] + [
            (i, t, False) for i, t in step.unmatched
        ]
        late_keys = set()
        for imp_id, time_s, clicked in written:
            key = (time_s // window_s * window_s, campaign_of[ad_of[imp_id]])
            if closed is not None and key[0] + window_s < closed:
                late_keys.add(key)  # its window closed in an earlier micro-batch
                continue
            cell = counts.setdefault(key, [0, 0])
            cell[0] += 1
            cell[1] += clicked
        result.windows_dropped = len(late_keys)
        if step.watermark_s is not None:
            closed = step.watermark_s - bound_s
            for key in sorted(counts):
                if key[0] + window_s < closed:
                    result.windows.append(Window(key[0], key[1], *counts.pop(key)))
        result.open_windows = [Window(s, c, *counts[(s, c)]) for s, c in sorted(counts)]
        out.append(result)
    return out
