"""Checks for the learner copies of the labs (`learner/`, written by `make learner`).

A learner copy leaves the body of a lab's key functions to write. After each one, a check runs
the learner's function on a small input and compares what comes out with a plain-Python oracle
or the book's model of Spark's rules (`streamlab.models`), then says in plain words what was
expected, what came out, and a hint. In the lab itself the same checks run on the book's code
and say so.

A check returns the function the rest of the lab should use: the learner's when it passes, the
book's (`streamlab.lessons`) when it does not, so the cells below still run while the learner
works on it. Each lesson's checks live in a module of the lesson's name, with `TASKS`: the
functions a learner copy leaves to write, and what to write in each.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..dstream.batches import capture, run
from ..dstream.context import streaming_context, use_manual_clock
from ..dstream.replay import replay
from ..runtime.scratch import scratch_dir
from ..runtime.spark import get_context

Fn = TypeVar("Fn")  # a learner function or the book's; `F` stays pyspark.sql.functions

WIDTH = 79  # the width of a notebook's output on the website


@dataclass
class Mismatch(Exception):
    """The learner's function ran, and gave something else than expected."""

    given: str  # the input, in words
    expected: str
    got: str

    def __str__(self) -> str:
        return f"given {self.given}: expected {self.expected}, got {self.got}"


def is_stub(function: Any) -> bool:
    """True when a function's body (or that of one of a class's methods) is still only `...`."""
    if inspect.isclass(function):
        methods = [m for m in vars(function).values() if inspect.isfunction(m)]
        return any(map(is_stub, methods))
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):  # defined where no source is kept: judge by what it does
        return False
    try:
        definition = ast.parse(source).body[0]
    except SyntaxError:  # a lambda: its source is the line around it
        return False
    return isinstance(definition, ast.FunctionDef) and _only_ellipsis(definition.body)


def _only_ellipsis(body: list[ast.stmt]) -> bool:
    statements = [
        node
        for node in body
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        or node.value.value is Ellipsis
    ]
    return (
        len(statements) == 1
        and isinstance(statements[0], ast.Expr)
        and isinstance(statements[0].value, ast.Constant)
        and statements[0].value.value is Ellipsis
    )


def _say(*paragraphs: str) -> None:
    """Print paragraphs wrapped to the notebook's width, continuation lines indented."""
    for i, text in enumerate(paragraphs):
        print(
            textwrap.fill(
                text, WIDTH, initial_indent="" if i == 0 else "  ", subsequent_indent="  "
            )
        )


def first_line(error: BaseException) -> str:
    """The first line of an error's message (Spark's messages run to many lines)."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def verdict(name: str, yours: Fn, books: Fn, trial: Callable[[Fn], str], hint: str) -> Fn:
    """Run `trial` on the learner's function; print the result; return the function to use.

    `trial(function)` returns a summary of what was right, or raises `Mismatch`; any other error
    is the learner's code failing, reported with its first line.
    """
    fallback = (
        f"Until it passes, the rest of the lab uses the book's {name}, so the cells below "
        "still run."
    )
    if is_stub(yours):
        _say(
            f"✗ {name} is not written yet: its body is still `...`.",
            "Write it in the cell above, run that cell, then run this one again.",
            f"Hint: {hint}",
            fallback,
        )
        return books
    try:
        summary = trial(yours)
    except Mismatch as wrong:
        _say(
            f"✗ {name} gave a different answer.",
            f"Given {wrong.given},",
            f"expected: {wrong.expected};",
            f"got:      {wrong.got}.",
            f"Hint: {hint}",
            fallback,
        )
        return books
    except Exception as error:  # the learner's code failed: say how, in one line
        _say(
            f"✗ {name} failed with {type(error).__name__}: {first_line(error)}",
            f"Hint: {hint}",
            fallback,
        )
        return books
    _say(f"✓ {name} is right: {summary}")
    return yours


def show_batches(batches: Sequence[dict[str, int]] | Sequence[list[tuple[str, int]]]) -> str:
    """Per-batch results as `batch 1: be 2, to 2 | batch 2: ...`."""
    parts = []
    for k, result in enumerate(batches, start=1):
        pairs = sorted(result.items()) if isinstance(result, dict) else list(result)
        words = ", ".join(f"{show_word(w)} {c}" for w, c in pairs) or "(nothing)"
        parts.append(f"batch {k}: {words}")
    return " | ".join(parts)


def show_word(word: str) -> str:
    """A word as shown: quoted when it is empty or holds a space, so it can be seen."""
    return repr(word) if not word.strip() or " " in word else word


def run_dstream(
    build: Callable,
    batches: Sequence[Sequence],
    checkpoint: bool = False,
    sort: bool = True,
    n_batches: int | None = None,
) -> list[list[tuple]]:
    """The (key, value) rows `build(dstream)` gives in each of the first `n_batches` batches
    (by default one per input batch), replayed from `batches` on Spark's ManualClock."""
    n = len(batches) if n_batches is None else n_batches
    conf = get_context()._jsc.sc().conf()
    was_manual = conf.contains("spark.streaming.clock")
    use_manual_clock(True)
    try:
        ssc = streaming_context(1, checkpoint=scratch_dir("check") if checkpoint else None)
    finally:
        use_manual_clock(was_manual)  # as it was: the lab's own streams keep the real clock
    out = capture(build(replay(ssc, batches, partitions=1)), columns=["word", "count"])
    run(ssc, batches=n, timeout=60)
    frame = out.frame(sort=sort)
    return [
        [tuple(row) for row in frame[frame["batch"] == k][["word", "count"]].values]
        for k in range(1, n + 1)
    ]
