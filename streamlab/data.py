"""Seeded generators for the book's small data sets, and where the shipped copies live.

The shipped files in `data/` are exactly what these functions write; a test regenerates them and
compares byte for byte. Regenerate with:  python -m streamlab.data words
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
WORDS_DIR = DATA_DIR / "words"

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
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, lines in enumerate(word_batches(**kwargs), start=1):
        path = folder / f"batch-{number:02d}.txt"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        paths.append(path)
    return paths


def read_word_batches(folder: Path = WORDS_DIR) -> list[list[str]]:
    """The shipped word stream: one list of lines per batch file, in batch order."""
    return [p.read_text(encoding="utf-8").splitlines() for p in sorted(folder.glob("batch-*.txt"))]


def main(argv: list[str] | None = None) -> None:
    """Regenerate a data set of the book into `data/`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=["words"])
    parser.add_argument("--out", type=Path, default=None, help="folder to write into")
    args = parser.parse_args(argv)
    if args.dataset == "words":
        for path in write_word_batches(args.out or WORDS_DIR):
            print(path)


if __name__ == "__main__":
    main()
