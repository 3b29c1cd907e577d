"""The micro-batch model (streamlab.models.batches), alone and against real PySpark.

Spark runs one batch at a time: a batch waits until it is cut and the previous batch is done.
The queue model must predict Spark's scheduling delays from Spark's own processing times.
"""

from __future__ import annotations

import time

import pytest

from streamlab import replay, run, streaming_context
from streamlab.models.batches import (
    batch_of,
    group_into_batches,
    is_stable,
    processing_times,
    queue_batches,
    random_arrivals,
)


def test_batch_of_uses_half_open_intervals():
    assert [batch_of(t, 0.5) for t in (0, 0.1, 0.4999, 0.5, 1.0, 1.2)] == [1, 1, 1, 2, 3, 3]
    assert batch_of(0.3, 0.1) == 4  # 0.3 / 0.1 is 2.9999... in floating point
    with pytest.raises(ValueError, match="more than 0"):
        batch_of(1, 0)


def test_group_into_batches_keeps_empty_batches():
    assert group_into_batches([0.1, 0.4, 0.5, 1.2, 2.05], 0.5) == {
        1: [0, 1],
        2: [2],
        3: [3],
        4: [],
        5: [4],
    }
    assert group_into_batches([], 1) == {}


def test_random_arrivals_are_reproducible_and_near_the_rate():
    first = random_arrivals(8, 600, seed=5)
    assert first == random_arrivals(8, 600, seed=5)
    assert first != random_arrivals(8, 600, seed=6)
    assert first == sorted(first) and 0 <= first[0] and first[-1] < 600
    assert 0.9 * 4800 < len(first) < 1.1 * 4800
    with pytest.raises(ValueError, match="input rate"):
        random_arrivals(0, 10)


def test_queue_stays_empty_when_batches_finish_in_time():
    runs = queue_batches(1.0, [0.7] * 5)
    assert [r.scheduling_delay_s for r in runs] == [0.0] * 5
    assert [r.start_s for r in runs] == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_queue_grows_by_the_deficit_every_batch():
    runs = queue_batches(0.5, [0.7] * 5)
    delays = [round(r.scheduling_delay_s, 6) for r in runs]
    assert delays == [0.0, 0.2, 0.4, 0.6, 0.8]
    assert runs[-1].total_delay_s == pytest.approx(1.5)


def test_stability_condition():
    assert processing_times(0.5, 40, 0.005, 0.5, 3) == pytest.approx([0.6] * 3)
    assert not is_stable(0.5, 40, 0.005, 0.5)
    assert is_stable(1.5, 40, 0.005, 0.5)
    assert not is_stable(0.625, 40, 0.005, 0.5)  # exactly one interval: no slack, not stable
    assert not is_stable(10, 250, 0.005, 0.0)  # a record costs more than it leaves time for


def _action(rdd):
    rdd.count()  # a foreachRDD function must return None (or an RDD)


@pytest.mark.serial  # measures Spark's delays: a busy core would change them
@pytest.mark.parametrize(("batch_s", "grows"), [(0.3, True), (1.0, False)])
def test_queue_model_predicts_sparks_scheduling_delays(sc_real_clock, batch_s, grows):
    """Fed Spark's measured processing times, the model predicts Spark's delays.

    Batch by batch the two differ by up to about a second on a busy machine (Spark's reported
    processing time and its gaps between batches are not exact), so the test compares what the
    chapter teaches: whether the delay grows, and how far it has grown by the last batch.
    """
    warm = streaming_context(batch_s)  # the first batch of a kernel's first stream is slow
    replay(warm, [["w"]]).foreachRDD(_action)
    run(warm, batches=1)

    def slow(records):  # defined here, so that it is pickled by value for the workers
        time.sleep(0.3)
        for record in records:
            time.sleep(0.005)
            yield record

    ssc = streaming_context(batch_s)
    stream = replay(ssc, [["r"] * 20] * 10).mapPartitions(slow)
    stream.foreachRDD(_action)
    timings = run(ssc, batches=10, timeout=120)
    measured = (timings["scheduling_delay_ms"] / 1000).tolist()
    processing = (timings["processing_ms"] / 1000).tolist()
    model = [r.scheduling_delay_s for r in queue_batches(batch_s, processing)]
    assert (measured[-1] - measured[1] > 0.5) is grows, measured
    assert (model[-1] - model[1] > 0.5) is grows, model
    slack = measured[0] + 0.3  # Spark may start batch 1 late; the model starts it on time
    if grows:
        assert abs(model[-1] - measured[-1]) <= 0.3 * measured[-1] + slack, (measured, model)
    else:
        assert max(model) <= 0.2 and max(measured[1:]) <= slack, (measured, model)
