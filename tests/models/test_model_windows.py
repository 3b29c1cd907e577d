"""The window model (streamlab.models.windows) against real PySpark, on the same input.

The model is of DStream windows (`window`, `reduceByKeyAndWindow`, `countByWindow`), and
predicts, per batch: whether a window is emitted there, and what it holds (each word with its
count, words at 0 where PySpark updates the previous window with an inverse function). Both are
compared batch by batch: the words of every emitted window, and the batches that emit (seen by
an output operation of their own, so an empty window counts too). Rows dropped as late and rows
in state, the standard's other two predictions, do not apply here: a DStream has no event time
and no watermark (a record belongs to the batch it arrives in, so none is ever late or
dropped), and windows keep no state store (Spark recomputes each window from the batches it
covers, or, with an inverse function, from the previous window's result, which is what the
zero counts show).

Many (window, slide) pairs share one StreamingContext per batch interval: each pair is its own
output operation on the same replayed stream, so 60+ combinations need only a few runs.
"""

from __future__ import annotations

import operator

import pytest

from streamlab import capture, replay, run, streaming_context
from streamlab.models.windows import (
    WindowSetupError,
    check_window,
    count_by_window,
    model_window_counts,
    window_outputs,
)

# Words per batch: uneven, with empty batches and words that come back, so that zero counts
# (inverse functions) and windows over missing batches are both exercised.
BATCHES = [["a", "b", "a"], ["b"], [], ["c", "a"], ["a"], [], [], ["b", "b", "d"], ["a"], []]
N_BATCHES = 12


def seconds(batches: int, batch_s: float) -> float:
    return round(batches * batch_s, 3)


# (batch interval, [(window, slide), ...]) in seconds, as multiples of the batch interval:
# 64 combinations.
COMBINATIONS = {
    batch_s: [(seconds(w, batch_s), seconds(s, batch_s)) for w, s in multiples]
    for batch_s, multiples in {
        0.2: [(w, s) for w in (1, 2, 3, 4, 5) for s in (1, 2, 3) if s <= w + 1],
        0.25: [(w, s) for w in (1, 2, 3, 4, 6) for s in (1, 2, 4)],
        0.3: [(w, s) for w in (2, 3, 5) for s in (1, 2, 3, 5)],
        0.4: [(w, s) for w in (1, 2, 3, 4) for s in (1, 2, 3, 4)],
    }.items()
}


def test_window_outputs_cover_the_right_batches():
    assert window_outputs(6, 1, 3, 2) == [(2, [1, 2]), (4, [2, 3, 4]), (6, [4, 5, 6])]
    assert window_outputs(3, 0.5, 0.5) == [(1, [1]), (2, [2]), (3, [3])]


@pytest.mark.parametrize(
    ("batch", "window", "slide", "message"),
    [
        (1, 2.5, 1, "window length (2.5 s) must be a multiple of the batch interval (1 s)"),
        (1, 3, 1.5, "slide interval (1.5 s) must be a multiple of the batch interval (1 s)"),
        (2, 1, 2, "Try 2 s or 4 s"),
        (1, 0, 1, "window length must be more than 0 s"),
        (0, 1, 1, "batch interval must be more than 0 s"),
    ],
)
def test_invalid_windows_get_plain_messages(batch, window, slide, message):
    with pytest.raises(WindowSetupError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_window(batch, window, slide)


@pytest.mark.parametrize("batch_s", sorted(COMBINATIONS))
def test_window_membership_equals_spark(sc, batch_s):
    """Per batch, for every combination: whether Spark's window() emits there, and the words
    (with their counts) of the batches it holds, against the model.

    Windows that slide alike share one output operation (tagged, then united), so a batch runs
    one job per slide instead of one per combination; they emit in the same batches.
    """
    ssc = streaming_context(batch_s)
    words = replay(ssc, BATCHES).cache()  # each element is one word
    by_slide: dict[float, list] = {}
    for key in COMBINATIONS[batch_s]:
        by_slide.setdefault(key[1], []).append(tagged(words.window(*key), key))
    united = {slide_s: ssc.union(*streams) for slide_s, streams in by_slide.items()}
    outputs = {slide_s: capture(stream, ["tag", "word"]) for slide_s, stream in united.items()}
    times = {slide_s: emissions(stream) for slide_s, stream in united.items()}
    run(ssc, batches=N_BATCHES, timeout=180)
    got: dict = {}
    emitted = {s: emitting_batches(outputs[s], times[s]) for s in outputs}
    for output in outputs.values():
        for batch, key, word in output.frame(sort=False).values.tolist():
            window = got.setdefault(tuple(key), {}).setdefault(batch, {})
            window[word] = window.get(word, 0) + 1
    assert set(got) <= set(COMBINATIONS[batch_s])
    for window_s, slide_s in COMBINATIONS[batch_s]:
        model = model_window_counts(BATCHES, batch_s, window_s, slide_s, N_BATCHES)
        label = f"batch {batch_s} s, window {window_s:g} s, slide {slide_s:g} s"
        assert emitted[slide_s] == sorted(model), f"{label}: batches that emit"
        assert got.get((window_s, slide_s), {}) == {k: v for k, v in model.items() if v}, label


def emissions(stream):
    """The times (ms) of the batches in which `stream` emits, as its output operation sees
    them: recorded on the driver, without a Spark job, so an empty window counts too."""
    times = []
    stream.foreachRDD(lambda time, _rdd: times.append(round(time.timestamp() * 1000)))
    return times


def emitting_batches(output, times):
    """The batch numbers (as `capture` counts them) of the times `emissions` recorded."""
    numbers = output.tracker.batch_numbers()
    return sorted(numbers[t] for t in times if t in numbers)


def tagged(stream, tag):
    """Prefix every element with a tag, so several windows can share one output operation."""
    return stream.map(lambda element: (tag, element))


# reduceByKeyAndWindow with and without an inverse function, and countByWindow, on both sides of
# the "window at least five slides" rule that decides whether PySpark works incrementally.
REDUCE_CASES = {0.2: [(5, 1), (4, 1), (3, 2), (1, 1)], 0.25: [(5, 1), (2, 2)]}


@pytest.mark.parametrize("batch_s", sorted(REDUCE_CASES))
def test_reduce_by_key_and_window_equals_spark(sc, tmp_path, batch_s):
    """Per batch, for each window: each word's count in reduceByKeyAndWindow (without an
    inverse function, with one, with one and a filter), and countByWindow's count, against the
    model. Where PySpark works incrementally, countByWindow emits 0 for an empty window, so its
    counts also show the batches that emit; which batches emit is compared, for every slide, in
    test_window_membership_equals_spark."""
    ssc = streaming_context(batch_s, checkpoint=tmp_path / "ck")  # inverse functions need it
    words = replay(ssc, BATCHES).cache()
    pairs = words.map(lambda w: (w, 1)).cache()
    by_slide: dict[float, list] = {}
    keys = [(seconds(w, batch_s), seconds(s, batch_s)) for w, s in REDUCE_CASES[batch_s]]
    for window_s, slide_s in keys:
        streams = {
            "plain": pairs.reduceByKeyAndWindow(operator.add, None, window_s, slide_s),
            "inverse": pairs.reduceByKeyAndWindow(operator.add, operator.sub, window_s, slide_s),
            "filtered": pairs.reduceByKeyAndWindow(
                operator.add, operator.sub, window_s, slide_s, filterFunc=lambda kv: kv[1] > 0
            ),
            "count": words.countByWindow(window_s, slide_s).map(lambda n: ("*", n)),
        }
        by_slide.setdefault(slide_s, []).extend(
            tagged(stream, ((window_s, slide_s), kind)) for kind, stream in streams.items()
        )
    # DStreams can only be united when they slide alike: one output operation per slide.
    outputs = [capture(ssc.union(*streams), ["tag", "pair"]) for streams in by_slide.values()]
    run(ssc, batches=N_BATCHES, timeout=180)

    got: dict = {}
    for output in outputs:
        for batch, (key, kind), (word, count) in output.frame(sort=False).values.tolist():
            got.setdefault((tuple(key), kind), {}).setdefault(batch, {})[word] = count

    options = {
        "plain": {},
        "inverse": {"inverse": True},
        "filtered": {"inverse": True, "drop_zeros": True},
    }
    for window_s, slide_s in keys:
        label = f"batch {batch_s} s, window {window_s:g} s, slide {slide_s:g} s"
        for kind, option in options.items():
            model = model_window_counts(BATCHES, batch_s, window_s, slide_s, N_BATCHES, **option)
            found = got.get(((window_s, slide_s), kind), {})
            assert found == {k: v for k, v in model.items() if v}, f"{label} ({kind})"
        expected_count = count_by_window(BATCHES, batch_s, window_s, slide_s, N_BATCHES)
        found_count = {k: v["*"] for k, v in got.get(((window_s, slide_s), "count"), {}).items()}
        assert found_count == expected_count, f"{label} (countByWindow)"


def test_the_jvm_refuses_what_the_model_refuses(sc):
    """chapter 4's look past PySpark's check: the JVM's WindowedDStream says the same."""
    from streamlab.dstream.windows_jvm import jvm_window_refusal

    ssc = streaming_context(0.5)
    words = replay(ssc, [["a"]])
    refusal = jvm_window_refusal(words, 1.25, 0.5)
    assert refusal is not None and "must be a multiple of the slide duration" in refusal
    assert "\n" not in refusal
    assert jvm_window_refusal(words, 1.5, 1.0) is None
    with pytest.raises(WindowSetupError):
        check_window(0.5, 1.25, 0.5)
