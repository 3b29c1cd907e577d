"""The corrections page: every correction names the article's section that makes the claim."""

from __future__ import annotations

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "chapters" / "appendix" / "corrections.md"
# The numbered headings of the original article (its numbers only, none of its text).
ARTICLE_SECTIONS = {
    *"1 1.1 1.2 1.3 2 2.1 2.2 2.3 2.4 2.5 2.6 2.7 2.8 3 3.1 3.2 3.3 3.4".split(),
    *"4 4.1 4.1.1 4.1.2 4.1.3 4.2 4.2.1 4.2.2 4.2.3 4.3 4.3.1 4.3.2 4.3.3".split(),
}
ROW = re.compile(r"^\| (\d+) \| (.*?) \| ", re.MULTILINE)
CITED = re.compile(r"\(article (§[0-9.]+(?:, §[0-9.]+)*)\)$")


def test_every_correction_names_existing_sections_of_the_article():
    rows = ROW.findall(PAGE.read_text(encoding="utf-8"))
    assert [int(n) for n, _ in rows] == list(range(1, len(rows) + 1))
    assert len(rows) >= 50
    for number, claim in rows:
        cited = CITED.search(claim)
        assert cited, f"correction {number} names no section of the article"
        sections = [s.removeprefix("§") for s in cited.group(1).split(", ")]
        assert set(sections) <= ARTICLE_SECTIONS, (number, sections)
