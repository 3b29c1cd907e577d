"""The book's small data sets: seeded generators, and readers of the copies shipped in `data/`.

The shipped files in `data/` are exactly what these generators write; a test regenerates them
and compares byte for byte. Regenerate with:  python -m streamlab.data words  (or word-events,
clicks, ads). One module each: `files` (where the data lives, one file per batch), `words` (Lab 1's
word stream), `word_events` (Lab 2's word events), `clicks` (Lab 3's click log),
`ads` (impressions and clicks to join, chapter 11).
"""

from .files import (
    ADS_DIR,
    CLICKS_DIR,
    DATA_DIR,
    WORD_EVENTS_FILE,
    WORDS_DIR,
    read_batch_files,
    write_batch_files,
)
from .word_events import (
    EVENT_EPOCH,
    EVENT_SECONDS,
    USERS,
    WORD_EVENT_COLUMNS,
    WordEvent,
    article_word_weights,
    event_lines_by_second,
    read_word_events,
    word_events,
    word_events_csv,
    words_by_batch,
    write_word_events,
)
from .words import (
    ARTICLE_SENTENCE,
    read_word_batches,
    word_batches,
    word_weights,
    write_word_batches,
)

__all__ = [
    "ADS_DIR",
    "ARTICLE_SENTENCE",
    "CLICKS_DIR",
    "DATA_DIR",
    "EVENT_EPOCH",
    "EVENT_SECONDS",
    "USERS",
    "WORDS_DIR",
    "WORD_EVENTS_FILE",
    "WORD_EVENT_COLUMNS",
    "WordEvent",
    "article_word_weights",
    "event_lines_by_second",
    "read_batch_files",
    "read_word_batches",
    "read_word_events",
    "word_batches",
    "word_events",
    "word_events_csv",
    "word_weights",
    "words_by_batch",
    "write_batch_files",
    "write_word_batches",
    "write_word_events",
]
