"""Files the book generates from its sources: write them, or check that they are current."""

from __future__ import annotations

import sys
from pathlib import Path

from tools.paths import REPO


def _shown(path: Path) -> Path:
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


def write_or_check(files: dict[Path, str], command: str, check: bool) -> int:
    """With `check`, exit status 1 (and say which, and `command` to fix it) if any file differs
    from its text; otherwise write the files that differ. Returns the exit status."""
    stale = [p for p, text in files.items() if not p.exists() or p.read_text("utf-8") != text]
    if check:
        for path in stale:
            print(f"{_shown(path)} is stale: run `{command}`", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {_shown(path)}")
    return 0
