"""The book's pages in reading order, as _toc.yml lists them (root first).

One reader of _toc.yml for the answer key, the config tests and the browser tests.
"""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def reading_order(repo: Path = REPO) -> list[str]:
    """Every entry of _toc.yml (root first), in the order the book is read."""
    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    return pages
