"""Windows over DStreams: which batches each window covers, and the counts Spark would emit.

A window of length W sliding by S on a stream with batch interval B emits at every batch k
(counting from 1) where k·B is a multiple of S, and covers batches k - W/B + 1 ... k (those that
exist). W and S must be whole multiples of B: Spark builds windows out of whole batches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import SetupError


class WindowSetupError(SetupError):
    """A window Spark would refuse; the message says why and what would work."""


def _multiple(value_s: float, batch_s: float) -> int | None:
    """value/batch if it is a whole number (to the millisecond Spark uses), else None."""
    value_ms, batch_ms = round(value_s * 1000), round(batch_s * 1000)
    if batch_ms <= 0 or value_ms % batch_ms:
        return None
    return value_ms // batch_ms


def _nearby(value_s: float, batch_s: float) -> str:
    below = max(1, int(value_s // batch_s)) * batch_s
    above = below + batch_s
    return f"{below:g} s or {above:g} s"


@dataclass(frozen=True)
class DStreamWindow:
    """A valid window: lengths in batches."""

    batch_s: float
    window_s: float
    slide_s: float

    @property
    def window_batches(self) -> int:
        return round(self.window_s * 1000) // round(self.batch_s * 1000)

    @property
    def slide_batches(self) -> int:
        return round(self.slide_s * 1000) // round(self.batch_s * 1000)


def check_window(batch_s: float, window_s: float, slide_s: float | None = None) -> DStreamWindow:
    """Validate a window as Spark would, with a plain message instead of a Java stack trace."""
    slide_s = batch_s if slide_s is None else slide_s
    if batch_s <= 0:
        raise WindowSetupError(f"The batch interval must be more than 0 s (got {batch_s:g} s).")
    for name, value in (("window length", window_s), ("slide interval", slide_s)):
        if value <= 0:
            raise WindowSetupError(f"The {name} must be more than 0 s (got {value:g} s).")
        if _multiple(value, batch_s) is None:
            raise WindowSetupError(
                f"The {name} ({value:g} s) must be a multiple of the batch interval "
                f"({batch_s:g} s): a window is made of whole batches. "
                f"Try {_nearby(value, batch_s)}."
            )
    return DStreamWindow(batch_s, window_s, slide_s)


def window_outputs(
    n_batches: int, batch_s: float, window_s: float, slide_s: float | None = None
) -> list[tuple[int, list[int]]]:
    """(batch that emits the window, batches it covers) for every window in the first n batches."""
    spec = check_window(batch_s, window_s, slide_s)
    w, s = spec.window_batches, spec.slide_batches
    return [
        (k, [j for j in range(k - w + 1, k + 1) if j >= 1])
        for k in range(1, n_batches + 1)
        if k % s == 0
    ]


def model_window_counts(
    batches: Sequence[Sequence[str]],
    batch_s: float,
    window_s: float,
    slide_s: float | None = None,
    n_batches: int | None = None,
    inverse: bool = False,
    drop_zeros: bool = False,
) -> dict[int, dict[str, int]]:
    """What `reduceByKeyAndWindow` over (word, 1) pairs emits, per emitting batch.

    `batches` holds the words of each batch. Without an inverse function a window's counts are
    recomputed from its batches, so words absent from the window are absent. With one
    (`inverse=True`) Spark updates the previous window: it adds the batches that entered and
    subtracts those that left, so a word it has seen stays in the result with count 0, unless a
    `filterFunc` drops it (`drop_zeros=True`).

    PySpark takes the incremental path only when the window is at least five times the slide
    (and from the second window on); for shorter windows it recomputes the window from its
    batches, as without an inverse function, since reducing once is cheaper there.
    """
    n = len(batches) if n_batches is None else n_batches
    per_batch = [Counter(b) for b in batches] + [Counter()] * max(0, n - len(batches))
    spec = check_window(batch_s, window_s, slide_s)
    incremental = inverse and spec.window_batches >= 5 * spec.slide_batches
    result: dict[int, dict[str, int]] = {}
    seen: set[str] = set()
    for k, covered in window_outputs(n, batch_s, window_s, slide_s):
        counts: Counter[str] = Counter()
        for j in covered:
            counts.update(per_batch[j - 1])
        if incremental:
            seen |= set(counts)
            window = {word: counts.get(word, 0) for word in seen}
            if drop_zeros:
                window = {word: c for word, c in window.items() if c > 0}
                seen = set(window)
        else:
            window = dict(counts)
        result[k] = window
    return result


def count_by_window(
    batches: Sequence[Sequence[str]],
    batch_s: float,
    window_s: float,
    slide_s: float | None = None,
    n_batches: int | None = None,
) -> dict[int, int]:
    """What `countByWindow` emits: the number of elements in each window.

    PySpark implements it with an inverse function, so once the stream has had an element a
    window with none emits 0; before the first element it emits nothing.
    """
    keyed = [["*"] * len(b) for b in batches]
    counts = model_window_counts(keyed, batch_s, window_s, slide_s, n_batches, inverse=True)
    return {k: c["*"] for k, c in counts.items() if "*" in c}
