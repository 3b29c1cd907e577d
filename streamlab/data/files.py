"""Where the shipped data lives, and batch files: one text file per batch, a line per record."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "data"  # the repository's data/ folder
WORDS_DIR = DATA_DIR / "words"
WORD_EVENTS_FILE = DATA_DIR / "word-events.csv"
CLICKS_DIR = DATA_DIR / "clicks"
ADS_DIR = DATA_DIR / "ads"  # impressions/, clicks/, catalogue.csv


def write_batch_files(folder: Path, batches: list[list[str]], suffix: str) -> list[Path]:
    """Write one file per batch (batch-01<suffix>, ...), a newline after every line."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, lines in enumerate(batches, start=1):
        path = folder / f"batch-{number:02d}{suffix}"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        paths.append(path)
    return paths


def read_batch_files(folder: Path, suffix: str) -> list[list[str]]:
    """One list of lines per batch file, in batch order; empty and blank lines are kept."""
    return [
        p.read_text(encoding="utf-8").split("\n")[:-1]
        for p in sorted(folder.glob(f"batch-*{suffix}"))
    ]
