"""The repository's paths, in one place: every tool imports them from here.

(`streamlab` keeps its own: the library never imports `tools`.)
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = REPO / "chapters"
LABS = REPO / "labs"
LEARNER = REPO / "learner"
NOTEBOOK_FOLDERS = (CHAPTERS, LABS)  # the notebooks the book runs (learner copies are generated)
STREAMLAB = REPO / "streamlab"
LESSONS = STREAMLAB / "lessons"
LOCALES = REPO / "locales"
BUILD = REPO / "_build"
SITE = BUILD / "html"
RESULTS = REPO / "bench" / "results"
TOC = REPO / "_toc.yml"
CONFIG = REPO / "_config.yml"
GLOSSARY = CHAPTERS / "appendix" / "glossary.md"
TOOLS = REPO / "tools"


def shown(path: Path) -> str:
    """A path as a message shows it: relative to the repository when it is inside it."""
    path = Path(path)
    resolved = path.resolve()
    return resolved.relative_to(REPO).as_posix() if resolved.is_relative_to(REPO) else str(path)
