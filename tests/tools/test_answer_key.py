"""The instructors' answer key (chapters/answer-key.md): how exercises are found and shown, every
lab has exercises, every solution labelled (tests/tools/test_generated.py checks it is current)."""

from __future__ import annotations

import nbformat
import pytest

from tools import normalise
from tools.generate import answer_key
from tools.notebooks import notebooks_in_order, reading_order
from tools.paths import REPO

LABS = [p for p in notebooks_in_order() if p.startswith("labs/")]


def exercises_of(notebook: str) -> list[answer_key.Exercise]:
    nb = nbformat.read(REPO / f"{notebook}.ipynb", as_version=4)
    return answer_key.find_exercises(nb, notebook)


def test_answer_key_is_in_the_toc():
    assert answer_key.PAGE in reading_order()


def test_every_lab_is_in_the_toc_in_order():
    assert LABS == sorted(f"labs/{p.stem}" for p in (REPO / "labs").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", LABS)
def test_every_lab_has_at_least_three_exercises_with_solutions(notebook):
    exercises = exercises_of(notebook)
    assert len(exercises) >= 3, f"{notebook}: {len(exercises)} exercises"
    for exercise in exercises:
        assert answer_key.EXERCISE_HEADING.match(exercise.statement), exercise.statement[:80]
        assert len(exercise.statement.splitlines()) > 1, "a heading alone states nothing"
        assert all(source.strip() for source in exercise.solutions), exercise.statement[:80]


@pytest.mark.parametrize("notebook", notebooks_in_order())
def test_solutions_are_hidden_on_the_site(notebook):
    nb = nbformat.read(REPO / f"{notebook}.ipynb", as_version=4)
    for i, cell in enumerate(nb.cells):
        if answer_key.is_solution(cell) and cell.cell_type == "markdown":
            assert answer_key.dropdown_title(cell), f"{notebook}, cell {i}: not in a dropdown"
        elif answer_key.is_solution(cell):
            assert "hide-cell" in cell.metadata.get("tags", []), f"{notebook}, cell {i}"
            # collapsed in JupyterLab and Binder too, until the learner opens it
            assert cell.metadata.get("jupyter", {}).get("source_hidden"), f"{notebook}, cell {i}"


def _notebook(*cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        cell = make(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def test_statement_starts_at_its_exercise_heading_and_stays_valid_myst():
    nb = _notebook(
        ("md", "# A lab", []),
        (
            "md",
            "## Summary\n\nDone.\n\n## Exercises\n\nTry them.\n\n(ex-one)=\n"
            "## Exercise 1 · Links\n\nSee [Lab 1](01-word-count.ipynb), "
            "[the top](#start), {doc}`text <../chapters/04-windows>` and {ref}`ex-one`.\n\n"
            "#### Hint\n\n```python\n# not a heading\n```",
            [],
        ),
        ("code", "print(1)", ["hide-cell", "solution"]),
        ("code", "print(2)", ["hide-cell", "solution"]),
        ("md", "Without a heading: count the words.", []),
        ("code", "# NBVAL_IGNORE_OUTPUT\nx = 1", ["hide-cell", "solution"]),
    )
    found = answer_key.find_exercises(nb, "labs/09-example")
    assert len(found) == 2
    first, second = found
    assert first.statement.startswith("### Exercise 1 · Links")
    assert "Summary" not in first.statement and "(ex-one)=" not in first.statement
    assert "[Lab 1](../labs/01-word-count.ipynb)" in first.statement
    assert "[the top](../labs/09-example.ipynb)" in first.statement
    assert "{doc}`text <04-windows>`" in first.statement
    assert "{ref}`ex-one`" in first.statement  # the label still exists, in the notebook
    assert "\n##### Hint" in first.statement and "\n# not a heading" in first.statement
    assert first.solutions == ["print(1)", "print(2)"]
    assert second.statement == "### Exercise 2\n\nWithout a heading: count the words."
    assert second.solutions == ["x = 1"]


def test_a_solution_without_a_statement_is_reported():
    nb = _notebook(("code", "x = 1", []), ("code", "print(x)", ["solution"]))
    with pytest.raises(answer_key.ExerciseError, match="cell 1"):
        answer_key.find_exercises(nb, "labs/09-example")


def test_long_outputs_are_cut_and_figures_left_out():
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="".join(f"{i}\n" for i in range(50))),
        nbformat.v4.new_output("stream", name="stderr", text="noise\n"),
        nbformat.v4.new_output("display_data", data={"image/png": "", "text/plain": "<Figure>"}),
    ]
    text = answer_key.text_output(cell).splitlines()
    assert text[: answer_key.OUTPUT_LINES] == [str(i) for i in range(answer_key.OUTPUT_LINES)]
    assert "more lines in the notebook" in text[answer_key.OUTPUT_LINES]
    assert "noise" not in text and "<Figure>" not in text


@pytest.mark.parametrize("notebook", notebooks_in_order())
def test_every_solution_says_which_exercise_it_solves(notebook):
    """Each solution opens behind "Solution to Exercise N" (a code cell's button, or the
    dropdown a solution in words is written in), N being its own exercise's number."""
    nb = nbformat.read(REPO / f"{notebook}.ipynb", as_version=4)
    assert normalise.label_problems(nb, notebook) == []


def test_a_solution_in_words_is_a_dropdown_in_the_answer_key_as_text():
    nb = _notebook(
        ("md", "### Exercise 1 · Why\n\nWhy is it so?", []),
        ("md", ":::{dropdown} Solution to Exercise 1\nBecause **it is**.\n:::", ["solution"]),
        ("md", "### Exercise 2 · Wrong label\n\nAnd this?", []),
        ("md", ":::{dropdown} Show it\nNo.\n:::", ["solution"]),
    )
    exercises = answer_key.find_exercises(nb, "chapters/x")
    assert [e.kinds for e in exercises] == [["markdown"], ["markdown"]]
    assert exercises[0].solutions == ["Because **it is**."]
    assert exercises[1].statement.startswith("### Exercise 2")
    assert normalise.label_problems(nb, "chapters/x") == [
        "chapters/x.ipynb, cell 3: 'Show it', not 'Solution to Exercise 2'"
    ]


def test_a_starter_cell_between_statement_and_solution_is_skipped():
    nb = _notebook(
        ("md", "### Exercise 1 · Count\n\nCount to 42.", []),
        ("code", "n = ...  # your code here", ["starter"]),
        ("code", "print(42)", ["hide-cell", "solution"]),
        ("md", "### Exercise 2 · Why\n\nWhy 42?", []),
        ("md", "**Your answer:** …", ["starter"]),
        ("md", ":::{dropdown} Solution to Exercise 2\nBecause.\n:::", ["solution"]),
    )
    nbformat.validate(nb)
    first, second = answer_key.find_exercises(nb, "chapters/x")
    assert first.statement == "### Exercise 1 · Count\n\nCount to 42."
    assert first.solutions == ["print(42)"] and first.starter == 1
    assert second.statement == "### Exercise 2 · Why\n\nWhy 42?"
    assert second.solutions == ["Because."] and second.starter == 4


def test_an_untagged_cell_between_statement_and_solution_is_reported():
    nb = _notebook(
        ("md", "### Exercise 1 · Count\n\nCount to 42.", []),
        ("code", "n = ...  # your code here", []),
        ("code", "print(42)", ["hide-cell", "solution"]),
    )
    with pytest.raises(answer_key.ExerciseError, match="cell 2"):
        answer_key.find_exercises(nb, "chapters/x")


PLACEHOLDER = ("...", "# your code here")


def starter_problems(nb, notebook: str) -> list[str]:
    """What is wrong with a notebook's starter cells: every exercise needs exactly one, just
    before its solution, shown (not hidden); a code starter compiles, holds a placeholder and
    printed nothing."""
    problems = []
    exercises = answer_key.find_exercises(nb, notebook)
    starters = [i for i, cell in enumerate(nb.cells) if answer_key.is_starter(cell)]
    placed = [e.starter for e in exercises if e.starter is not None]
    for exercise in exercises:
        if exercise.starter is None:
            problems.append(f"{exercise.statement.splitlines()[0]}: no starter cell")
    for i in sorted(set(starters) - set(placed)):
        problems.append(f"cell {i}: a starter that is not just before a solution")
    for i in placed:
        cell = nb.cells[i]
        tags = cell.metadata.get("tags", [])
        if answer_key.is_solution(cell) or "hide-cell" in tags:
            problems.append(f"cell {i}: a starter is shown, not hidden: {tags}")
        if cell.cell_type != "code":
            continue
        try:
            compile(cell.source, f"{notebook}.ipynb, cell {i}", "exec")
        except SyntaxError as error:
            problems.append(f"cell {i}: the starter does not compile: {error}")
        if not any(mark in cell.source for mark in PLACEHOLDER):
            problems.append(f"cell {i}: no `...` or `# your code here` to fill in")
        if cell.get("outputs"):
            problems.append(f"cell {i}: a starter prints nothing, this one has outputs")
    return problems


EXERCISED = [
    n
    for n in notebooks_in_order()
    if any(map(answer_key.is_solution, nbformat.read(REPO / f"{n}.ipynb", as_version=4).cells))
]


@pytest.mark.parametrize("notebook", EXERCISED)
def test_every_exercise_has_one_starter_before_its_solution(notebook):
    nb = nbformat.read(REPO / f"{notebook}.ipynb", as_version=4)
    assert starter_problems(nb, notebook) == []


def test_a_missing_or_empty_starter_is_reported():
    nb = _notebook(
        ("md", "### Exercise 1 · Count\n\nCount to 42.", []),
        ("code", "print(42)", ["hide-cell", "solution"]),
        ("md", "### Exercise 2 · Sum\n\nAdd them.", []),
        ("code", "# add the numbers", ["starter"]),
        ("code", "print(1 + 2)", ["hide-cell", "solution"]),
        ("code", "x = (", ["starter"]),
    )
    assert starter_problems(nb, "chapters/x") == [
        "### Exercise 1 · Count: no starter cell",
        "cell 5: a starter that is not just before a solution",
        "cell 3: no `...` or `# your code here` to fill in",
    ]
