"""The Chinese edition's message catalogues: kept in step with the English, and checked.

    python -m tools.site.translations update   extract the English messages (Sphinx gettext) and
                                          update locales/zh_CN/LC_MESSAGES/<page>.po from them
    python -m tools.site.translations check [PO ...]   what is missing or wrong, file by file
    python -m tools.site.translations stats    messages and words per catalogue
    python -m tools.site.translations todo PO   the messages of PO still to translate, as JSON
    python -m tools.site.translations apply PO JSON   set translations from JSON:
                                          {"English" or "n": "中文"}

`update` keeps every translation whose English did not change; a message whose English changed a
little keeps its old translation marked fuzzy (to be reviewed), a new one arrives empty. Two
kinds of message are filled in without a translator: one that holds nothing to translate (code,
numbers, units, a Chinese term of the glossary), which is copied as it is, and one that another
catalogue already translates word for word (the answer key repeats the chapters' exercises).

`check` (and tests/tools/test_translations.py) fails on an empty or fuzzy message; on a translation
that changes the code, the link targets or the roles of its English; and on a glossary term
translated otherwise than the glossary says (chapters/appendix/glossary.md). A message where an
English glossary word is not the term (a "source" that is source code) says so in a translator
comment: `# not a term: source`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from markdown_it import MarkdownIt

from tools import glossary
from tools.glossary import Term
from tools.paths import BUILD, LOCALES, REPO
from tools.site import editions

LANGUAGE = "zh_CN"
CATALOGUES = LOCALES / LANGUAGE / "LC_MESSAGES"
TEMPLATES = BUILD / "gettext"

CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
URL = re.compile(r"https?://\S+")
# Words that need no translation when they are all a message holds besides code and numbers.
UNITS = {"s", "ms", "min", "h", "MiB", "GiB", "MB", "KB", "kB", "GB", "B", "x", "px", "PSS"}


# ---------------------------------------------------------------------------------------------
# What a message holds


def prose(text: str) -> str:
    """A message without its code, role targets, link targets and addresses."""
    text = ROLE.sub(lambda m: m.group(2).split("<")[0], text)
    text = CODE.sub(" ", text)
    text = LINK_TARGET.sub("]", text)
    return URL.sub(" ", text)


def needs_translation(msgid: str) -> bool:
    """Whether a message holds any English word besides units (code and numbers stay as they
    are in the Chinese edition)."""
    words = re.findall(r"[A-Za-z][A-Za-z'’]*", prose(msgid))
    return any(w not in UNITS for w in words)


def code_spans(text: str) -> Counter[str]:
    return Counter(m.group(2) for m in CODE.finditer(ROLE.sub("", text)))


def roles(text: str) -> Counter[str]:
    """Each role with its target: {doc}`Title <path>` and {doc}`path` give ('doc', 'path')."""
    found = Counter()
    for name, body in ROLE.findall(text):
        target = re.search(r"<([^>]*)>\s*$", body)
        found[(name, (target.group(1) if target else body).strip())] += 1
    return found


_MARKDOWN = MarkdownIt("commonmark")
_MARKUP = {"strong_open": "bold", "em_open": "italics", "link_open": "links", "image": "images"}


def markup(text: str) -> Counter[str]:
    """How many bold, italic, link and image elements Markdown sees in a message. (Chinese
    punctuation just inside a closing `**` that a character follows, as in `**概述。**你`, is not
    bold to Markdown: write `**概述**。你`.)"""
    found = Counter()
    for block in _MARKDOWN.parseInline(text):
        for token in block.children or []:
            if token.type in _MARKUP:
                found[_MARKUP[token.type]] += 1
    return found


def problems(message: Message, terms: list[Term]) -> list[str]:
    """What is wrong with one translated message (empty when nothing is)."""
    english, chinese = message.id, message.string
    if not chinese:
        return ["not translated"]
    found = []
    if not needs_translation(english) and chinese != english:
        found.append("nothing to translate here (code, numbers, units): keep it as it is")
    if message.fuzzy:
        found.append("fuzzy: the English changed; review the translation, then drop the flag")
    if code_spans(english) != code_spans(chinese):
        missing = code_spans(english) - code_spans(chinese)
        extra = code_spans(chinese) - code_spans(english)
        found.append(f"code changed: missing {sorted(missing)}, added {sorted(extra)}")
    if Counter(LINK_TARGET.findall(english)) != Counter(LINK_TARGET.findall(chinese)):
        found.append("link targets changed")
    if roles(english) != roles(chinese):
        found.append("roles or their targets changed")
    if markup(english) != markup(chinese):
        found.append(f"markup changed: {dict(markup(english))} became {dict(markup(chinese))}")
    skipped = {
        line.split(":", 1)[1].strip().lower()
        for line in message.user_comments
        if line.lower().startswith("not a term:")
    }
    english_prose = prose(english)
    if english in {t.english for t in terms}:  # the glossary's own entry: it stays as it is
        terms = []
    for term in terms:
        if term.english.lower() in skipped or not term.pattern().search(english_prose):
            continue
        if not any(form in chinese for form in term.accepted):
            found.append(
                f"glossary: '{term.english}' should be {' or '.join(term.accepted)} "
                f"(or mark it `# not a term: {term.english.lower()}`)"
            )
    return found


# ---------------------------------------------------------------------------------------------
# Catalogues


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=LANGUAGE if path.suffix == ".po" else None)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, sort_output=False, include_previous=True)


def catalogue_path(template: Path, templates: Path = TEMPLATES) -> Path:
    return CATALOGUES / template.relative_to(templates).with_suffix(".po")


def messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def translation_memory(catalogues: list[Catalog]) -> dict[str, str]:
    memory = {}
    for catalog in catalogues:
        for m in messages(catalog):
            if m.string and not m.fuzzy and m.id not in memory:
                memory[m.id] = m.string
    return memory


def glossary_words(terms: list[Term]) -> set[str]:
    return {t.english for t in terms} | {t.chinese for t in terms}


def update(templates: Path = TEMPLATES) -> list[Path]:
    """Every catalogue updated from the templates; returns the catalogues written."""
    pots = sorted(templates.rglob("*.pot"))
    if not pots:
        raise SystemExit(
            f"No templates in {templates}: run `python -m tools.site.editions gettext`."
        )
    terms = glossary.terms()
    existing = {p: read(p) for p in CATALOGUES.rglob("*.po")}
    memory = translation_memory(list(existing.values()))
    written = []
    wanted = set()
    for pot in pots:
        path = catalogue_path(pot, templates)
        wanted.add(path)
        template = read(pot)
        catalog = existing.get(path)
        if catalog is None:
            catalog = Catalog(locale=LANGUAGE, project="Spark Streaming, hands-on", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        catalog.obsolete.clear()  # the English is the source: a translation of nothing goes
        for m in messages(catalog):
            if not needs_translation(m.id):
                # Numbers, code, units: their own translation, even where babel matched a
                # near one and marked it fuzzy (the bench's tables change at every run).
                m.string = m.id
                m.flags.discard("fuzzy")
                continue
            if m.string:
                continue
            if pot.stem == "glossary" and m.id in glossary_words(terms):
                m.string = m.id
            elif m.id in memory:
                m.string = memory[m.id]
        catalog.fuzzy = False
        write(catalog, path)
        written.append(path)
    for stale in set(existing) - wanted:
        stale.unlink()
    return written


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Every problem of every message, by catalogue (only catalogues with problems)."""
    terms = glossary.terms()
    report = {}
    for path in paths:
        lines = []
        for m in messages(read(path)):
            for problem in problems(m, terms):
                short = m.id if len(m.id) < 90 else m.id[:87] + "..."
                lines.append(f"{problem}: {short!r}")
        if lines:
            report[path] = lines
    return report


def stats() -> None:
    total = done = words = 0
    for path in sorted(CATALOGUES.rglob("*.po")):
        ms = messages(read(path))
        n_done = sum(1 for m in ms if m.string and not m.fuzzy)
        n_words = sum(len(re.findall(r"[A-Za-z]+", prose(m.id))) for m in ms)
        total, done, words = total + len(ms), done + n_done, words + n_words
        print(f"{n_done:5}/{len(ms):<5} {n_words:6} words  {path.relative_to(CATALOGUES)}")
    print(f"{done:5}/{total:<5} {words:6} words  translated / messages, in all")


def todo(path: Path) -> list[dict[str, str]]:
    """The messages of one catalogue still to translate (or to review, when fuzzy)."""
    return [
        {"n": n, "en": m.id, **({"fuzzy": m.string} if m.fuzzy else {})}
        for n, m in enumerate(messages(read(path)))
        if not m.string or m.fuzzy
    ]


def apply(path: Path, translations: dict[str, str]) -> int:
    """Set the translation of the messages whose English, or whose number in `todo`, is a key;
    returns how many were set."""
    catalog = read(path)
    count = 0
    by_number = all(key.isdigit() for key in translations)  # else every key is the English
    for n, m in enumerate(messages(catalog)):
        key = str(n) if by_number else m.id
        if key in translations:
            m.string = translations[key]
            m.flags.discard("fuzzy")
            count += 1
    write(catalog, path)
    known = {m.id for m in messages(catalog)} | {str(n) for n in range(len(messages(catalog)))}
    unknown = set(translations) - known
    for english in sorted(unknown):
        print(f"not a message of {path.name}: {english[:80]!r}", file=sys.stderr)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["update", "check", "stats", "todo", "apply"])
    parser.add_argument("catalogues", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.what == "update":
        status = editions.main(["gettext"])
        if status:
            return status
        written = update()
        print(f"{len(written)} catalogues in {CATALOGUES.relative_to(REPO)} are up to date.")
        return 0
    if args.what == "stats":
        stats()
        return 0
    if args.what == "todo":
        import json

        print(json.dumps(todo(args.catalogues[0]), ensure_ascii=False, indent=1))
        return 0
    if args.what == "apply":
        import json

        translations = json.loads(args.catalogues[1].read_text(encoding="utf-8"))
        count = apply(args.catalogues[0], translations)
        print(f"{count} translations set in {args.catalogues[0]}")
        return 0
    paths = [p.resolve() for p in args.catalogues] or sorted(CATALOGUES.rglob("*.po"))
    report = check(paths)
    for path, lines in report.items():
        print(f"{path.relative_to(REPO)}: {len(lines)} to fix")
        for line in lines:
            print(f"  {line}")
    if not report:
        print(f"{len(paths)} catalogues: every message translated, code, links and terms kept.")
    return 1 if report else 0


if __name__ == "__main__":
    sys.exit(main())
