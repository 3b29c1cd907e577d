"""The instructor guide's timing tables and agendas, from the benchmark and the pages themselves.

`python -m tools.generate agendas` rewrites two blocks of chapters/instructor-guide.md, each
between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers: the table of how long each page takes
(`runs`: the wall time `make bench` measured, bench/results/notebooks.csv; `time to learn`: the
page's own header) and the three agendas of tools/workshop/agendas.yml. `--check` writes nothing and
fails when the page differs from what it would write (tests/tools/test_generated.py runs it; it is
one of the generators of `python -m tools.generate`).

What a slot needs, in minutes, rounded up: for each of its pages, the page's time to learn
(the whole of it, or for named parts a share proportional to the characters of Markdown and code
in those parts, the page's header, its "Start Spark" section and its summary counted with
every part, the exercises left out), plus the page's measured run time (the whole notebook:
learners run it from the top), plus 10 minutes for each exercise named.
"""

from __future__ import annotations

import csv
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tools.notebooks import read, reading_order
from tools.paths import CHAPTERS, REPO, RESULTS, TOOLS

AGENDAS = TOOLS / "workshop" / "agendas.yml"
GUIDE = CHAPTERS / "instructor-guide.md"
BENCH = RESULTS / "notebooks.csv"
EXERCISE_MINUTES = 10
ALWAYS = ("(header)", "Start Spark", "Summary")  # sections counted with every part
NOT_READING = ("Exercises", "What's next")  # sections the time to learn share leaves out
WORDS = {"one": 1, "two": 2, "three": 3, "five": 5, "ten": 10}
TIME_TO_LEARN = re.compile(r"\*\*Time(?: to learn)?:\*\*\s*about (\d+|\w+) minutes?")


def load(path: Path = AGENDAS) -> dict:
    """The agendas and the pages' sticking points, as tools/workshop/agendas.yml declares them."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def source_of(page: str, repo: Path = REPO) -> Path:
    """The notebook or Markdown file of a page of the book."""
    for suffix in (".ipynb", ".md"):
        path = repo / f"{page}{suffix}"
        if path.exists():
            return path
    raise FileNotFoundError(f"no page {page} in the book")


def _chunks(page: str, repo: Path = REPO) -> list[tuple[str, str]]:
    """(kind, text) of a page in order: Markdown cells (or the whole page) and code cells."""
    path = source_of(page, repo)
    if path.suffix == ".md":
        return [("markdown", path.read_text(encoding="utf-8"))]
    cells = read(path).cells
    return [(c["cell_type"], "".join(c["source"])) for c in cells]


def page_text(page: str, repo: Path = REPO) -> str:
    """Everything a reader of a page sees: its cells' sources and stored text outputs."""
    path = source_of(page, repo)
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    parts = []
    for cell in read(path).cells:
        parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append("".join(output["text"]))
            elif "text/plain" in output.get("data", {}):
                parts.append("".join(output["data"]["text/plain"]))
    return "\n".join(parts)


def time_to_learn(page: str, repo: Path = REPO) -> int:
    """The page's own estimate, in minutes ("**Time to learn:** about N minutes")."""
    text = "\n".join(t for kind, t in _chunks(page, repo) if kind == "markdown")
    match = TIME_TO_LEARN.search(text)
    if match is None:
        raise ValueError(f"{page} states no time to learn")
    value = match.group(1)
    return int(value) if value.isdigit() else WORDS[value]


def sections(page: str, repo: Path = REPO) -> dict[str, int]:
    """Characters of Markdown and code in each `##` section of a page, in order."""
    sizes: dict[str, int] = {"(header)": 0}
    current = "(header)"
    in_fence = False
    for kind, text in _chunks(page, repo):
        if kind != "markdown":
            sizes[current] += len(text)
            continue
        for line in text.splitlines(keepends=True):
            if line.startswith(("```", "~~~")):
                in_fence = not in_fence
            heading = None if in_fence else re.match(r"^## (.+)", line)
            if heading:
                current = heading.group(1).strip()
                sizes.setdefault(current, 0)
            sizes[current] += len(line)
    return sizes


def exercise_count(page: str, repo: Path = REPO) -> int:
    text = "\n".join(t for kind, t in _chunks(page, repo) if kind == "markdown")
    return len(re.findall(r"(?m)^### Exercise \d+", text))


def run_seconds(repo: Path = REPO) -> dict[str, float]:
    """{page: wall seconds} of every notebook, as `make bench` measured it last."""
    with (repo / BENCH.relative_to(REPO)).open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {row["notebook"].removesuffix(".ipynb"): float(row["wall_s"]) for row in rows}


def _counted(section: str, parts: list[str]) -> bool:
    if section.startswith(NOT_READING):
        return False
    return section.startswith(ALWAYS) or any(section.startswith(p) for p in parts)


def learn_share(page: str, parts: list[str] | None, repo: Path = REPO) -> float:
    """Minutes of the page's time to learn that the named parts (None: all) take."""
    total = time_to_learn(page, repo)
    if not parts:
        return float(total)
    sizes = sections(page, repo)
    for part in parts:
        if not any(name.startswith(part) for name in sizes):
            raise ValueError(f"{page} has no section starting {part!r}")
    reading = {name: n for name, n in sizes.items() if not name.startswith(NOT_READING)}
    covered = sum(n for name, n in reading.items() if _counted(name, parts))
    return total * covered / sum(reading.values())


@dataclass
class Slot:
    at: str
    slot: str
    do: str = ""
    pages: list[dict] = field(default_factory=list)
    cut: str = ""
    minutes: int = 0  # until the next slot
    learn: float = 0.0  # time-to-learn share, minutes
    runs: float = 0.0  # measured, seconds
    exercises: int = 0
    slides: dict = field(default_factory=dict)

    @property
    def needs(self) -> int:
        """Minutes the slot must last at least."""
        return math.ceil(self.learn + self.runs / 60 + EXERCISE_MINUTES * self.exercises - 1e-9)


def minutes_of(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def slots_of(agenda: dict, repo: Path = REPO, runs: dict[str, float] | None = None) -> list[Slot]:
    """An agenda's slots with their length and what their pages need."""
    runs = run_seconds(repo) if runs is None else runs
    found = []
    raw = agenda["slots"]
    for i, entry in enumerate(raw):
        slot = Slot(**entry)
        end = raw[i + 1]["at"] if i + 1 < len(raw) else agenda["ends"]
        slot.minutes = minutes_of(end) - minutes_of(slot.at)
        for page in slot.pages:
            slot.learn += learn_share(page["page"], page.get("parts"), repo)
            if source_of(page["page"], repo).suffix == ".ipynb":
                if page["page"] not in runs:
                    raise ValueError(f"{page['page']}: not in bench/results/notebooks.csv")
                slot.runs += runs[page["page"]]
            for number in page.get("exercises", []):
                if not 1 <= number <= exercise_count(page["page"], repo):
                    raise ValueError(f"{page['page']} has no Exercise {number}")
            slot.exercises += len(page.get("exercises", []))
        found.append(slot)
    return found


def doc_link(page: str) -> str:
    """A {doc} reference to a page from chapters/instructor-guide.md."""
    if page.startswith("chapters/"):
        return f"{{doc}}`{page.removeprefix('chapters/')}`"
    return f"{{doc}}`../{page}`"


def seconds(value: float) -> str:
    return f"{round(value)} s"


def runs_table(repo: Path = REPO) -> str:
    """The table of 'How long things take' and the total run time."""
    runs = run_seconds(repo)
    pages = [p for p in reading_order(repo) if p.startswith(("chapters/0", "chapters/1", "labs/"))]
    lines = [
        "| page | runs top to bottom in | time to learn (the page's estimate) | exercises |",
        "| --- | --- | --- | --- |",
    ]
    for page in pages:
        notebook = source_of(page, repo).suffix == ".ipynb"
        ran = seconds(runs[page]) if notebook else "runs nothing (a page of commands to read)"
        count = exercise_count(page, repo)
        learn = time_to_learn(page, repo)
        lines.append(f"| {doc_link(page)} | {ran} | {learn} min | {count if count else 'none'} |")
    total = sum(runs[p] for p in pages if p in runs)
    notebooks = sum(1 for p in pages if p in runs)
    lines += [
        "",
        f"The run times are the `wall_s` column of `bench/results/notebooks.csv`, written by "
        f"`make bench` (all {notebooks} notebooks: {total / 60:.0f} minutes); "
        # (the page says so: this text is translated in locales/, change it with its catalogue)
        "`make generated` copies them here and into the agendas below, and a test fails "
        "when this page and the file disagree.",
    ]
    return "\n".join(lines)


def _slide_link(agenda: dict) -> str:
    return (
        f'<a href="../slides/{agenda["id"]}.html">slides for this agenda</a> '
        "(arrow keys move, `S` opens the speaker notes, `F` full screen)"
    )


def agenda_markdown(agenda: dict, notes: dict, repo: Path = REPO) -> str:
    """One agenda: its table, where to cut, and each slot's sticking points and check-in."""
    slots = slots_of(agenda, repo)
    out = [f"### {agenda['title']}", "", " ".join(agenda["intro"].split()), ""]
    out += [f"Show the {_slide_link(agenda)}.", ""]
    out += [
        "| time | slot | what learners do | needs (learn + run + exercises) | runs (measured) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for slot in slots:
        pages = ", ".join(doc_link(p["page"]) for p in slot.pages)
        what = "; ".join(x for x in (pages, slot.do) if x)
        name = f"{slot.slot} ✂" if slot.cut else slot.slot
        if slot.pages:
            need = f"{slot.needs} of {slot.minutes} min"
            ran = seconds(slot.runs) if slot.runs else "nothing"
        else:
            need, ran = f"{slot.minutes} min", ""
        out.append(f"| {slot.at} | {name} | {what} | {need} | {ran} |")
    out.append(f"| {agenda['ends']} | end | | | |")
    out += ["", "**Where to cut when behind (✂).**"]
    out += [f"- At {s.at} ({s.slot}): {s.cut}." for s in slots if s.cut]
    out += ["", "**Sticking points and check-ins.**", ""]
    for slot in slots:
        for page in slot.pages:
            note = notes[page["page"]]
            out.append(f"*{slot.at} · {slot.slot}.* Learners trip over:")
            out.append("")
            points = note["sticking"]
            out += [f"- {p};" for p in points[:-1]] + [f"- {points[-1]}."]
            out += ["", f"**One-minute check-in.** {note['question']}", ""]
            out += [":::{dropdown} Answer", note["answer"], ":::", ""]
    return "\n".join(out).rstrip() + "\n"


def agendas_markdown(repo: Path = REPO, data: dict | None = None) -> str:
    data = load(repo / AGENDAS.relative_to(REPO)) if data is None else data
    rule = (
        '"Needs" is what a slot must last at least, in minutes: its pages\' own time to learn '
        "(for named parts, a share in proportion to the Markdown and code of those parts, the "
        "page's header, start and summary counted with them, the exercises left out), their "
        "measured run time, and 10 minutes for each exercise named. `tools/workshop/agendas.yml` "
        "holds the agendas; `make generated` writes them here, and a test fails when a slot "
        "is shorter than it needs."
    )
    blocks = [rule, ""]
    for agenda in data["agendas"]:
        blocks.append(agenda_markdown(agenda, data["pages"], repo))
    return "\n".join(blocks).rstrip()


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise ValueError(f"the instructor guide has no {start} ... {end} markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n\n{body}\n\n{end}{tail}"


def markdown(repo: Path = REPO) -> str:
    """The instructor guide with both blocks written from the benchmark and the agendas."""
    text = (repo / GUIDE.relative_to(REPO)).read_text(encoding="utf-8")
    text = replace_block(text, "runs", runs_table(repo))
    return replace_block(text, "agendas", agendas_markdown(repo))


def render(repo: Path = REPO) -> dict[Path, str]:
    """The page's path and text."""
    return {repo / GUIDE.relative_to(REPO): markdown(repo)}


def main(argv: list[str] | None = None) -> int:
    from tools import generate

    return generate.main([*(sys.argv[1:] if argv is None else argv), "agendas"])


if __name__ == "__main__":
    sys.exit(main())
