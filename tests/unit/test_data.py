"""The shipped data equals a fresh generation, byte for byte."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

from streamlab.data import (
    ADS_DIR,
    DATA_DIR,
    WORD_EVENTS_FILE,
    WORDS_DIR,
    event_lines_by_second,
    read_word_batches,
    read_word_events,
    word_batches,
    word_events,
    words_by_batch,
    write_word_batches,
    write_word_events,
)
from streamlab.data.ads import ad_streams, parse_ad_line, read_ad_batches, write_ad_files


def test_shipped_word_files_regenerate_byte_for_byte(tmp_path):
    fresh = write_word_batches(tmp_path)
    shipped = sorted(WORDS_DIR.glob("batch-*.txt"))
    assert [p.name for p in fresh] == [p.name for p in shipped]
    for new, old in zip(fresh, shipped, strict=True):
        assert new.read_bytes() == old.read_bytes(), old.name


def test_generator_is_deterministic_and_seed_sensitive():
    assert word_batches(seed=7) == word_batches(seed=7)
    assert word_batches(seed=7) != word_batches(seed=8)


def test_shipped_stream_shape():
    batches = read_word_batches()
    assert len(batches) == 8
    assert all(len(b) == 40 for b in batches)
    assert sum(len(line.split()) for b in batches for line in b) == 2540


def test_shipped_word_events_regenerate_byte_for_byte(tmp_path):
    fresh = write_word_events(tmp_path / WORD_EVENTS_FILE.name)
    assert fresh.read_bytes() == WORD_EVENTS_FILE.read_bytes()


def test_word_events_are_deterministic_and_seed_sensitive():
    assert word_events(seed=104) == word_events(seed=104)
    assert word_events(seed=104) != word_events(seed=105)


def test_word_events_shape_and_replay_by_arrival():
    events = read_word_events()
    assert events == word_events()  # reading the file gives back what was generated
    assert len(events) == 92
    assert {e.user for e in events} == {"ana", "ben", "chen", "dara", "eli"}
    assert sum(e.delay_s >= 1 for e in events) == 17
    assert all(0 <= e.time_s <= e.arrival_s < 10 for e in events)
    # Replaying by arrival loses nothing, whatever the batch interval.
    for batch_s, n in ((1.0, 10), (0.5, 20), (2.0, 5), (1.5, 7)):
        batches = words_by_batch(events, batch_s)
        assert len(batches) == n
        assert sorted(w for b in batches for w in b) == sorted(e.word for e in events)
    lines = event_lines_by_second(events)
    assert [len(b) for b in lines] == [len(b) for b in words_by_batch(events, 1.0)]
    assert lines[0][0] == "2026-01-01 12:00:00.2,dara,spark"


def test_the_regeneration_commands_of_data_readme_work(tmp_path):
    """data/README.md says `python -m streamlab.data <dataset>`: that command writes the files."""
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    for dataset in ("words", "word-events", "clicks", "ads"):
        assert f"`.venv/bin/python -m streamlab.data {dataset}`" in readme, dataset
    for dataset, shipped in (
        ("words", sorted(WORDS_DIR.glob("batch-*.txt"))),
        ("word-events", [WORD_EVENTS_FILE]),
    ):
        out = tmp_path / dataset
        command = [sys.executable, "-m", "streamlab.data", dataset, "--out", str(out)]
        printed = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        assert printed.split() == [str(out / p.name) for p in shipped]
        assert [(out / p.name).read_bytes() for p in shipped] == [p.read_bytes() for p in shipped]


def test_shipped_ad_streams_regenerate_byte_for_byte(tmp_path):
    fresh = write_ad_files(tmp_path)
    for path in fresh:
        shipped = ADS_DIR / path.relative_to(tmp_path)
        assert path.read_bytes() == shipped.read_bytes(), shipped


def test_ad_streams_hold_what_the_joins_chapter_needs():
    streams = ad_streams()
    assert ad_streams() == streams and ad_streams(seed=24) != streams
    kinds = Counter(c.kind for c in streams.clicks)
    assert kinds == {"click": 15, "double click": 2, "retry": 1}
    assert len(streams.impressions) == 64
    assert sum(c.batch > c.time_s // 60 for c in streams.clicks) == 4  # late clicks
    # every malformed line is rejected, with the reason it was damaged with; nothing else is
    rejected = [
        (parse_ad_line(line)[1], line)
        for batches in (read_ad_batches("impressions"), read_ad_batches("clicks"))
        for lines in batches
        for line in lines
        if parse_ad_line(line)[1] is not None
    ]
    assert sorted(rejected) == sorted((kind, line) for _, _, kind, line in streams.malformed)
    valid = sum(len(b) for b in read_ad_batches("clicks")) - 3
    assert valid == len(streams.clicks)
