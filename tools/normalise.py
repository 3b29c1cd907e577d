"""Normalise the book's notebooks in place: what a notebook must say that a tool can write.

Today one rule: every code solution's button says "Solution to Exercise N" (N its exercise's
number, from its `### Exercise N` heading), and a Markdown solution's dropdown says the same
(a Markdown solution is not rewritten: its title is reported).

Usage: python -m tools.normalise          label the solutions' buttons (make normalise)
       python -m tools.normalise --check  change nothing; exit 1 naming each wrong label (make lint)
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from tools.generate.answer_key import (
    dropdown_title,
    exercise_number,
    find_exercises,
    solution_label,
)
from tools.notebooks import notebooks_in_order, read
from tools.paths import REPO


def label_problems(nb, notebook: str) -> list[str]:
    """Solutions whose button or dropdown does not say "Solution to Exercise N" (N its own)."""
    problems = []
    for exercise in find_exercises(nb, notebook):
        label = solution_label(exercise_number(exercise) or 0)
        for i in exercise.cells:
            cell = nb.cells[i]
            if cell.cell_type == "code":
                shown = cell.metadata.get("mystnb", {}).get("code_prompt_show")
            else:
                shown = dropdown_title(cell)
            if shown != label:
                problems.append(f"{notebook}.ipynb, cell {i}: {shown!r}, not {label!r}")
    return problems


def label_solutions(repo: Path = REPO) -> list[str]:
    """Give every code solution's button its exercise's label; return the notebooks changed."""
    changed = []
    for notebook in notebooks_in_order(repo):
        path = repo / f"{notebook}.ipynb"
        nb = read(path)
        dirty = False
        for exercise in find_exercises(nb, notebook):
            label = solution_label(exercise_number(exercise) or 0)
            for i in exercise.cells:
                cell = nb.cells[i]
                if cell.cell_type != "code":
                    continue
                wanted = {"code_prompt_show": label, "code_prompt_hide": "Hide the solution"}
                if cell.metadata.get("mystnb") != wanted:
                    cell.metadata["mystnb"] = wanted
                    dirty = True
        if dirty:
            nbformat.write(nb, path)
            changed.append(notebook)
    return changed


def main(args: list[str]) -> int:
    if "--check" in args:
        problems = [
            problem
            for notebook in notebooks_in_order()
            for problem in label_problems(read(REPO / f"{notebook}.ipynb"), notebook)
        ]
        for problem in problems:
            print(f"{problem} (a code cell: run `make normalise`)", file=sys.stderr)
        return 1 if problems else 0
    for notebook in label_solutions():
        print(f"labelled the solutions of {notebook}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
