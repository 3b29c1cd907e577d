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
* **Late events.** An event whose time is at or before the watermark its micro-batch runs with
  is dropped; it belongs to no session.
* **Written.** A session is written, once, in the first micro-batch whose watermark is at or
  after the session's end; until then it is kept in state and may still grow or merge.
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
    late: list[Event] = field(default_factory=list)
    written: list[Session] = field(default_factory=list)
    open_users: int = 0  # users with events in state after this micro-batch


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


def simulate(batches: Sequence[Sequence[Event]], gap_s: int, delay_s: int) -> list[SessionBatch]:
    """Which events each micro-batch drops as late, and which sessions it writes."""
    check_settings(gap_s, delay_s)
    kept: list[Event] = []  # events in state: of sessions not written yet
    results: list[SessionBatch] = []
    latest: int | None = None
    watermark: int | None = None
    for batch_id, new in enumerate(list(batches) + [[]]):
        if batch_id == len(batches):  # the input ended: one more micro-batch if the mark moved
            if watermark is None or (results and results[-1].watermark_s == watermark):
                break
        result = SessionBatch(batch_id, watermark, list(new))
        for event in new:
            if watermark is not None and event.time_s <= watermark:
                result.late.append(event)
            else:
                kept.append(event)
        if watermark is not None:
            for session in sessions_of(kept, gap_s):
                if session.end_s <= watermark:
                    result.written.append(session)
            kept = [e for e in kept if not _in_written(e, result.written, gap_s)]
        result.open_users = len({e.user_id for e in kept})
        results.append(result)
        if new:
            latest = max([e.time_s for e in new] + ([latest] if latest is not None else []))
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
