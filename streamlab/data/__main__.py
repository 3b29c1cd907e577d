"""Regenerate a data set of the book into `data/`.

Usage: python -m streamlab.data words|word-events|clicks|ads [--out FOLDER]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .ads import write_ad_files
from .clicks import write_click_batches
from .files import ADS_DIR, CLICKS_DIR, WORD_EVENTS_FILE, WORDS_DIR
from .word_events import write_word_events
from .words import write_word_batches


def main(argv: list[str] | None = None) -> None:
    """Regenerate a data set of the book into `data/`."""
    parser = argparse.ArgumentParser(
        prog="python -m streamlab.data", description=__doc__.splitlines()[0]
    )
    parser.add_argument("dataset", choices=["words", "word-events", "clicks", "ads"])
    parser.add_argument("--out", type=Path, default=None, help="folder to write into")
    args = parser.parse_args(argv)
    if args.dataset == "words":
        for path in write_word_batches(args.out or WORDS_DIR):
            print(path)
    elif args.dataset == "word-events":
        print(write_word_events(args.out / WORD_EVENTS_FILE.name if args.out else WORD_EVENTS_FILE))
    elif args.dataset == "clicks":
        for path in write_click_batches(args.out or CLICKS_DIR):
            print(path)
    else:
        for path in write_ad_files(args.out or ADS_DIR):
            print(path)


if __name__ == "__main__":
    main()
