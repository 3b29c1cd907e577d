"""Slides for each workshop agenda, built from the book's own sources into the website.

`python -m tools.workshop.slides --site _build/html` writes one reveal.js deck per agenda of
tools/workshop/agendas.yml to `<site>/slides/<agenda>.html`, with its figures in
`<site>/slides/img/`. The Sphinx build runs it after the HTML is written
(tools/site/sphinx_ext/slide_decks.py). Every slide comes from the book:

- the agenda's slots, their timing (tools/workshop/agendas.py, from bench/results) and, in the
  speaker notes, the sticking points and where to cut;
- figures: the PNGs the notebooks stored in their outputs, from the cells a slot covers (every
  figure of the parts it names) or chosen by cell id in tools/workshop/agendas.yml, with the
  notebook's alt text;
- code: the cells a lab tags `export` (the same code as `streamlab/lessons/`) in the parts a
  slot covers, and cells chosen by id, highlighted by Pygments;
- a check-in question per page, its answer revealed on the next step.

reveal.js is the copy in _assets/reveal.js (served as _static/reveal.js), so the slides work
offline.
"""

from __future__ import annotations

import argparse
import base64
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from tools.notebooks import EXPORT, SOLUTION, has_tag, read
from tools.paths import REPO, SITE
from tools.workshop import agendas

MAX_CODE_LINES = 24
STATIC = "../_static"


@dataclass
class Figure:
    page: str
    cell: str
    section: str
    png: bytes
    alt: str


@dataclass
class Code:
    page: str
    cell: str
    section: str
    source: str


def _cells_with_sections(page: str, repo: Path = REPO):
    """(section, cell) for every cell of a notebook, the section being the last `##` above it."""
    path = agendas.source_of(page, repo)
    if path.suffix != ".ipynb":
        return
    section = "(header)"
    for cell in read(path).cells:
        yield section, cell
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                heading = re.match(r"^## (.+)", line)
                if heading:
                    section = heading.group(1).strip()


def _in_parts(section: str, parts: list[str] | None) -> bool:
    if section.startswith(agendas.NOT_READING) or section == "(header)":
        return False
    return not parts or any(section.startswith(p) for p in parts)


def _is_solution(cell: dict) -> bool:
    return has_tag(cell, SOLUTION)


def _figure(page: str, section: str, cell: dict) -> Figure | None:
    for output in cell.get("outputs", []):
        png = output.get("data", {}).get("image/png")
        if png:
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
            # else the output's own text, as the website shows it (a live chart's still)
            alt = alt or "".join(output.get("data", {}).get("text/plain", "")).strip()
            if not alt or alt.startswith("<Figure"):  # no alt text stored: say where it is from
                alt = f"Figure of {page_title(page)}, {section}"
            data = base64.b64decode("".join(png) if isinstance(png, list) else png)
            return Figure(page, cell["id"], section, data, alt)
    return None


def page_figures(page: str, parts: list[str] | None, repo: Path = REPO) -> list[Figure]:
    """Every figure a notebook stored in the parts named (None: the whole page)."""
    found = []
    for section, cell in _cells_with_sections(page, repo):
        if cell["cell_type"] == "code" and _in_parts(section, parts) and not _is_solution(cell):
            figure = _figure(page, section, cell)
            if figure is not None:
                found.append(figure)
    return found


def page_code(page: str, parts: list[str] | None, repo: Path = REPO) -> list[Code]:
    """The cells tagged `export` (the lesson's key code) in the parts named."""
    found = []
    for section, cell in _cells_with_sections(page, repo):
        if cell["cell_type"] == "code" and has_tag(cell, EXPORT) and _in_parts(section, parts):
            found.append(Code(page, cell["id"], section, "".join(cell["source"])))
    return found


def cell_by_id(page: str, cell_id: str, repo: Path = REPO) -> tuple[str, dict]:
    for section, cell in _cells_with_sections(page, repo):
        if cell.get("id") == cell_id:
            return section, cell
    raise ValueError(f"{page} has no cell with id {cell_id}")


def page_title(page: str, repo: Path = REPO) -> str:
    for kind, text in agendas._chunks(page, repo):
        match = re.search(r"(?m)^# (.+)$", text) if kind == "markdown" else None
        if match:
            return match.group(1).strip().replace("`", "")
    return page


def _notes(lines: list[str]) -> str:
    items = "".join(f"<li>{_inline(x)}</li>" for x in lines if x)
    return f'<aside class="notes"><ul>{items}</ul></aside>'


def _inline(text: str) -> str:
    """Markdown's `code` and **bold** in a line of the agendas, as HTML."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def _code_html(source: str, where: str) -> str:
    lines = source.rstrip().splitlines()
    if len(lines) > MAX_CODE_LINES:
        rest = len(lines) - MAX_CODE_LINES
        lines = lines[:MAX_CODE_LINES] + [f"# ... {rest} more lines in {where}"]
    return highlight("\n".join(lines), PythonLexer(), HtmlFormatter(cssclass="highlight"))


class Deck:
    """The slides of one agenda, as HTML sections, and the figures they show."""

    def __init__(self, agenda: dict, notes: dict, repo: Path = REPO):
        self.agenda, self.notes, self.repo = agenda, notes, repo
        self.sections: list[str] = []
        self.figures: dict[str, bytes] = {}

    def add(self, body: str, notes: list[str] | None = None, attrs: str = "") -> None:
        extra = _notes(notes) if notes else ""
        self.sections.append(f"<section{attrs}>{body}{extra}</section>")

    def figure(self, figure: Figure, slot_title: str) -> None:
        name = f"{figure.page.replace('/', '--')}--{figure.cell}.png"
        self.figures[name] = figure.png
        title = page_title(figure.page, self.repo)
        body = (
            f'<h3>{_inline(figure.section)}</h3><figure><img src="img/{name}" '
            f'alt="{html.escape(figure.alt)}"></figure>'
            f'<p class="source">{html.escape(title)} · figure from cell {figure.cell}</p>'
        )
        self.add(body, [f"{slot_title}: {figure.section}", figure.alt])

    def code(self, code: Code, slot_title: str) -> None:
        where = f"{code.page}.ipynb"
        body = (
            f"<h3>{_inline(code.section)}</h3>{_code_html(code.source, where)}"
            f'<p class="source">{html.escape(page_title(code.page, self.repo))} · '
            f"cell {code.cell}</p>"
        )
        self.add(body, [f"{slot_title}: the code learners write and run in {where}."])

    def build(self) -> str:
        agenda = self.agenda
        slots = agendas.slots_of(agenda, self.repo)
        rows = "".join(
            f"<tr><td>{s.at}</td><td>{_inline(s.slot)}{' ✂' if s.cut else ''}</td>"
            f"<td>{s.minutes} min</td></tr>"
            for s in slots
        )
        self.add(
            f"<h1>{_inline(agenda['title'])}</h1><p>Spark Streaming, hands-on · a workshop</p>",
            [" ".join(agenda["intro"].split())],
        )
        self.add(
            f'<h2>The plan</h2><table class="plan">{rows}'
            f"<tr><td>{agenda['ends']}</td><td>end</td><td></td></tr></table>",
            [f"{s.at} {s.slot}: cut when behind: {s.cut}" for s in slots if s.cut]
            or ["No cut marked in this agenda."],
        )
        for slot in slots:
            self._slot(slot)
        self.add(
            "<h2>What next</h2><ul><li>The handout: set-up, launch links, the cheat sheet, "
            "ten errors, the glossary</li><li>The chapters this workshop left out, as reading; "
            "their exercises as homework</li><li>Questions</li></ul>",
            ["Point learners to the handout and the book's website (it works offline)."],
        )
        return self._html()

    def _slot(self, slot: agendas.Slot) -> None:
        title = f"{slot.at} · {slot.slot}"
        if slot.slot in ("break", "lunch"):
            self.add(
                f"<h2>{_inline(slot.slot.capitalize())}</h2><p>{slot.minutes} minutes</p>",
                ["Remind learners to shut down the kernel of a finished notebook."],
            )
            return
        pages = "".join(
            f"<li>{html.escape(page_title(p['page'], self.repo))}</li>" for p in slot.pages
        )
        needs = (
            f'<p class="needs">{slot.minutes} minutes · the pages need {slot.needs}</p>'
            if slot.pages
            else f'<p class="needs">{slot.minutes} minutes</p>'
        )
        notes = []
        for page in slot.pages:
            notes += [f"Sticking point: {p}" for p in self.notes[page["page"]]["sticking"]]
        if slot.cut:
            notes.append(f"Where to cut when behind: {slot.cut}.")
        self.add(
            f"<h2>{_inline(title)}</h2><p>{_inline(slot.do)}</p>"
            + (f"<ul>{pages}</ul>" if pages else "")
            + needs,
            notes or [slot.do],
        )
        wanted = slot.slides or {}
        for chosen in wanted.get("figures", []):
            section, cell = cell_by_id(chosen["page"], chosen["cell"], self.repo)
            figure = _figure(chosen["page"], section, cell)
            if figure is None:
                raise ValueError(f"{chosen['page']}, cell {chosen['cell']}: no figure")
            self.figure(figure, title)
        for page in slot.pages:
            parts = page.get("parts")
            code = page_code(page["page"], parts, self.repo)
            for cell_id in self.notes[page["page"]].get("code", []):
                section, cell = cell_by_id(page["page"], cell_id, self.repo)
                if _in_parts(section, parts):
                    code.append(Code(page["page"], cell_id, section, "".join(cell["source"])))
            figures = page_figures(page["page"], parts, self.repo)
            for item in sorted(code + figures, key=lambda x: self._position(x)):
                if isinstance(item, Figure):
                    self.figure(item, title)
                else:
                    self.code(item, title)
            note = self.notes[page["page"]]
            self.add(
                f"<h2>Check-in · one minute</h2><p>{_inline(note['question'])}</p>"
                f'<p class="fragment answer">{_inline(note["answer"])}</p>',
                [f"Answer: {note['answer']}"],
            )

    def _position(self, item) -> int:
        for index, (_, cell) in enumerate(_cells_with_sections(item.page, self.repo)):
            if cell.get("id") == item.cell:
                return index
        return 0

    def _html(self) -> str:
        style = HtmlFormatter(style="default").get_style_defs(".highlight")
        title = html.escape(self.agenda["title"])
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Spark Streaming, hands-on</title>
<link rel="icon" href="{STATIC}/favicon.svg">
<link rel="stylesheet" href="{STATIC}/reveal.js/reveal.css">
<link rel="stylesheet" href="{STATIC}/reveal.js/theme/white.css">
<style>
{style}
.reveal h1, .reveal h2, .reveal h3 {{ text-transform: none; }}
.reveal h1 {{ font-size: 2.1em; }}
.reveal h2 {{ font-size: 1.5em; }}
.reveal h3 {{ font-size: 0.95em; margin-bottom: 0.3em; }}
.reveal figure {{ margin: 0; }}
.reveal figure img {{ max-height: 560px; max-width: 100%; margin: 0; background: #fff; }}
.reveal .highlight pre {{ font-size: 0.5em; line-height: 1.25; width: 100%; max-height: 600px;
  overflow: auto; box-shadow: none; border: 1px solid #ddd; background: #f8f8f8; margin: 0; }}
.reveal .highlight pre code {{ max-height: none; padding: 0.4em; }}
.reveal .source, .reveal .needs {{ font-size: 0.5em; color: #555; }}
.reveal table.plan {{ font-size: 0.55em; }}
.reveal table.plan td {{ padding: 0.15em 0.6em; }}
.reveal .answer {{ color: #1a5e1a; }}
.reveal p, .reveal li {{ font-size: 0.8em; }}
</style>
</head>
<body>
<div class="reveal"><div class="slides">
{chr(10).join(self.sections)}
</div></div>
<script src="{STATIC}/reveal.js/reveal.js"></script>
<script src="{STATIC}/reveal.js/plugin/notes.js"></script>
<script>
Reveal.initialize({{hash: true, width: 1280, height: 800, plugins: [RevealNotes]}});
</script>
</body>
</html>
"""


def build(site: Path, repo: Path = REPO) -> list[Path]:
    """Write every deck and its figures into <site>/slides; return the decks written."""
    data = agendas.load(repo / agendas.AGENDAS.relative_to(REPO))
    folder = site / "slides"
    (folder / "img").mkdir(parents=True, exist_ok=True)
    written = []
    for agenda in data["agendas"]:
        deck = Deck(agenda, data["pages"], repo)
        text = deck.build()
        for name, png in deck.figures.items():
            (folder / "img" / name).write_bytes(png)
        path = folder / f"{agenda['id']}.html"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE)
    args = parser.parse_args(argv)
    decks = build(args.site)
    print(f"slides: {len(decks)} decks in {args.site / 'slides'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
