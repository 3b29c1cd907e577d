"""Lab 1's word stream: lines of stream-processing words whose weights drift over the batches."""

from __future__ import annotations

import random
from pathlib import Path

from .files import WORDS_DIR, read_batch_files, write_batch_files

# The sentence the original article counts; both word-count labs must give these counts.
ARTICLE_SENTENCE = "hello world hello spark streaming world big data streaming"

# A vocabulary of stream-processing words; the weight of each word changes over the batches, so
# running totals tell a story: the DStream words fade while Structured Streaming words rise.
STEADY = {
    "spark": 9,
    "stream": 8,
    "data": 7,
    "batch": 6,
    "event": 5,
    "time": 5,
    "window": 4,
    "state": 3,
    "sink": 3,
    "source": 3,
    "query": 3,
    "driver": 2,
    "executor": 2,
    "record": 2,
    "partition": 2,
    "offset": 2,
    "trigger": 2,
    "checkpoint": 1,
    "latency": 1,
    "throughput": 1,
}
FADING = {"dstream": 8, "rdd": 7, "receiver": 4}  # weight at batch 1, falling to 1
RISING = {"watermark": 1, "dataframe": 1, "kafka": 1}  # weight 1 at batch 1, rising to 8


def word_weights(batch: int, batches: int) -> dict[str, float]:
    """The weight of each word in batch `batch` (1-based) of `batches`."""
    progress = (batch - 1) / max(batches - 1, 1)
    weights: dict[str, float] = dict(STEADY)
    for word, start in FADING.items():
        weights[word] = start + (1 - start) * progress
    for word, start in RISING.items():
        weights[word] = start + (8 - start) * progress
    return weights


def word_batches(batches: int = 8, lines_per_batch: int = 40, seed: int = 7) -> list[list[str]]:
    """`batches` lists of text lines, each line 4 to 12 words, reproducible from `seed`."""
    rng = random.Random(seed)
    result = []
    for batch in range(1, batches + 1):
        weights = word_weights(batch, batches)
        words, w = list(weights), list(weights.values())
        lines = [
            " ".join(rng.choices(words, w, k=rng.randint(4, 12))) for _ in range(lines_per_batch)
        ]
        result.append(lines)
    return result


def write_word_batches(folder: Path = WORDS_DIR, **kwargs: int) -> list[Path]:
    """Write one file per batch (batch-01.txt, ...) and return their paths."""
    return write_batch_files(folder, word_batches(**kwargs), ".txt")


def read_word_batches(folder: Path = WORDS_DIR) -> list[list[str]]:
    """The shipped word stream: one list of lines per batch file, in batch order."""
    return read_batch_files(folder, ".txt")
