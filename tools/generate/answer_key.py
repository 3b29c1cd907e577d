"""Write the instructors' answer key, chapters/answer-key.md, from the notebooks' exercises.

An exercise in a notebook is a cell tagged `solution` and the Markdown just before it: a code
cell (the site hides it with `hide-cell`, behind a "Solution to Exercise N" button), or, for an
answer in words, a Markdown cell holding a `:::{dropdown} Solution to Exercise N` block. The
statement is that Markdown from its `### Exercise N · title` heading on (the first exercise's
cell also holds the summary and the "Exercises" intro, which are left out). Between the
statement and the solution stands one cell tagged `starter`, the learner's: a code cell with the
names to fill in and `...  # your code here` placeholders, or, for an answer in words, a
Markdown cell with the questions to answer. It belongs to neither the statement nor the
solution, and the answer key leaves it out (instructors have the solution). Several solution
cells in a row are one exercise. The page repeats each statement, the solution (code, or text)
and the short text a code solution printed when the notebook last ran (no figures), in the
order of _toc.yml. The output depends only on the files, so it is the same on every machine;
tests/tools/test_generated.py fails when the page is stale. The solutions' buttons are labelled
in the notebooks themselves by tools/normalise.py.

Usage: python -m tools.generate [--check] answer-key   (make generated)
"""

from __future__ import annotations

import posixpath
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from tools.notebooks import SOLUTION, STARTER, has_tag, notebooks_in_order, read
from tools.paths import REPO

PAGE = "chapters/answer-key"  # the page's name in _toc.yml
OUTPUT_LINES = 30  # longer outputs are cut: the notebook has them in full
OUTPUT_WIDTH = 79  # longer output lines are wrapped, so they fit on the page and on paper

EXERCISE_HEADING = re.compile(r"^(#{1,6})\s+Exercise\b", re.IGNORECASE)
HEADING = re.compile(r"^(#{1,6})(\s+.*)$")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,}|:{3,})")
TARGET = re.compile(r"^\(([^()\s]+)\)=\s*$")  # a MyST label: it may exist only once
LINK = re.compile(r"(!?\[[^\]]*\])\(([^()\s]+)\)")
DOC_ROLE = re.compile(r"\{doc\}`([^`<]*<)?([^`>]+)(>?)`")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
NBVAL = re.compile(r"^\s*# NBVAL_\w+\s*$")


@dataclass
class Exercise:
    """One exercise: its statement (MyST Markdown), its solution code and what that printed."""

    statement: str
    solutions: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # "code" or "markdown", one per solution
    outputs: list[str] = field(default_factory=list)
    cells: list[int] = field(default_factory=list)  # the solution cells' indices
    starter: int | None = None  # the index of the learner's starter cell, if there is one


class ExerciseError(ValueError):
    """A notebook's exercises do not follow the pattern; the message says where and why."""


def is_solution(cell) -> bool:
    return cell.cell_type in ("code", "markdown") and has_tag(cell, SOLUTION)


def is_starter(cell) -> bool:
    """A learner's starter cell: what to fill in for the exercise that follows it."""
    return cell.cell_type in ("code", "markdown") and has_tag(cell, STARTER)


DROPDOWN = re.compile(r"^(:{3,})\{dropdown\}\s*(.*)$")
EXERCISE_NUMBER = re.compile(r"^#{1,6}\s+Exercise\s+(\d+)\b", re.IGNORECASE)


def solution_label(number: int) -> str:
    return f"Solution to Exercise {number}"


def dropdown_title(cell) -> str | None:
    """The title of the dropdown a Markdown solution is written in, or None."""
    match = DROPDOWN.match(cell.source.lstrip().splitlines()[0]) if cell.source.strip() else None
    return match.group(2).strip() if match else None


def _outside_fences(lines: list[str]):
    """Yield (index, line, inside a fenced block) for Markdown lines."""
    fence = None
    for i, line in enumerate(lines):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            yield i, line, True
        elif fence is not None:
            closing = match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence)
            if closing and line.strip() == match.group(1):
                fence = None
            yield i, line, True
        else:
            yield i, line, False


def exercise_statement(markdown: str) -> str | None:
    """The part of a Markdown text from its last `Exercise` heading on, or None if it has none."""
    lines = markdown.splitlines()
    starts = [
        i
        for i, line, fenced in _outside_fences(lines)
        if not fenced and EXERCISE_HEADING.match(line)
    ]
    if not starts:
        return None
    return "\n".join(lines[starts[-1] :]).strip()


def _relink(target: str, notebook: str) -> str:
    """A link target of the notebook, rewritten to work from the answer key's folder."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("/"):
        return target  # a URL (https:, mailto:, attachment:) or a path from the book's root
    if target.startswith("#"):  # an anchor in the notebook itself: link the notebook instead
        return posixpath.relpath(f"{notebook}.ipynb", posixpath.dirname(PAGE))
    path = posixpath.normpath(posixpath.join(posixpath.dirname(notebook), target))
    return posixpath.relpath(path, posixpath.dirname(PAGE))


def adapt_markdown(statement: str, notebook: str, level: int = 3) -> str:
    """Make a statement valid where the answer key puts it.

    Its first heading becomes level `level` (the others keep their distance to it, never above
    `level`), MyST labels `(name)=` are dropped (the notebook already defines them, and a label
    may exist once; `{ref}` roles still reach the notebook's), relative links and `{doc}` paths
    are rewritten from the notebook's folder to the answer key's, and images attached to the
    cell, which the page cannot show, become their alt text.
    """
    lines = statement.splitlines()
    levels = [
        len(HEADING.match(line).group(1))
        for _, line, fenced in _outside_fences(lines)
        if not fenced and HEADING.match(line)
    ]
    shift = level - levels[0] if levels else 0
    out = []
    for _, line, fenced in _outside_fences(lines):
        if fenced:
            out.append(line)
            continue
        if TARGET.match(line):
            continue
        heading = HEADING.match(line)
        if heading:
            new_level = min(6, max(level, len(heading.group(1)) + shift))
            line = "#" * new_level + heading.group(2)
        line = re.sub(r"!\[([^\]]*)\]\(attachment:[^)]*\)", r"*(picture: \1)*", line)
        line = LINK.sub(lambda m: f"{m.group(1)}({_relink(m.group(2), notebook)})", line)
        line = DOC_ROLE.sub(
            lambda m: (
                "{doc}`"
                + (m.group(1) or "")
                + _relink(m.group(2), notebook)
                + (m.group(3) or "")
                + "`"
            ),
            line,
        )
        out.append(line)
    return "\n".join(out).strip()


def solution_source(cell) -> str:
    """The solution's code as a reader sees it (nbval markers left out), or the text of a
    Markdown solution without its dropdown fence."""
    if cell.cell_type == "markdown":
        lines = cell.source.strip().splitlines()
        if lines and DROPDOWN.match(lines[0]):
            fence = DROPDOWN.match(lines[0]).group(1)
            lines = lines[1:-1] if lines[-1].strip() == fence else lines[1:]
        return "\n".join(lines).strip("\n")
    lines = [line.rstrip() for line in cell.source.splitlines() if not NBVAL.match(line)]
    return "\n".join(lines).strip("\n")


def text_output(cell) -> str:
    """What the cell printed or returned, as text: streams to stdout and text/plain results.

    Figures, HTML-only results and stderr (which the website hides too) are left out; a figure
    is mentioned. Long outputs are cut after OUTPUT_LINES lines and long lines are wrapped.
    """
    parts: list[str] = []
    stream = ""
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            if output.name == "stdout":
                stream += output.text
            continue
        if stream:
            parts.append(stream)
            stream = ""
        if output.output_type in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "text/plain" in data and not any(k.startswith("image/") for k in data):
                parts.append(data["text/plain"])
            elif any(k.startswith("image/") for k in data):
                parts.append("(a figure: see the notebook)")
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    if stream:
        parts.append(stream)
    text = ANSI.sub("", "\n".join(p.rstrip("\n") for p in parts))
    lines = []
    for line in text.splitlines():
        line = line.rstrip()
        if len(line) > OUTPUT_WIDTH:
            lines.extend(textwrap.wrap(line, OUTPUT_WIDTH, break_on_hyphens=False))
        else:
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > OUTPUT_LINES:
        hidden = len(lines) - OUTPUT_LINES
        lines = lines[:OUTPUT_LINES] + [f"... ({hidden} more lines in the notebook)"]
    return "\n".join(lines)


def notebook_title(nb) -> str:
    first = nb.cells[0].source.splitlines()[0] if nb.cells and nb.cells[0].source else ""
    return first.lstrip("#").strip() if first.startswith("# ") else ""


def find_exercises(nb, notebook: str) -> list[Exercise]:
    """The exercises of a notebook, in order; ExerciseError if a solution has no statement."""
    found: list[Exercise] = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        if not is_solution(cell):
            continue
        if i > 0 and is_solution(cells[i - 1]):  # the same exercise, one more cell
            exercise = found[-1]
        else:
            end = i
            if end > 0 and is_starter(cells[end - 1]):
                end -= 1  # the learner's starter, between the statement and the solution
            j = end
            while (
                j > 0
                and cells[j - 1].cell_type == "markdown"
                and not is_solution(cells[j - 1])
                and not is_starter(cells[j - 1])
            ):
                j -= 1
            markdown = "\n\n".join(c.source for c in cells[j:end])
            if not markdown.strip():
                raise ExerciseError(
                    f"{notebook}.ipynb, cell {i}: a solution cell must follow the Markdown "
                    "cell that states its exercise"
                )
            statement = exercise_statement(markdown)
            if statement is None:  # no `Exercise` heading: the statement is the whole cell
                statement = f"### Exercise {len(found) + 1}\n\n{cells[end - 1].source.strip()}"
            exercise = Exercise(adapt_markdown(statement, notebook))
            exercise.starter = end if end < i else None
            found.append(exercise)
        exercise.solutions.append(solution_source(cell))
        exercise.kinds.append(cell.cell_type)
        exercise.outputs.append(text_output(cell) if cell.cell_type == "code" else "")
        exercise.cells.append(i)
    return found


def _fenced(text: str, language: str) -> str:
    runs = [len(r) for r in re.findall(r"`{3,}", text)]
    fence = "`" * max([3] + [n + 1 for n in runs])
    return f"{fence}{language}\n{text}\n{fence}"


HEADER = """\
# Answer key

```{{note}}
**For instructors.** Every exercise of the book, in reading order, with its solution and the
output that solution gave when its notebook last ran. On the chapter and lab pages the solutions
are hidden until a reader opens them; here they are all open, one section per notebook, to read
before a session or to print (each notebook starts on a new sheet).

This page is generated from the notebooks by `make generated`
(`tools/generate/answer_key.py`): to change an exercise, edit its notebook and run
`make generated` again; a test fails while this page is out of date.
```

| notebook | exercises |
| --- | --- |
{rows}

Notebooks without exercises: {without}.
"""


def markdown(repo: Path = REPO) -> str:
    """The whole answer key, as MyST Markdown."""
    sections, rows, without = [], [], []
    for notebook in notebooks_in_order(repo):
        nb = read(repo / f"{notebook}.ipynb")
        title = notebook_title(nb) or notebook
        exercises = find_exercises(nb, notebook)
        link = posixpath.relpath(notebook, posixpath.dirname(PAGE))
        if not exercises:
            without.append(f"{{doc}}`{link}`")
            continue
        rows.append(f"| {{doc}}`{link}` | {len(exercises)} |")
        parts = []
        if sections:  # every notebook after the first starts a new sheet when printed
            parts.append('<div style="break-before: page;"></div>\n')
        parts.append(f"## {title}\n")
        plural = "s" if len(exercises) > 1 else ""
        parts.append(
            f"From {{doc}}`{link}` ({len(exercises)} exercise{plural}; "
            f"notebook `{notebook}.ipynb`).\n"
        )
        for exercise in exercises:
            parts.append(exercise.statement + "\n")
            parts.append("**Solution**\n")
            for source, kind, output in zip(exercise.solutions, exercise.kinds, exercise.outputs):
                if kind == "markdown":
                    parts.append(adapt_markdown(source, notebook, level=4) + "\n")
                    continue
                parts.append(_fenced(source, "python") + "\n")
                if output:
                    parts.append("Output stored in the notebook:\n")
                    parts.append(_fenced(output, "text") + "\n")
        sections.append("\n".join(parts))
    header = HEADER.format(
        rows="\n".join(rows) or "| (none) | 0 |", without=", ".join(without) or "none"
    )
    return header + "\n" + "\n".join(sections).rstrip("\n") + "\n"


def exercise_number(exercise: Exercise) -> int | None:
    match = EXERCISE_NUMBER.match(exercise.statement)
    return int(match.group(1)) if match else None


def render(repo: Path = REPO) -> dict[Path, str]:
    """The answer key's path and text."""
    return {repo / f"{PAGE}.md": markdown(repo)}


def main(args: list[str]) -> int:
    from tools import generate

    return generate.main([*args, "answer-key"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
