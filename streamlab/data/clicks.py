"""A seeded user-behaviour log for Lab 3: ads shown to users on pages, clicked or not.

Each line is one impression, an ad shown to a user on a page, in the fields of the original
article (`ip, userId, page, action`) plus an event time, the ad and its category:

    2026-03-02T06:00:03,10.0.4.17,1042,/sports/article-117,view,ad-07,tech

`action` is `click` when the user clicked the ad and `view` when not. Users have hidden
interests per category, so clicks are predictable and the lab can measure how well a model
recovers them (`hidden_interests`). Ads are served at random, so the log is an unbiased sample
for evaluating a recommender. From batch `DRIFT_BATCH` on, a travel campaign makes travel ads
attractive to everyone and finance ads lose appeal: a model trained once goes stale.

About 2 % of the lines are malformed on purpose, one kind of damage each (`MALFORMED_KINDS`),
so the lab's parser has something to reject. Regenerate the shipped files with
`python -m streamlab.data clicks`; a test checks they match byte for byte.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from .files import CLICKS_DIR, read_batch_files, write_batch_files

CATEGORIES = ["sports", "tech", "travel", "food", "fashion", "finance", "games", "music"]
SECTIONS = {  # page section of each category; users also read /home and /news
    "sports": "/sports",
    "tech": "/tech",
    "travel": "/travel",
    "food": "/food",
    "fashion": "/style",
    "finance": "/money",
    "games": "/games",
    "music": "/music",
}
ACTIONS = ["view", "click"]
FIELDS = ["event_time", "ip", "user_id", "page", "action", "ad_id", "ad_category"]
ADS_PER_CATEGORY = 5
N_USERS = 200
FIRST_USER_ID = 1000
BATCHES = 12
LINES_PER_BATCH = 2500
HOURS_PER_BATCH = 2
START = dt.datetime(2026, 3, 2, 6, 0, 0)  # batch 1 starts at 06:00; batch 12 ends at 06:00 next day
DRIFT_BATCH = 7  # the travel campaign starts here
BASE_CLICK = 0.02  # anyone clicks any ad now and then
MALFORMED_SHARE = 0.02
MALFORMED_KINDS = [
    "wrong field count",
    "non-numeric user id",
    "unknown action",
    "empty line",
    "bad timestamp",
    "stray quote",
]


@dataclass(frozen=True)
class Ad:
    """An ad of the catalogue, with its category and quality."""

    ad_id: str
    category: str
    quality: float  # multiplies the click probability (0.7 to 1.3)


@dataclass(frozen=True)
class User:
    """A user: fixed IP, hidden interests per category, how active."""

    user_id: int
    ip: str
    interests: dict[str, float]  # click probability per category before boosts
    activity: float  # relative number of impressions


@dataclass(frozen=True)
class World:
    """The ads and the users the log is drawn from."""

    ads: list[Ad]
    users: list[User]


def make_world(seed: int = 11) -> World:
    """Ads with a quality each, users with one or two favourite categories."""
    rng = random.Random(seed)
    ads = [
        Ad(f"ad-{i * ADS_PER_CATEGORY + j + 1:02d}", category, round(rng.uniform(0.7, 1.3), 2))
        for i, category in enumerate(CATEGORIES)
        for j in range(ADS_PER_CATEGORY)
    ]
    users = []
    for n in range(N_USERS):
        favourites = rng.sample(CATEGORIES, rng.choice([1, 2, 2]))
        interests = dict.fromkeys(CATEGORIES, 0.0)
        interests[favourites[0]] = round(rng.uniform(0.45, 0.65), 2)
        if len(favourites) > 1:
            interests[favourites[1]] = round(rng.uniform(0.25, 0.4), 2)
        users.append(
            User(
                user_id=FIRST_USER_ID + n,
                ip=f"10.0.{rng.randint(0, 63)}.{rng.randint(1, 254)}",
                interests=interests,
                activity=rng.lognormvariate(0.0, 0.6),
            )
        )
    return World(ads, users)


def hidden_interests(seed: int = 11) -> dict[int, dict[str, float]]:
    """Each user's hidden click probability per category (what a model should recover)."""
    return {u.user_id: dict(u.interests) for u in make_world(seed).users}


def hour_factor(category: str, hour: int) -> float:
    """Time-of-day effect: games and music in the evening, finance and news in the morning."""
    if category in ("games", "music") and (hour >= 18 or hour < 1):
        return 1.5
    if category == "finance" and 6 <= hour < 10:
        return 1.5
    return 1.0


def campaign_factor(category: str, batch: int) -> tuple[float, float]:
    """(extra base click rate, interest multiplier) of a category in a batch: the drift."""
    if batch >= DRIFT_BATCH and category == "travel":
        return 0.25, 1.0
    if batch >= DRIFT_BATCH and category == "finance":
        return 0.0, 0.4
    return 0.0, 1.0


def click_probability(user: User, ad: Ad, section: str, hour: int, batch: int) -> float:
    """The chance that `user` clicks `ad` on a page of `section` at `hour` in `batch`."""
    extra, multiplier = campaign_factor(ad.category, batch)
    interest = user.interests[ad.category] * multiplier
    on_topic = 1.3 if SECTIONS[ad.category] == section else 1.0
    p = (BASE_CLICK + extra + interest * on_topic * hour_factor(ad.category, hour)) * ad.quality
    return min(p, 0.95)


def _impression(
    rng: random.Random, world: World, weights: list[float], batch: int, second: int
) -> str:
    user = rng.choices(world.users, weights)[0]
    favourite = max(user.interests, key=user.interests.get)
    section_pick = rng.random()
    if section_pick < 0.4:
        section = SECTIONS[favourite]
    elif section_pick < 0.7:
        section = rng.choice(["/home", "/news"])
    else:
        section = SECTIONS[rng.choice(CATEGORIES)]
    page = f"{section}/article-{rng.randint(1, 400)}" if section != "/home" else "/home"
    ad = rng.choice(world.ads)
    time = START + dt.timedelta(seconds=second)
    clicked = rng.random() < click_probability(user, ad, section, time.hour, batch)
    action = "click" if clicked else "view"
    return ",".join(
        [
            f"{time:%Y-%m-%dT%H:%M:%S}",
            user.ip,
            str(user.user_id),
            page,
            action,
            ad.ad_id,
            ad.category,
        ]
    )


def damage(rng: random.Random, line: str, kind: str) -> str:
    """A malformed version of a good line, broken in one way (`kind`)."""
    fields = line.split(",")
    if kind == "wrong field count":
        if rng.random() < 0.5:
            del fields[rng.randrange(1, len(fields))]
        else:
            fields.insert(rng.randrange(1, len(fields)), "extra")
    elif kind == "non-numeric user id":
        fields[2] = rng.choice([f"u{fields[2]}", "NaN", "-", fields[2] + "x"])
    elif kind == "unknown action":
        fields[4] = rng.choice(["hover", "CLICK", "clik", "purchase"])
    elif kind == "empty line":
        return rng.choice(["", "   "])
    elif kind == "bad timestamp":
        fields[0] = rng.choice(
            ["2026-03-02T25:61:00", "yesterday", "02/03/2026 07:00", "2026-13-02T07:00:00"]
        )
    elif kind == "stray quote":
        fields[3] = '"' + fields[3]
    return ",".join(fields)


def click_batches(
    seed: int = 11, batches: int = BATCHES, lines_per_batch: int = LINES_PER_BATCH
) -> list[list[str]]:
    """The log as one list of lines per batch, in event-time order within each batch."""
    world = make_world(seed)
    rng = random.Random(seed * 1000 + 1)
    weights = [u.activity for u in world.users]
    result = []
    span = HOURS_PER_BATCH * 3600
    for batch in range(1, batches + 1):
        seconds = sorted(
            rng.randrange((batch - 1) * span, batch * span) for _ in range(lines_per_batch)
        )
        lines = [_impression(rng, world, weights, batch, s) for s in seconds]
        for i in range(len(lines)):
            if rng.random() < MALFORMED_SHARE:
                lines[i] = damage(rng, lines[i], rng.choice(MALFORMED_KINDS))
        result.append(lines)
    return result


def write_click_batches(folder: Path = CLICKS_DIR, **kwargs: int) -> list[Path]:
    """Write batch-01.log ... one file per batch and return their paths."""
    return write_batch_files(folder, click_batches(**kwargs), ".log")


def read_click_batches(folder: Path = CLICKS_DIR) -> list[list[str]]:
    """The shipped log: one list of lines per batch file, in batch order."""
    return read_batch_files(folder, ".log")
