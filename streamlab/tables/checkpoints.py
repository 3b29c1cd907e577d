"""What a checkpoint folder holds, as text a notebook prints: the kinds of files, and a listing.

Times, RDD ids, uuids and part numbers differ from run to run; the kinds mask them, so a stored
output stays the same. Hadoop's hidden `.crc` checksum files (names starting with '.') are left
out of both.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_MASKS = [
    (re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"checkpoint-\d+"), "checkpoint-<time>"),
    (re.compile(r"rdd-\d+"), "rdd-<id>"),
    (re.compile(r"part-\d+"), "part-<n>"),
]


def masked_checkpoint_path(relative_path: str) -> str:
    """A checkpoint file's relative path with its uuid, batch time, RDD id and part masked."""
    masked = relative_path.replace(os.sep, "/")
    for pattern, mask in _MASKS:
        masked = pattern.sub(mask, masked)
    return masked


def checkpoint_file_kinds(root: str | Path) -> set[str]:
    """The masked relative paths of the files under `root`, without hidden files."""
    kinds = set()
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.startswith("."):
                path = os.path.relpath(os.path.join(folder, name), root)
                kinds.add(masked_checkpoint_path(path))
    return kinds


def checkpoint_tree(root: str | Path) -> str:
    """One line per folder under `root` (sorted): its name, then its files in numeric order."""
    rows = []
    for folder, subfolders, files in sorted(os.walk(root)):
        subfolders.sort()
        names = sorted(name for name in files if not name.startswith("."))
        shown = sorted(names, key=lambda name: (len(name), name))  # 2 before 10
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        rows.append(f"{relative:20} {' '.join(shown)}")
    return "\n".join(rows)
