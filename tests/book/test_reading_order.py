"""The book's reading order keeps its promises.

Every page's necessary prerequisites come before it in _toc.yml, and every "What's next" leads to
the page after it. (Where the glossary says a term is introduced: tests/tools/test_glossary.py.)
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from tools.notebooks import reading_order
from tools.paths import REPO

# The pages read in sequence: from the setup check to the last page before the appendices
# (appendices and the instructor's pages are looked up, not read in a row).
FIRST, APPENDICES = "chapters/00-setup-check", "chapters/appendix/"
LINK = re.compile(r"\[[^\]]+\]\(([^)#\s]+\.(?:ipynb|md))(?:#[^)]*)?\)|\{doc\}`([^`]+)`")


def sequence(repo: Path = REPO) -> list[str]:
    order = reading_order(repo)
    end = next(i for i, page in enumerate(order) if page.startswith(APPENDICES))
    return order[order.index(FIRST) : end]


def source_of(docname: str, repo: Path = REPO) -> Path:
    for suffix in (".ipynb", ".md"):
        path = repo / f"{docname}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(docname)


def prose(docname: str, repo: Path = REPO) -> str:
    """The page's text a reader reads: markdown cells, or a page without its code blocks."""
    path = source_of(docname, repo)
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return re.sub(r"(?ms)^```.*?^```", "", path.read_text(encoding="utf-8"))


def linked_pages(text: str, from_doc: str) -> list[str]:
    """The book's pages that `text` (on page `from_doc`) links to, as docnames, in order."""
    pages = []
    for target, doc in LINK.findall(text):
        if doc:
            resolved = (
                doc.lstrip("/")
                if doc.startswith("/")
                else posixpath.join(posixpath.dirname(from_doc), doc)
            )
        else:
            if target.startswith(("http:", "https:")):
                continue
            resolved = posixpath.join(posixpath.dirname(from_doc), target)
            resolved = resolved.rsplit(".", 1)[0]
        pages.append(posixpath.normpath(resolved))
    return pages


def prerequisites(docname: str, repo: Path = REPO) -> list[tuple[str, str, list[str]]]:
    """The rows of a page's prerequisites table: (concept, importance, linked pages)."""
    text = prose(docname, repo)
    start = text.find("**Prerequisites.**")
    if start < 0:
        return []
    rows = []
    for line in text[start:].splitlines()[1:]:
        if not line.strip():
            if rows:
                break
            continue
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[1] in ("importance", "---"):
            continue
        rows.append((cells[0], cells[1], linked_pages(cells[2], docname)))
    return rows


def whats_next(docname: str, repo: Path = REPO) -> list[str]:
    """The pages the "What's next" paragraph of a page links to, in order."""
    text = prose(docname, repo)
    match = re.search(r"\*\*What's next:?\*\*:?(.*?)(?:\n\n|\Z)", text, re.S)
    return linked_pages(match.group(1), docname) if match else []


def prerequisite_problems(repo: Path = REPO) -> list[str]:
    order = sequence(repo)
    problems = []
    for position, page in enumerate(order):
        for concept, importance, pages in prerequisites(page, repo):
            for needed in pages:
                if importance == "necessary" and needed in order[position:]:
                    problems.append(
                        f"{page} needs {needed} ({concept}), which comes after it or is itself"
                    )
    return problems


def next_page_problems(repo: Path = REPO) -> list[str]:
    order = reading_order(repo)
    problems = []
    for page in sequence(repo):
        expected = order[order.index(page) + 1]
        links = whats_next(page, repo)
        if not links:
            problems.append(f'{page} has no "What\'s next" link')
        elif links[0] != expected:
            problems.append(f"{page}'s \"What's next\" leads first to {links[0]}, not {expected}")
    return problems


def test_every_necessary_prerequisite_comes_first():
    assert prerequisite_problems() == []


def test_every_page_leads_to_the_next_in_reading_order():
    assert next_page_problems() == []


def test_the_checks_read_the_pages():
    """The parsers find what they check: a table on every chapter, a link in every ending."""
    order = sequence()
    assert len(order) >= 13
    with_table = [page for page in order if prerequisites(page)]
    assert len(with_table) >= len(order) - 1  # the setup check needs nothing
    assert prerequisites("labs/02-sliding-windows")[1][2] == ["chapters/04-windows"]
