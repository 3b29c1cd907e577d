"""The glossary sends the reader to the page that defines each term, and that page marks it.

The convention: where a page defines a glossary term, the term is set in bold in its prose
(`**watermark**`, `**`StreamingContext`**`, plural or not, any case). A term's "Introduced in"
links to a page that marks it, and no page before that one, in the order of _toc.yml, marks it:
a bold term is a definition, not emphasis. Pages after it may mark the term again (a reminder).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from tests.book.test_reading_order import APPENDICES, linked_pages, prose
from tools.notebooks import reading_order
from tools.paths import REPO

GLOSSARY = "chapters/appendix/glossary"


def glossary_entries(repo: Path = REPO) -> list[tuple[str, str]]:
    """(English term, page its "Introduced in" links to) for every glossary entry."""
    text = (repo / f"{GLOSSARY}.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    entries = []
    for block in body.strip().split("\n\n"):
        lines = block.splitlines()
        english = lines[0].strip()
        definition = " ".join(line.strip() for line in lines if line.startswith("  "))
        introduced = definition.split("*Introduced in:*", 1)[1]
        entries.append((english, linked_pages(introduced, GLOSSARY)[0]))
    return entries


def definition_mark(term: str) -> re.Pattern:
    """The term in bold, as a page marks its definition: any case, plural or not, code or not."""
    words = re.sub(r"\s*\(.*\)", "", term).split()  # "Time to live (TTL)": time to live
    parts = [re.escape(w).replace(r"\-", r"(?:-|\s+)?") for w in words]
    return re.compile(r"\*\*`?" + r"(?:-|\s+)".join(parts) + r"(?:s|es)?`?\*\*", re.IGNORECASE)


def book_pages(repo: Path = REPO) -> list[str]:
    """The pages that can define a term: the landing page to the last page before the appendices."""
    order = reading_order(repo)
    end = next(i for i, page in enumerate(order) if page.startswith(APPENDICES))
    return order[:end]


@cache
def book_prose(page: str) -> str:
    """A page's prose in this repository, read once for all the terms."""
    return prose(page, REPO)


def page_prose(page: str, repo: Path) -> str:
    return book_prose(page) if repo == REPO else prose(page, repo)


def marked_on(term: str, repo: Path = REPO) -> list[str]:
    """The pages, in reading order, whose prose marks the term as defined."""
    mark = definition_mark(term)
    return [page for page in book_pages(repo) if mark.search(page_prose(page, repo))]


def term_problems(term: str, linked: str, repo: Path = REPO) -> list[str]:
    pages = book_pages(repo)
    if linked not in pages:
        return [f"{term!r}: introduced in {linked}, which is not a page of the book's parts"]
    marked = marked_on(term, repo)
    problems = []
    if linked not in marked:
        problems.append(f"{term!r}: {linked} does not mark its definition (**{term.lower()}**)")
    problems += [
        f"{term!r}: {page} marks it (**{term.lower()}**) before {linked}, the page it links to"
        for page in marked
        if pages.index(page) < pages.index(linked)
    ]
    return problems


def glossary_problems(repo: Path = REPO) -> list[str]:
    return [p for term, linked in glossary_entries(repo) for p in term_problems(term, linked, repo)]


ENTRIES = glossary_entries()


@pytest.mark.parametrize(("term", "linked"), ENTRIES, ids=[term for term, _ in ENTRIES])
def test_the_glossary_points_at_the_page_that_marks_the_definition(term, linked):
    assert term_problems(term, linked) == []


def test_the_glossary_is_read():
    assert len(ENTRIES) >= 40
    assert dict(ENTRIES)["Watermark"] == "chapters/07-event-time"
    assert "labs/01-word-count" in book_pages() and "intro" in book_pages()


@pytest.mark.parametrize(
    ("term", "text", "marked"),
    [
        ("Watermark", "the **watermark** is that maximum", True),
        ("Watermark", "two **Watermarks**", True),
        ("Watermark", "a watermark, not in bold", False),
        ("Watermark", "the **watermark delay**", False),
        ("Micro-batch", "**micro batches**", True),
        ("Input DStream", "builds the **input\nDStream**, the one", True),
        ("StreamingContext", "with a **`StreamingContext`** (the entry point", True),
        ("Time to live (TTL)", "a **time to live** of 2 seconds", True),
        ("Exactly-once", '**Exactly once** is "a property"', True),
        ("State", "the **state store**", False),
    ],
)
def test_a_definition_is_marked_in_bold(term, text, marked):
    assert bool(definition_mark(term).search(text)) is marked


def test_a_glossary_that_points_at_a_first_mention_fails(tmp_path):
    """The defect this test was written for: "Watermark" introduced where it is only named."""
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n"
        "  - chapters:\n"
        "      - file: chapters/00-setup-check\n"
        "      - file: chapters/01-first\n"
        "      - file: chapters/02-second\n"
        "  - chapters:\n"
        "      - file: chapters/appendix/glossary\n",
        encoding="utf-8",
    )
    (tmp_path / "chapters" / "appendix").mkdir(parents=True)
    pages = {
        "intro": "# Book\n",
        "chapters/00-setup-check": "# Setup\n",
        "chapters/01-first": "# First\n\nStreams have watermarks (see later).\n",
        "chapters/02-second": "# Second\n\nThe **watermark** is the latest time minus a delay.\n",
    }
    for page, text in pages.items():
        (tmp_path / f"{page}.md").write_text(text, encoding="utf-8")

    def glossary(page: str) -> None:
        (tmp_path / f"{GLOSSARY}.md").write_text(
            "# Glossary\n\n```{glossary}\nWatermark\n水位线\n"
            f"  A threshold. *Introduced in:* [A page](../{page}.md).\n```\n",
            encoding="utf-8",
        )

    glossary("01-first")
    assert glossary_problems(tmp_path) == [
        "'Watermark': chapters/01-first does not mark its definition (**watermark**)"
    ]
    glossary("02-second")
    assert glossary_problems(tmp_path) == []
    (tmp_path / "chapters/01-first.md").write_text("# First\n\nA **watermark**.\n", "utf-8")
    assert glossary_problems(tmp_path) == [
        "'Watermark': chapters/01-first marks it (**watermark**) before chapters/02-second, "
        "the page it links to"
    ]
