"""The instructor guide's timings and agendas keep their promises (tools/workshop/agendas.py).

The run times on the page are the benchmark's (bench/results/notebooks.csv), every slot lasts at
least what its pages need (their time-to-learn share, their measured run time, the exercises
named), every agenda says where to cut, and every page taught has its sticking points and a
check-in whose facts are found in the page itself.
"""

from __future__ import annotations

import copy
import csv
import re

import pytest

from tools import generate
from tools.workshop import agendas

DATA = agendas.load()
GUIDE_TEXT = agendas.GUIDE.read_text(encoding="utf-8")


def test_a_new_benchmark_makes_the_guide_stale(monkeypatch, capsys):
    measured = agendas.run_seconds()
    slower = {page: wall + 30 for page, wall in measured.items()}
    monkeypatch.setattr(agendas, "run_seconds", lambda repo=agendas.REPO: slower)
    assert agendas.markdown() != GUIDE_TEXT
    assert generate.write_or_check(agendas.render(), "make generated", check=True) == 1
    assert "stale" in capsys.readouterr().err


def test_every_run_time_on_the_page_is_the_benchmarks():
    with agendas.BENCH.open(encoding="utf-8") as f:
        wall = {r["notebook"].removesuffix(".ipynb"): float(r["wall_s"]) for r in csv.DictReader(f)}
    block = GUIDE_TEXT.split("<!-- runs:start -->")[1].split("<!-- runs:end -->")[0]
    rows = re.findall(r"^\| \{doc\}`([^`]+)` \| (\d+) s \|", block, re.M)
    assert len(rows) == len(wall), "every benchmarked notebook has a row"
    for doc, seconds in rows:
        page = doc.removeprefix("../") if doc.startswith("../") else f"chapters/{doc}"
        assert int(seconds) == round(wall[page]), f"{page}: {seconds} s on the page"


@pytest.mark.parametrize("agenda", DATA["agendas"], ids=lambda a: a["id"])
def test_every_slot_lasts_at_least_what_its_pages_need(agenda):
    slots = agendas.slots_of(agenda)
    assert slots, agenda["id"]
    for slot in slots:
        assert slot.minutes > 0, f"{agenda['id']} {slot.at}: slots out of order"
        assert slot.minutes >= slot.needs, (
            f"{agenda['id']} {slot.at} {slot.slot}: {slot.minutes} min, needs {slot.needs} "
            f"(learn {slot.learn:.1f} min, runs {slot.runs:.0f} s, {slot.exercises} exercises)"
        )


def test_a_slot_shorter_than_its_pages_need_is_caught():
    agenda = copy.deepcopy(next(a for a in DATA["agendas"] if a["id"] == "90-minutes"))
    lab = next(i for i, s in enumerate(agenda["slots"]) if s["slot"] == "Lab 1")
    agenda["slots"][lab + 1]["at"] = "1:00"  # Lab 1 and its exercise in 30 minutes
    short = next(s for s in agendas.slots_of(agenda) if s.slot == "Lab 1")
    assert short.minutes < short.needs


def test_a_part_of_a_page_needs_its_share_and_the_whole_page_all_of_it():
    page = "labs/02-sliding-windows"
    whole = agendas.learn_share(page, None)
    part = agendas.learn_share(page, ["Part 3"])
    assert whole == agendas.time_to_learn(page) == 60
    assert 0 < part < whole
    with pytest.raises(ValueError, match="no section"):
        agendas.learn_share(page, ["Part 9"])


@pytest.mark.parametrize("agenda", DATA["agendas"], ids=lambda a: a["id"])
def test_every_agenda_marks_where_to_cut_and_links_its_slides(agenda):
    assert any(s.get("cut") for s in agenda["slots"]), f"{agenda['id']}: no cut marked"
    assert f'href="../slides/{agenda["id"]}.html"' in GUIDE_TEXT


def test_every_page_taught_has_sticking_points_and_a_check_in():
    taught = {p["page"] for a in DATA["agendas"] for s in a["slots"] for p in s.get("pages", [])}
    for page in taught:
        note = DATA["pages"].get(page)
        assert note, f"{page}: no sticking points or check-in"
        assert len(note["sticking"]) >= 2, page
        assert note["question"].rstrip().endswith("?"), page
        assert note["answer"].strip(), page


def test_the_check_ins_rest_on_what_the_pages_say():
    for page, note in DATA["pages"].items():
        text = " ".join(agendas.page_text(page).split())
        for evidence in note["evidence"]:
            assert " ".join(evidence.split()) in text, f"{page} does not say {evidence!r}"


def test_the_named_sticking_points_are_taught():
    """The issue's four: empty batches, driver vs executors, append mode silent until the
    watermark passes, the two meanings of time."""
    every = " ".join(p for note in DATA["pages"].values() for p in note["sticking"])
    for words in (
        "empty batch",
        "driver",
        "append mode is silent until the watermark",
        "two meanings of time",
    ):
        assert words in every, words
