"""User sessions that end after a gap without events: Spark's rules, micro-batch by micro-batch.

A session is a run of one user's events (ads shown and clicks) in which no two consecutive
events are more than `gap_s` apart; it ends `gap_s` after its last event. Chapter 13 computes
sessions three ways: with `transformWithState` and an event-time timer, with Spark's
`session_window` aggregation, and with this model, which says in which micro-batch each
session is written. The rules, as Spark applies them to the query

    events.withWatermark("time", D).groupBy("user_id") ... (append mode)

(micro-batches numbered from 0, times in whole seconds):

* **Watermark.** There is one watermark, on the events' time: after micro-batch k it is the
  latest event time read so far minus D (none before the first event), and micro-batch k + 1
  runs with it.
* **Late events.** Micro-batch k drops the events that are late by the watermark of the
  *previous* micro-batch, k - 1 (Spark's watermark for late events; none in micro-batches 0
  and 1); they belong to no session. What "late" means depends on the operator:
  `transformWithState` (`late_by="event"`) drops an event whose own time is at or before
  that watermark; `session_window` (`late_by="session"`) compares the end of the event's own
  session window, its time plus the gap, so it keeps events up to one gap older.
* **Written.** A session is written, once, in the first micro-batch whose watermark is at or
  after the session's end; until then it is kept in state and may still grow or merge.
* **In state.** After each micro-batch the state holds the events of the sessions not yet
  written (the processor's `pending` list) and, for `session_window`, one row per such
  session.
* **The last micro-batch.** When the input ends and the watermark moved, Spark runs one more
  micro-batch without data. Sessions that end after the final watermark are still open: they
  stay in the state store, written by no micro-batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..data.ads import START, parse_ad_line
from ..errors import SetupError


class SessionSetupError(SetupError):
    """A gap or delay Spark would refuse, said in plain words."""


@dataclass(frozen=True, order=True)
class Event:
    time_s: int  # seconds after the data's start (12:00:00)
    user_id: str
    kind: str  # "impression" or "click"
    ad_id: str


@dataclass(frozen=True)
class Session:
    user_id: str
    start_s: int
    end_s: int  # the last event's time plus the gap
    impressions: int
    clicks: int

    @property
    def length_s(self) -> int:
        """From the first event to the session's end (gap included), as session_window says."""
        return self.end_s - self.start_s


@dataclass
class SessionBatch:
    batch_id: int
    watermark_s: int | None  # the watermark this micro-batch ran with
    new_events: list[Event]
    late: list[Event] = field(default_factory=list)  # dropped as late by this micro-batch
    written: list[Session] = field(default_factory=list)
    pending: list[Event] = field(default_factory=list)  # events in state after it
    late_before_s: int | None = None  # the previous micro-batch's watermark: late at or before

    @property
    def open_users(self) -> int:
        """Users with events in state after this micro-batch."""
        return len({e.user_id for e in self.pending})

    def open_sessions(self, gap_s: int) -> list[Session]:
        """The sessions in state after this micro-batch (session_window's rows in state)."""
        return sessions_of(self.pending, gap_s)


def event_batches(
    impressions: Sequence[Sequence[str]], clicks: Sequence[Sequence[str]]
) -> list[list[Event]]:
    """The valid lines of both ad streams as events, micro-batch by micro-batch (k with k)."""
    batches = []
    for imp_lines, click_lines in zip(impressions, clicks, strict=True):
        batch = []
        for kind, lines in (("impression", imp_lines), ("click", click_lines)):
            for line in lines:
                record, _reason = parse_ad_line(line)
                if record is not None:
                    _id, user, ad, time = record
                    batch.append(Event(int((time - START).total_seconds()), user, kind, ad))
        batches.append(sorted(batch))
    return batches


LATE_RULES = ("event", "session")


def check_settings(gap_s: float, delay_s: float) -> None:
    """Refuse what Spark would refuse: a session gap must be positive, a delay not negative."""
    if gap_s <= 0:
        raise SessionSetupError(f"The session gap must be positive; it is {gap_s:g} s.")
    if delay_s < 0:
        raise SessionSetupError(f"The watermark delay cannot be negative; it is {delay_s:g} s.")


def sessions_of(events: Sequence[Event], gap_s: int) -> list[Session]:
    """Every session of the events, in plain Python: the oracle (users in order, then time)."""
    out = []
    for user in sorted({e.user_id for e in events}):
        run: list[Event] = []
        for event in sorted(e for e in events if e.user_id == user):
            if run and event.time_s > run[-1].time_s + gap_s:
                out.append(_session(run, gap_s))
                run = []
            run.append(event)
        if run:
            out.append(_session(run, gap_s))
    return out


def _session(run: Sequence[Event], gap_s: int) -> Session:
    return Session(
        run[0].user_id,
        run[0].time_s,
        run[-1].time_s + gap_s,
        sum(e.kind == "impression" for e in run),
        sum(e.kind == "click" for e in run),
    )


def simulate(
    batches: Sequence[Sequence[Event]], gap_s: int, delay_s: int, late_by: str = "event"
) -> list[SessionBatch]:
    """Which events each micro-batch drops as late, which sessions it writes, what it keeps.

    `late_by="event"` is transformWithState's rule, `"session"` session_window's (see above).
    """
    check_settings(gap_s, delay_s)
    if late_by not in LATE_RULES:
        raise ValueError(f"late_by must be one of {LATE_RULES}, not {late_by!r}")
    reach = gap_s if late_by == "session" else 0  # how far past its time an event counts
    kept: list[Event] = []  # events in state: of sessions not written yet
    results: list[SessionBatch] = []
    latest: int | None = None
    watermark: int | None = None  # the watermark micro-batch k runs with
    late_before: int | None = None  # the watermark micro-batch k - 1 ran with
    for batch_id, new in enumerate(list(batches) + [[]]):
        if batch_id == len(batches):  # the input ended: one more micro-batch if the mark moved
            if watermark is None or watermark == late_before:
                break
        result = SessionBatch(batch_id, watermark, list(new), late_before_s=late_before)
        for event in new:
            if late_before is not None and event.time_s + reach <= late_before:
                result.late.append(event)
            else:
                kept.append(event)
        if watermark is not None:
            for session in sessions_of(kept, gap_s):
                if session.end_s <= watermark:
                    result.written.append(session)
            kept = [e for e in kept if not _in_written(e, result.written, gap_s)]
        result.pending = sorted(kept)
        results.append(result)
        if new:
            latest = max([e.time_s for e in new] + ([latest] if latest is not None else []))
        late_before = watermark
        watermark = None if latest is None else latest - delay_s
    return results


def _in_written(event: Event, written: Sequence[Session], gap_s: int) -> bool:
    return any(
        s.user_id == event.user_id and s.start_s <= event.time_s <= s.end_s - gap_s for s in written
    )


def written_sessions(results: Sequence[SessionBatch]) -> list[tuple[int, Session]]:
    """(batch id, session) for every session written, in batch order."""
    return [(r.batch_id, s) for r in results for s in r.written]


def clock(time_s: int) -> str:
    """A model time as the wall-clock time of the data (12:03:05)."""
    return (START + dt.timedelta(seconds=time_s)).strftime("%H:%M:%S")
