"""Ad impressions and the clicks on them: two streams to join (chapter 11 and Lab 4).

An **impression** is an ad shown to a user; a **click** refers to the impression it clicks. Both
are CSV lines without a header, one file per micro-batch and stream:

    impressions:  imp-0007,u04,ad-3,2026-03-02 12:00:41
    clicks:       imp-0007,u04,ad-3,2026-03-02 12:01:09

Fields: `impression_id`, `user_id`, `ad_id`, and the event time (`impression_time` or
`click_time`, UTC, whole seconds). Micro-batch k (from 0) holds what arrived during minute k
after 12:00:00. What makes the data worth joining:

* clicks come 3 s to 5 minutes after their impression (most within a minute), so a join's time
  bound decides which ones count;
* about two impressions in three are never clicked (the left outer join's NULL rows);
* some lines arrive late: an impression a micro-batch after its minute, a click up to three;
* duplicate clicks: a double click (a second click on the same impression a second later) and
  a retried send (the same line again, a micro-batch or two later);
* a few malformed lines on purpose (`MALFORMED_KINDS`), so a parser has something to reject.

`ad_catalogue()` is the static table the clicks are enriched with. Regenerate the shipped files
with `python -m streamlab.data ads`; a test checks they match byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from .files import ADS_DIR

START = dt.datetime(2026, 3, 2, 12, 0, 0)
BATCHES = 8
BATCH_SECONDS = 60
IMPRESSIONS_PER_BATCH = 8
USERS = [f"u{n:02d}" for n in range(1, 13)]
CATALOGUE = [  # ad_id, campaign, category
    ("ad-1", "spring-sale", "shoes"),
    ("ad-2", "spring-sale", "jackets"),
    ("ad-3", "travel-week", "flights"),
    ("ad-4", "travel-week", "hotels"),
    ("ad-5", "game-launch", "trailer"),
    ("ad-6", "game-launch", "preorder"),
]
CLICK_SHARE = 0.35
MALFORMED_KINDS = ["wrong field count", "bad timestamp", "empty user id"]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Impression:
    impression_id: str
    user_id: str
    ad_id: str
    time_s: int  # seconds after START
    batch: int  # the micro-batch it arrives in

    def line(self) -> str:
        return _line(self.impression_id, self.user_id, self.ad_id, self.time_s)


@dataclass(frozen=True)
class Click:
    impression_id: str
    user_id: str
    ad_id: str
    time_s: int
    batch: int
    kind: str  # "click", "double click" (a second click) or "retry" (the same line again)

    def line(self) -> str:
        return _line(self.impression_id, self.user_id, self.ad_id, self.time_s)


@dataclass(frozen=True)
class AdStreams:
    """Both streams: the records with their truth, and the lines of each micro-batch."""

    impressions: list[Impression]
    clicks: list[Click]
    impression_lines: list[list[str]]  # one list per micro-batch, malformed lines included
    click_lines: list[list[str]]
    malformed: list[tuple[str, int, str, str]]  # (stream, batch, kind, line)


def _line(impression_id: str, user_id: str, ad_id: str, time_s: int) -> str:
    stamp = START + dt.timedelta(seconds=time_s)
    return f"{impression_id},{user_id},{ad_id},{stamp:{TIME_FORMAT}}"


def ad_catalogue() -> list[tuple[str, str, str]]:
    """The ads: (ad_id, campaign, category)."""
    return list(CATALOGUE)


def _damage(rng: random.Random, line: str, kind: str) -> str:
    fields = line.split(",")
    if kind == "wrong field count":
        return ",".join(fields[:3])
    if kind == "bad timestamp":
        fields[3] = fields[3].replace(" ", "T").replace(":", ".", 1)
        return ",".join(fields)
    fields[1] = ""  # empty user id
    return ",".join(fields)


def ad_streams(seed: int = 23) -> AdStreams:
    """The two streams, generated from `seed`."""
    rng = random.Random(seed)
    impressions: list[Impression] = []
    clicks: list[Click] = []
    for batch in range(BATCHES):
        for _ in range(IMPRESSIONS_PER_BATCH):
            n = len(impressions) + 1
            time_s = batch * BATCH_SECONDS + rng.randrange(BATCH_SECONDS)
            arrives = batch + (1 if rng.random() < 0.1 else 0)
            imp = Impression(
                f"imp-{n:04d}", rng.choice(USERS), rng.choice(CATALOGUE)[0], time_s, arrives
            )
            impressions.append(imp)
            if rng.random() >= CLICK_SHARE:
                continue
            delay = rng.choices(
                [rng.randint(3, 60), rng.randint(61, 150), rng.randint(151, 300)],
                weights=[70, 20, 10],
            )[0]
            click_s = time_s + delay
            lag = rng.choices([0, 1, 2, 3], weights=[80, 12, 5, 3])[0]
            click_batch = click_s // BATCH_SECONDS + lag
            click = Click(imp.impression_id, imp.user_id, imp.ad_id, click_s, click_batch, "click")
            clicks.append(click)
            if rng.random() < 0.15:  # a double click: one second later, same micro-batch
                clicks.append(
                    Click(
                        click.impression_id,
                        click.user_id,
                        click.ad_id,
                        click_s + 1,
                        click_batch,
                        "double click",
                    )
                )
            if rng.random() < 0.1:  # a retried send: the same line, later
                clicks.append(
                    Click(
                        click.impression_id,
                        click.user_id,
                        click.ad_id,
                        click_s,
                        click_batch + rng.randint(1, 2),
                        "retry",
                    )
                )
    impressions = [i for i in impressions if i.batch < BATCHES]
    clicks = [c for c in clicks if c.batch < BATCHES]  # the rest would arrive after the end
    impression_lines = _by_batch(impressions)
    click_lines = _by_batch(clicks)
    malformed = []
    for stream, lines, count in (("impressions", impression_lines, 2), ("clicks", click_lines, 3)):
        for kind in MALFORMED_KINDS[:count]:
            batch = rng.choice([b for b in range(BATCHES) if lines[b]])
            good = rng.choice([line for line in lines[batch] if parse_ad_line(line)[1] is None])
            bad = _damage(rng, good, kind)
            lines[batch].insert(rng.randrange(len(lines[batch]) + 1), bad)
            malformed.append((stream, batch, kind, bad))
    return AdStreams(impressions, clicks, impression_lines, click_lines, malformed)


def _by_batch(records) -> list[list[str]]:
    batches: list[list[str]] = [[] for _ in range(BATCHES)]
    for record in sorted(records, key=lambda r: (r.batch, r.time_s, r.impression_id)):
        batches[record.batch].append(record.line())
    return batches


def write_ad_files(folder: Path = ADS_DIR, seed: int = 23) -> list[Path]:
    """Write impressions/, clicks/ (batch-01.csv, ...) and catalogue.csv under `folder`."""
    streams = ad_streams(seed)
    paths = []
    for name, batches in (
        ("impressions", streams.impression_lines),
        ("clicks", streams.click_lines),
    ):
        sub = folder / name
        sub.mkdir(parents=True, exist_ok=True)
        for number, lines in enumerate(batches, start=1):
            path = sub / f"batch-{number:02d}.csv"
            path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
            paths.append(path)
    catalogue = folder / "catalogue.csv"
    rows = ["ad_id,campaign,category"] + [",".join(row) for row in CATALOGUE]
    catalogue.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [*paths, catalogue]


def read_ad_batches(stream: str, folder: Path = ADS_DIR) -> list[list[str]]:
    """The shipped lines of `stream` ("impressions" or "clicks"), one list per micro-batch."""
    return [
        p.read_text(encoding="utf-8").split("\n")[:-1]
        for p in sorted((folder / stream).glob("batch-*.csv"))
    ]


def parse_ad_line(line: str) -> tuple[tuple[str, str, str, dt.datetime] | None, str | None]:
    """(record, None) for a valid line, (None, reason) for a malformed one: the rules the
    chapter's Spark parser applies, in plain Python (for tests)."""
    fields = line.split(",")
    if len(fields) != 4:
        return None, "wrong field count"
    impression_id, user_id, ad_id, stamp = fields
    if not user_id:
        return None, "empty user id"
    try:
        time = dt.datetime.strptime(stamp, TIME_FORMAT)
    except ValueError:
        return None, "bad timestamp"
    return (impression_id, user_id, ad_id, time), None
