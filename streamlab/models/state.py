"""State that outlives a batch: how many keys `updateStateByKey` keeps, with and without expiry.

The model runs the update function the notebooks pass to Spark: for every key that is in the
state or in the batch, `update(new_values, old_state)` is called once per batch, and a key whose
update returns None leaves the state. Expiry here means: a key is dropped in the batch that
makes it `idle_batches` batches in a row without new values.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from ..errors import SetupError

State = tuple[int, int]  # (running total, batches in a row without new values)


def update_with_expiry(
    new_values: Sequence[int], old: State | None, idle_batches: int | None
) -> State | None:
    """One call of the update function: add new values, count idle batches, expire at the limit."""
    total, idle = old if old is not None else (0, 0)
    if new_values:
        return (total + sum(new_values), 0)
    if idle_batches is not None and idle + 1 >= idle_batches:
        return None  # None removes the key from the state
    return (total, idle + 1)


def check_idle_batches(idle_batches: int | None) -> None:
    """An expiry of fewer than one batch cannot be expressed: a key lives at least one batch."""
    if idle_batches is not None and (int(idle_batches) != idle_batches or idle_batches < 1):
        raise SetupError(
            f"The idle timeout is a whole number of batches, at least 1 (got {idle_batches})."
        )


def states_after_each_batch(
    batches: Sequence[Sequence[str]],
    n_batches: int,
    idle_batches: int | None = None,
) -> list[dict[str, State]]:
    """The state (key -> (total, idle)) after each of `n_batches` batches; batches past the input
    are empty, as a quiet source delivers them."""
    check_idle_batches(idle_batches)
    state: dict[str, State] = {}
    history: list[dict[str, State]] = []
    for k in range(n_batches):
        counts = Counter(batches[k]) if k < len(batches) else Counter()
        new_state: dict[str, State] = {}
        for key in sorted(set(state) | set(counts)):
            values = [1] * counts[key]
            updated = update_with_expiry(values, state.get(key), idle_batches)
            if updated is not None:
                new_state[key] = updated
        state = new_state
        history.append(dict(state))
    return history


def state_sizes(
    batches: Sequence[Sequence[str]],
    n_batches: int,
    idle_batches: int | None = None,
) -> list[int]:
    """Number of keys in the state after each batch."""
    return [len(s) for s in states_after_each_batch(batches, n_batches, idle_batches)]


def visitor_batches(n_batches: int = 16, new_per_batch: int = 3, seed: int = 5) -> list[list[str]]:
    """Batches of visitor ids: each batch brings new visitors, each stays a few batches (with
    gaps) and then never returns, as on a website. Reproducible from `seed`."""
    rng = random.Random(seed)
    batches: list[list[str]] = [[] for _ in range(n_batches)]
    number = 0
    for start in range(n_batches):
        for _ in range(new_per_batch):
            number += 1
            visitor = f"v{number:03d}"
            stay = rng.randint(1, 4)
            for k in range(start, min(start + stay, n_batches)):
                if k == start or rng.random() < 0.6:
                    batches[k].extend([visitor] * rng.randint(1, 3))
    for batch in batches:
        rng.shuffle(batch)
    return batches
