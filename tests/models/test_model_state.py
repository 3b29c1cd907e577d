"""The state model (streamlab.models.state) against real PySpark `updateStateByKey`.

The same update function (a running total that expires after N idle batches) runs in Spark and
in the model, on the same replayed visitor batches; the number of keys after every batch, and
the state itself, must be identical, with several timeouts and without one.
"""

from __future__ import annotations

import pytest

from streamlab import capture, replay, run, streaming_context
from streamlab.models.state import (
    check_idle_batches,
    state_sizes,
    states_after_each_batch,
    update_with_expiry,
    visitor_batches,
)

BATCHES = visitor_batches(n_batches=10)
N_BATCHES = len(BATCHES) + 4  # and four quiet batches, in which expiring keys drain away
TIMEOUTS = [None, 1, 2, 3]


def expire_after(idle_batches):
    """The update function the chapter passes to updateStateByKey."""

    def update(new_values, old):
        total, idle = old if old is not None else (0, 0)
        if new_values:
            return (total + sum(new_values), 0)
        if idle_batches is not None and idle + 1 >= idle_batches:
            return None
        return (total, idle + 1)

    return update


def test_update_function_is_the_models():
    for old in (None, (4, 0), (4, 1), (4, 2)):
        for values in ([], [1], [1, 1]):
            for n in TIMEOUTS:
                assert expire_after(n)(values, old) == update_with_expiry(values, old, n)


def test_model_keeps_everything_without_expiry():
    sizes = state_sizes(BATCHES, N_BATCHES)
    distinct = [len({v for b in BATCHES[: k + 1] for v in b}) for k in range(len(BATCHES))]
    assert sizes[: len(BATCHES)] == distinct
    assert sizes[len(BATCHES) :] == [distinct[-1]] * 4


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_model_refuses_impossible_timeouts(bad):
    with pytest.raises(ValueError, match="whole number of batches"):
        check_idle_batches(bad)


def test_state_sizes_equal_spark(sc, tmp_path):
    ssc = streaming_context(0.5, checkpoint=tmp_path / "ck")
    pairs = replay(ssc, BATCHES).map(lambda v: (v, 1)).cache()
    sizes, states = {}, {}
    for n in TIMEOUTS:
        state = pairs.updateStateByKey(expire_after(n))
        sizes[n] = capture(state.count(), ["keys"])
        states[n] = capture(state, ["visitor", "state"])
    run(ssc, batches=N_BATCHES, timeout=240)
    for n in TIMEOUTS:
        got = sizes[n].frame()
        by_batch = dict(zip(got["batch"], got["keys"], strict=True))
        assert [by_batch.get(k, 0) for k in range(1, N_BATCHES + 1)] == state_sizes(
            BATCHES, N_BATCHES, n
        ), f"idle timeout {n}"
        rows = states[n].frame()
        model = states_after_each_batch(BATCHES, N_BATCHES, n)
        for k in range(1, N_BATCHES + 1):
            part = rows[rows["batch"] == k]
            spark_state = {v: tuple(s) for v, s in zip(part["visitor"], part["state"])}
            assert spark_state == model[k - 1], f"idle timeout {n}, batch {k}"
