"""The book's glossary, chapters/appendix/glossary.md, read once for every tool that needs it.

Each entry of its `{glossary}` directive is the English term, its Chinese term on the next line,
then the definition, indented, ending with `*Introduced in:* [page](link)`. The handout lists
chosen terms in both languages, the translation checks hold every Chinese message to the
glossary's term, and the Chinese search indexes each term whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tools.paths import GLOSSARY

INTRODUCED = "*Introduced in:*"
# API and product names that stay in English in the Chinese edition though they are not CamelCase.
NAMES = {"Spark Connect", "Structured Streaming", "RocksDB state store"}


@dataclass(frozen=True)
class Term:
    """One glossary entry. Only the two terms take part in comparisons."""

    english: str
    chinese: str
    definition: str = field(default="", compare=False)  # without its "Introduced in"
    introduced_in: str = field(default="", compare=False)  # the Markdown after "Introduced in:"

    @property
    def accepted(self) -> list[str]:
        """The Chinese a translation may use for this term: the term, its gloss in brackets, and
        for the name of an API or a product (DataFrame, RDD, Spark Connect) the name itself."""
        forms = [re.sub(r"（.*?）", "", self.chinese).strip()]
        forms += re.findall(r"（(.*?)）", self.chinese)
        if is_name(self.english):
            forms.append(self.english)
        return [f for f in forms if f]

    def pattern(self) -> re.Pattern[str]:
        """The English term in running text: any case, plural, hyphen or space between words."""
        words = [re.escape(w) for w in re.split(r"[\s-]+", self.english)]
        body = r"[\s-]".join(words)
        if is_name(self.english):
            return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])")
        return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", re.IGNORECASE)


def is_name(english: str) -> bool:
    """An API or product name (kept in English in Chinese texts): CamelCase, capitals, or one
    of the product names."""
    if english in NAMES:
        return True
    word = english.split(" (")[0]
    return " " not in word and bool(re.search(r".[A-Z]", word))


def terms(path: Path = GLOSSARY) -> list[Term]:
    """Every entry of the glossary directive, in its order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("```{glossary}") + 1
    found: list[Term] = []
    heads: list[str] = []
    body: list[str] = []

    def close():
        if len(heads) == 2:
            text = " ".join(body)
            definition, _, introduced = text.partition(INTRODUCED)
            found.append(Term(*heads, definition.strip(), introduced.strip()))

    for line in lines[start:]:
        if line.startswith("```"):
            break
        if not line.strip():
            continue
        if not line.startswith(" "):
            if body:  # a new entry starts
                close()
                heads, body = [], []
            heads.append(line.strip())
        else:
            body.append(line.strip())
    close()
    return found


def by_english(path: Path = GLOSSARY) -> dict[str, Term]:
    """{English term: its entry}."""
    return {term.english: term for term in terms(path)}
