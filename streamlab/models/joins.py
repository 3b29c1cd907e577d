"""When a stream-stream join writes its rows: Spark's rules for an inner and a left outer join.

The join pairs each impression with its clicks:

    impressions.withWatermark("impression_time", D)
        .join(clicks.withWatermark("click_time", D),
              impression_id = click_impression_id AND
              click_time BETWEEN impression_time AND impression_time + B)

Spark runs it micro-batch by micro-batch, and these are its rules as the model applies them
(micro-batches numbered from 0; times in whole seconds):

* **Watermarks.** Each side's watermark is the latest event time it has read in earlier
  micro-batches minus D; the query's watermark is the smaller of the two, and there is none
  until both sides have read rows. Micro-batch k evicts state with the watermark computed after
  micro-batch k - 1, and drops late rows with the one micro-batch k - 1 ran with (the two
  watermarks of chapter 07).
* **Late rows.** A new row whose event time is at or before the late-row watermark is dropped.
* **Pairs.** A new row is joined with the other side's new rows and with the other side's state;
  every pair that meets the condition is written in that micro-batch. So a pair comes out when
  its second row arrives, if the first is still in state.
* **State.** New rows are kept in state, except those the watermark would evict at once. After
  the micro-batch, an impression leaves the state when `impression_time + B` is before the
  watermark (no click still to come can match it), a click when `click_time` is before it (no
  impression still to come can). Before, strictly: a row exactly at the watermark stays.
* **Outer rows.** In a left outer join, an impression that leaves the state without ever having
  matched is written with NULL clicks, in that micro-batch.
* **The last micro-batch.** When the input ends and the watermark moved, Spark runs one more
  micro-batch without data, which evicts (and, for an outer join, writes) what the new
  watermark allows.

`tests/models/test_model_joins.py` runs both joins through Spark on the book's ad streams for many
(D, B) pairs and requires the same rows from the same micro-batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import SetupError


class JoinSetupError(SetupError):
    """A join setting Spark refuses or cannot run; the message says why."""


@dataclass(frozen=True)
class JoinRow:
    """One valid input row of either side: its impression id, event time and micro-batch."""

    impression_id: str
    time_s: int
    batch: int


@dataclass
class JoinBatch:
    """What one micro-batch of the join did."""

    batch: int
    watermark_s: float | None  # for evicting state (None: no watermark yet)
    late_watermark_s: float | None  # for dropping late rows
    pairs: list[tuple[str, int, int]] = field(default_factory=list)  # (id, imp time, click time)
    unmatched: list[tuple[str, int]] = field(default_factory=list)  # outer rows (id, imp time)
    dropped_impressions: int = 0
    dropped_clicks: int = 0
    state_impressions: int = 0  # rows in state after the micro-batch
    state_clicks: int = 0


class Timed(Protocol):
    """A row with an event time in whole seconds and the micro-batch that read it."""

    @property
    def time_s(self) -> int: ...

    @property
    def batch(self) -> int: ...


def watermarks(
    impressions: Sequence[Timed], clicks: Sequence[Timed], delay_s: float, batches: int
) -> list[float | None]:
    """The watermark micro-batch k evicts state with (index k), for k = 0 .. `batches`.

    The smaller of the two sides' latest event time read in micro-batches before k, minus the
    delay; none until both sides have read rows. It never goes back. The last entry is the
    watermark after the last micro-batch with data, which the no-data micro-batch uses.
    """
    marks: list[float | None] = [None]
    max_imp: float | None = None
    max_click: float | None = None
    for k in range(batches):
        for row in impressions:
            if row.batch == k:
                max_imp = row.time_s if max_imp is None else max(max_imp, row.time_s)
        for row in clicks:
            if row.batch == k:
                max_click = row.time_s if max_click is None else max(max_click, row.time_s)
        mark = marks[-1]
        if max_imp is not None and max_click is not None:
            candidate = min(max_imp, max_click) - delay_s
            mark = candidate if mark is None else max(mark, candidate)
        marks.append(mark)
    return marks


def join_rows(batches: Sequence[Sequence[str]]) -> list[JoinRow]:
    """The valid lines of an ad stream (`streamlab.data.ads`, one list per micro-batch) as the
    model's rows; malformed lines are left out, as the chapter's parser rejects them."""
    from ..data.ads import START, parse_ad_line

    rows = []
    for batch, lines in enumerate(batches):
        for line in lines:
            record, reason = parse_ad_line(line)
            if reason is None:
                rows.append(JoinRow(record[0], int((record[3] - START).total_seconds()), batch))
    return rows


def check_settings(delay_s: float, bound_s: float) -> None:
    """Raise JoinSetupError where the settings cannot be run."""
    if delay_s < 0:
        raise JoinSetupError(f"a watermark delay cannot be negative (got {delay_s:g} s)")
    if bound_s < 0:
        raise JoinSetupError(
            f"the time bound is how long after its impression a click may come: it cannot be "
            f"negative (got {bound_s:g} s)"
        )


def _late(row: JoinRow, late: float | None) -> bool:
    """A new row at or before the late-row watermark is dropped."""
    return late is not None and row.time_s <= late


def _matches(imp: JoinRow, click: JoinRow, bound_s: float) -> bool:
    """The join condition: same impression, the click within `bound_s` after it."""
    return imp.impression_id == click.impression_id and (
        imp.time_s <= click.time_s <= imp.time_s + bound_s
    )


def _imp_expired(imp: JoinRow, watermark: float | None, bound_s: float) -> bool:
    """No click still to come (later than the watermark) can match this impression."""
    return watermark is not None and imp.time_s + bound_s < watermark


def _click_expired(click: JoinRow, watermark: float | None) -> bool:
    """No impression still to come (later than the watermark) can match this click."""
    return watermark is not None and click.time_s < watermark


def simulate(
    impressions: Sequence[JoinRow],
    clicks: Sequence[JoinRow],
    delay_s: float,
    bound_s: float,
    outer: bool = False,
    watermark_clicks: Sequence[JoinRow] | None = None,
) -> list[JoinBatch]:
    """The micro-batches of the join (inner, or left outer with `outer`), with Spark's rules.

    `watermark_clicks`: the click rows whose event times move the watermark, when they are more
    than the clicks joined (a deduplication before the join: its watermark sees every click,
    duplicates included). By default, the clicks joined."""
    check_settings(delay_s, bound_s)
    marking = clicks if watermark_clicks is None else watermark_clicks
    n_data = 1 + max(
        [r.batch for r in (*impressions, *clicks, *(watermark_clicks or ()))], default=-1
    )
    marks = watermarks(impressions, marking, delay_s, n_data)
    imp_state: dict[int, tuple[JoinRow, bool]] = {}  # index -> (row, matched)
    click_state: dict[int, JoinRow] = {}
    out: list[JoinBatch] = []
    k = 0
    while True:
        # Evict with the watermark computed after micro-batch k - 1; drop late rows with the
        # one micro-batch k - 1 ran with. After the input ends, the watermark stays.
        watermark = marks[min(k, n_data)]
        late = marks[min(k - 1, n_data)] if k > 0 else None
        has_data = k < n_data
        if not has_data and (not out or watermark == out[-1].watermark_s):
            break  # no input left, and the watermark did not move: Spark stops here
        result = JoinBatch(k, watermark, late)
        new_imps = [(i, r) for i, r in enumerate(impressions) if r.batch == k]
        new_clicks = [(i, r) for i, r in enumerate(clicks) if r.batch == k]

        kept_imps = [(i, r) for i, r in new_imps if not _late(r, late)]
        kept_clicks = [(i, r) for i, r in new_clicks if not _late(r, late)]
        result.dropped_impressions = len(new_imps) - len(kept_imps)
        result.dropped_clicks = len(new_clicks) - len(kept_clicks)

        # New impressions against the clicks in state and the new clicks.
        new_matched: dict[int, bool] = {}
        for i, imp in kept_imps:
            hit = False
            for click in [*click_state.values(), *(r for _, r in kept_clicks)]:
                if _matches(imp, click, bound_s):
                    result.pairs.append((imp.impression_id, imp.time_s, click.time_s))
                    hit = True
            new_matched[i] = hit
        # New clicks against the impressions in state (new ones were done above).
        for _, click in kept_clicks:
            for i, (imp, _) in list(imp_state.items()):
                if _matches(imp, click, bound_s):
                    result.pairs.append((imp.impression_id, imp.time_s, click.time_s))
                    imp_state[i] = (imp, True)
        # Keep the new rows, except those the watermark evicts at once.
        for i, imp in kept_imps:
            if not _imp_expired(imp, watermark, bound_s):
                imp_state[i] = (imp, new_matched[i])
            elif outer and not new_matched[i]:
                result.unmatched.append((imp.impression_id, imp.time_s))
        for i, click in kept_clicks:
            if not _click_expired(click, watermark):
                click_state[i] = click
        # Evict what no future row can match.
        for i, (imp, matched) in list(imp_state.items()):
            if _imp_expired(imp, watermark, bound_s):
                del imp_state[i]
                if outer and not matched:
                    result.unmatched.append((imp.impression_id, imp.time_s))
        for i, click in list(click_state.items()):
            if _click_expired(click, watermark):
                del click_state[i]
        result.state_impressions = len(imp_state)
        result.state_clicks = len(click_state)
        result.pairs.sort()
        result.unmatched.sort()
        out.append(result)
        k += 1
    return out
