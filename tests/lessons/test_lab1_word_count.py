"""Lab 1's DStream code (streamlab.lessons.word_count, exported from the lab) against plain Python.

The notebook itself checks its Structured Streaming counts against these DStream totals (nbval
runs it); this test checks the DStream side against an independent count, batch by batch.
"""

from __future__ import annotations

from collections import Counter
from itertools import accumulate

from streamlab import capture, replay, run, streaming_context
from streamlab.data import ARTICLE_SENTENCE, read_word_batches
from streamlab.lessons.word_count import count_words, running_totals, top_words


def python_counts(batches):
    """Per-batch Counters and running-total Counters, without Spark."""
    per_batch = [Counter(w for line in b for w in line.split()) for b in batches]
    running = list(accumulate(per_batch, lambda a, b: a + b))
    return per_batch, running


def test_counts_totals_and_top10_equal_plain_python(sc, tmp_path):
    batches = [[ARTICLE_SENTENCE], *read_word_batches()]  # the sentence, then the eight files
    per_batch, running = python_counts(batches)
    ssc = streaming_context(0.5, checkpoint=tmp_path / "ck")
    counts = count_words(replay(ssc, batches))
    counts_out = capture(counts, ["word", "count"])
    totals_out = capture(running_totals(counts), ["word", "total"])
    top_out = capture(top_words(counts, 10), ["word", "count"])
    run(ssc, batches=len(batches))

    got_counts, got_totals = counts_out.frame(), totals_out.frame()
    got_top = top_out.frame(sort=False)
    sentence = got_counts[got_counts["batch"] == 1]  # the article's sentence: its known counts
    assert dict(zip(sentence["word"], sentence["count"])) == {
        "hello": 2,
        "world": 2,
        "streaming": 2,
        "spark": 1,
        "big": 1,
        "data": 1,
    }
    for number, (expected, expected_total) in enumerate(zip(per_batch, running), start=1):
        batch = got_counts[got_counts["batch"] == number]
        assert dict(zip(batch["word"], batch["count"])) == dict(expected), number
        total = got_totals[got_totals["batch"] == number]
        assert dict(zip(total["word"], total["total"])) == dict(expected_total), number
        top = got_top[got_top["batch"] == number]
        ranked = sorted(expected.items(), key=lambda wc: (-wc[1], wc[0]))[:10]
        assert list(zip(top["word"], top["count"])) == ranked, number
