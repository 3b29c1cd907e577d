"""Lab 2's word events: the article's words with an event time, a user and an arrival time.

Replaying by arrival with any batch interval gives the DStream batches; grouping by event time
gives Structured Streaming's windows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

from .files import WORD_EVENTS_FILE

EVENT_EPOCH = dt.datetime(2026, 1, 1, 12, 0, 0)  # event times are seconds after this instant
EVENT_SECONDS = 10  # events happen, and arrive, during the first 10 s after EVENT_EPOCH
USERS = ["ana", "ben", "chen", "dara", "eli"]
LATE_SHARE = 0.15  # share of events that arrive 1 to 7 s after they happened
LATE_DELAYS_S = [1, 2, 3, 4, 5, 6, 7]
WORD_EVENT_COLUMNS = ["arrival_s", "event_time", "user", "word"]


def article_word_weights(second: float) -> dict[str, float]:
    """Weights of the article's six words at an event time (s): a story for the heat map.

    `hello` and `world` open the stream and fade, `big data` bursts in the middle, `streaming`
    rises to the end, `spark` is always there.
    """
    burst = 6.0 if 3.5 <= second < 6.5 else 0.5
    return {
        "hello": max(0.3, 5.0 - second),
        "world": max(0.3, 3.0 - 0.4 * second),
        "spark": 3.0,
        "streaming": 0.5 + 0.6 * second,
        "big": burst,
        "data": burst,
    }


@dataclass(frozen=True)
class WordEvent:
    """One word as an event: when it happened, when it reached Spark, and who sent it."""

    arrival_s: float  # seconds after the stream started (one decimal): when Spark receives it
    time_s: float  # event time, seconds after EVENT_EPOCH (one decimal): when it happened
    user: str
    word: str

    @property
    def timestamp(self) -> str:
        """The event time as Spark's CSV reader parses it by default."""
        return f"{EVENT_EPOCH + dt.timedelta(seconds=self.time_s):%Y-%m-%d %H:%M:%S.%f}"[:-5]

    @property
    def delay_s(self) -> float:
        """How long after it happened the event reached Spark."""
        return round(self.arrival_s - self.time_s, 1)

    def batch(self, batch_s: float) -> int:
        """The DStream batch (1-based) it lands in with this batch interval, by arrival."""
        return int(round(self.arrival_s * 1000) // round(batch_s * 1000)) + 1


def word_events(seconds: int = EVENT_SECONDS, seed: int = 104) -> list[WordEvent]:
    """Users sending the article's words in bursts of activity, some arriving late.

    Each user starts within 3 s, is active for 2-4 s, then idle for 2.2-3.2 s (longer than a 2 s
    session gap), sending a word every 0.1-0.5 s while active. Most events reach Spark 0-0.3 s
    after they happen; `LATE_SHARE` of them 1-7 s after (never after the stream's last second).
    Sorted by arrival, then event time, then user.
    """
    rng = random.Random(seed)
    last_arrival = seconds - 0.1
    events = []
    for user in USERS:
        t = round(rng.uniform(0.0, 3.0), 1)
        while t < seconds:
            end = min(t + rng.uniform(2.0, 4.0), seconds)
            while t < end:
                weights = article_word_weights(t)
                word = rng.choices(list(weights), list(weights.values()))[0]
                if rng.random() < LATE_SHARE:
                    delay = rng.choice(LATE_DELAYS_S) + rng.choice([0.0, 0.1, 0.2, 0.3])
                else:
                    delay = rng.choice([0.0, 0.1, 0.2, 0.3])
                arrival = round(min(t + delay, max(t, last_arrival)), 1)
                events.append(WordEvent(arrival, t, user, word))
                t = round(t + rng.choice([0.1, 0.2, 0.3, 0.4, 0.5]), 1)
            t = round(end + rng.uniform(2.2, 3.2), 1)
    return sorted(events, key=lambda e: (e.arrival_s, e.time_s, e.user, e.word))


def word_events_csv(events: list[WordEvent]) -> str:
    """The events as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(WORD_EVENT_COLUMNS)
    for e in events:
        writer.writerow([f"{e.arrival_s:.1f}", e.timestamp, e.user, e.word])
    return buffer.getvalue()


def write_word_events(path: Path = WORD_EVENTS_FILE, **kwargs: int) -> Path:
    """Write the word events as CSV and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(word_events_csv(word_events(**kwargs)), encoding="utf-8")
    return path


def read_word_events(path: Path = WORD_EVENTS_FILE) -> list[WordEvent]:
    """The shipped word events, in file order (by arrival)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        WordEvent(
            arrival_s=float(row["arrival_s"]),
            time_s=round(
                (dt.datetime.fromisoformat(row["event_time"]) - EVENT_EPOCH).total_seconds(), 1
            ),
            user=row["user"],
            word=row["word"],
        )
        for row in rows
    ]


def words_by_batch(
    events: list[WordEvent], batch_s: float, seconds: float = EVENT_SECONDS
) -> list[list[str]]:
    """The words of each DStream batch when events are replayed by arrival, `batch_s` a batch.

    As many batches as it takes to cover `seconds` of arrival (the last may be partly empty).
    """
    n = math.ceil(round(seconds * 1000) / round(batch_s * 1000))
    batches: list[list[str]] = [[] for _ in range(n)]
    for e in events:
        batches[e.batch(batch_s) - 1].append(e.word)
    return batches


def event_lines_by_second(events: list[WordEvent], seconds: int = EVENT_SECONDS) -> list[list[str]]:
    """One list of CSV lines (`event_time,user,word`) per second of arrival: one file each."""
    batches: list[list[str]] = [[] for _ in range(seconds)]
    for e in events:
        batches[e.batch(1.0) - 1].append(f"{e.timestamp},{e.user},{e.word}")
    return batches
