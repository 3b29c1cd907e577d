"""The book's notebooks as the tools see them: one reader, the tags, the finder, the reading
order and the per-notebook flags.

Cell tags (a cell's `metadata.tags`) the tools give a meaning to:

- `export`: definitions a lab teaches, written to `streamlab/lessons/` (tools/generate/lessons.py);
  in a learner copy, the functions left to write;
- `solution`: an exercise's solution (the answer key shows it, a learner copy drops it);
- `starter`: the learner's starting point for the exercise after it;
- `check`: a learner copy's check of the function written just above;
- `learner-link`: a lab's link to its learner copy (replaced there by a note);
- `hide-cell`, `remove-cell`: Jupyter Book's own (the site hides or drops the cell).

Per-notebook flags live in the notebook's metadata, `"streamlab": {...}`:

- `"export": "<module>"`: the lesson module its `export` cells are written to;
- `"nbval": "alone"`: its checked conclusions depend on timing, so nbval runs it beside nothing
  else (`runs_alone`);
- `"learner_copy_of": "labs/<lab>.ipynb"`: set in a learner copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import nbformat
import yaml

from tools.paths import NOTEBOOK_FOLDERS, REPO, TOC

EXPORT = "export"
SOLUTION = "solution"
STARTER = "starter"
CHECK = "check"
LEARNER_LINK = "learner-link"
HIDE_CELL = "hide-cell"
REMOVE_CELL = "remove-cell"
TAGS = (EXPORT, SOLUTION, STARTER, CHECK, LEARNER_LINK, HIDE_CELL, REMOVE_CELL)

FLAGS = "streamlab"  # the notebook metadata key of the book's own flags
ALONE = "alone"  # the value of the flag "nbval" for a notebook that runs alone


def read(path: Path | str) -> nbformat.NotebookNode:
    """A notebook (nbformat 4): attribute access (`cell.source`, a string) and dict access alike."""
    return nbformat.read(Path(path), as_version=4)


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def has_tag(cell, tag: str) -> bool:
    return tag in tags(cell)


def cells_tagged(nb, tag: str, cell_type: str | None = None) -> list:
    """The cells of a notebook that carry `tag` (only those of `cell_type`, when it is given)."""
    return [
        cell
        for cell in nb["cells"]
        if has_tag(cell, tag) and (cell_type is None or cell["cell_type"] == cell_type)
    ]


def flags(nb_or_path) -> dict:
    """The notebook's own flags, `metadata.streamlab` ({} if it has none)."""
    nb = read(nb_or_path) if isinstance(nb_or_path, Path | str) else nb_or_path
    return dict(nb.get("metadata", {}).get(FLAGS, {}))


def export_module(nb_or_path) -> str | None:
    """The lesson module a notebook exports its `export` cells to, if any."""
    return flags(nb_or_path).get(EXPORT)


def runs_alone(path: Path | str) -> bool:
    """Whether nbval runs the notebook beside nothing else (timing-dependent conclusions)."""
    return flags(path).get("nbval") == ALONE


def find_notebooks(args: Iterable[str | Path] = (), repo: Path = REPO) -> list[Path]:
    """Every .ipynb named, or found under a named folder (default: chapters/ and labs/), as
    paths relative to `repo`, folders' notebooks in sorted order; checkpoints are left out."""
    found: list[Path] = []
    for arg in list(args) or NOTEBOOK_FOLDERS:
        path = (repo / arg).resolve()
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        else:
            found.append(path)
    return [p.relative_to(repo) if p.is_relative_to(repo) else p for p in found]


def reading_order(repo: Path = REPO) -> list[str]:
    """Every entry of _toc.yml (root first), in the order the book is read: page names without
    a suffix (`chapters/04-windows`)."""
    toc = yaml.safe_load((repo / TOC.name).read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    return pages


def notebooks_in_order(repo: Path = REPO) -> list[str]:
    """The notebooks of _toc.yml (names without `.ipynb`), in reading order."""
    return [page for page in reading_order(repo) if (repo / f"{page}.ipynb").exists()]
