"""The learner handout, chapters/handout.md, from the book's own sources.

`python -m tools.generate handout` writes the page; `--check` writes nothing and fails when the
page is stale (tests/tools/test_generated.py). Each part comes from one place: the repository and
the launch links from _config.yml; the learner's set-up steps (`make` targets), the cheat sheet's
rows that the appendix does not have and the ten errors from tools/workshop/handout.yml; the
other rows of the cheat sheet from the appendix
chapters/appendix/dstream-to-structured-streaming.md, and the glossary terms from
chapters/appendix/glossary.md (rows and terms chosen in tools/workshop/handout.yml). Tests find
each error's message in the book, each set-up target in the Makefile and each call of the cheat
sheet in PySpark. The print style that fits it on two A4 pages is in _assets/book.css.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from tools import glossary
from tools.paths import CHAPTERS, REPO, TOOLS

PAGE = CHAPTERS / "handout.md"
SPEC = TOOLS / "workshop" / "handout.yml"
CHEAT_SOURCE_NAME = "chapters/appendix/dstream-to-structured-streaming.md"
GLOSSARY_NAME = "chapters/appendix/glossary.md"
CHEAT_SOURCE = REPO / CHEAT_SOURCE_NAME
GLOSSARY = REPO / GLOSSARY_NAME
LABS = (
    ("Lab 1 · Word count", "01-word-count"),
    ("Lab 2 · Sliding windows", "02-sliding-windows"),
    ("Lab 3 · Streaming recommender", "03-streaming-recommender"),
    ("Lab 4 · Ad attribution", "04-ad-attribution"),
)


def load_spec(path: Path = SPEC) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def set_up_commands(spec: dict, repo_url: str) -> str:
    """A learner's commands on their own machine: clone, then the `make` targets of the spec."""
    width = max(len(command) for command, _ in spec["set_up"])
    lines = [f"git clone {repo_url}", f"cd {repo_url.rstrip('/').rsplit('/', 1)[-1]}"]
    lines += [f"{command:<{width}}  # {what}" for command, what in spec["set_up"]]
    return "\n".join(lines)


def table_rows(text: str) -> list[list[str]]:
    """Every row of every Markdown table in the text, as cells (separator rows left out)."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or re.match(r"^\|\s*-{3}", line):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        rows.append(cells)
    return rows


def unlink(cell: str) -> str:
    """A table cell without its links (the text stays)."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", cell)


def cheat_sheet(tasks: list[str | dict], source: Path = CHEAT_SOURCE) -> list[tuple[str, str, str]]:
    """(task, DStreams, Structured Streaming) in the order asked: a task names the appendix's
    row; a row of its own ({task, dstreams, structured}) is taken as it is."""
    rows = {r[0]: r for r in table_rows(source.read_text(encoding="utf-8")) if len(r) == 3}
    missing = [t for t in tasks if isinstance(t, str) and t not in rows]
    if missing:
        raise ValueError(f"no such rows in {source.name}: {missing}")
    return [
        tuple(unlink(c) for c in rows[t])
        if isinstance(t, str)
        else (t["task"], t["dstreams"], t["structured"])
        for t in tasks
    ]


def launch_links(lab: str, repo: Path = REPO) -> tuple[str, str]:
    """Binder and Colab addresses of a learner copy, as the pages' launch buttons build them."""
    config = yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))
    slug = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"].get("branch", "main")
    launch = config["launch_buttons"]
    path = f"learner/{lab}.ipynb"
    binder = f"{launch['binderhub_url']}/v2/gh/{slug}/{branch}?urlpath=lab/tree/{path}"
    colab = f"{launch['colab_url']}/github/{slug}/blob/{branch}/{path}"
    return binder, colab


def repository_url(repo: Path = REPO) -> str:
    """The book's repository, as _config.yml names it."""
    config = yaml.safe_load((repo / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"]


REPOSITORY_URL = repository_url()


def markdown(repo: Path = REPO) -> str:
    spec = load_spec(repo / SPEC.relative_to(REPO))
    repo_url = repository_url(repo)
    out = [
        # (the page says so: change this line, and the page changes)
        "<!-- Written by `make generated` from _config.yml, tools/workshop/handout.yml, the",
        "     appendix and the glossary: edit those, not this page. -->",
        "",
        "# Learner handout",
        "",
        "Two printed A4 pages for a workshop (print this page from the browser, A4, "
        "no headers and footers): how to start, where the labs are, the two streaming APIs "
        "side by side, the errors you will meet, and the words in English and Chinese.",
        "",
        "## Set up",
        "",
        "Nothing to install: open your lab's copy in Binder or Colab (below). Or on your own "
        "machine, with Python 3.11+ and Java 17+:",
        "",
        "```bash",
        set_up_commands(spec, repo_url),
        "```",
        "",
        "Either way, run `chapters/00-setup-check.ipynb` first: every verdict should say `ok`. "
        "Run one notebook at a time, and shut down each kernel when you finish.",
        "",
        "## The labs",
        "",
        "| lab | your copy (key code to write, checks) | open it in |",
        "| --- | --- | --- |",
    ]
    for title, lab in LABS:
        binder, colab = launch_links(lab, repo)
        out.append(f"| {title} | `learner/{lab}.ipynb` | [Binder]({binder}) · [Colab]({colab}) |")
    slug = repo_url.removeprefix("https://github.com/")
    out += [
        "",
        f"On paper: `mybinder.org/v2/gh/{slug}/main` opens the repository in Binder; in Colab, "
        f"File > Open notebook > GitHub, `{slug}`, then a notebook of `learner/`.",
        "",
        "## DStreams ↔ Structured Streaming",
        "",
        "| task | DStreams | Structured Streaming |",
        "| --- | --- | --- |",
    ]
    for task, old, new in cheat_sheet(spec["cheat_sheet"], repo / CHEAT_SOURCE_NAME):
        out.append(f"| {task} | {old} | {new} |")
    out += [
        "",
        "`ssc`: a `StreamingContext`; `spark`: a `SparkSession`; `F`: `pyspark.sql.functions`; "
        "`df`: a streaming DataFrame. More in the book's appendix "
        "[From DStreams to Structured Streaming](appendix/dstream-to-structured-streaming.md).",
        "",
        "## Ten errors and their fixes",
        "",
        "| you see | do this |",
        "| --- | --- |",
    ]
    for error in spec["errors"]:
        seen = error["message"] if error.get("symptom") else f"`{error['message']}`"
        out.append(f"| {seen} | {error['fix']} |")
    out += [
        "",
        "## Words · 术语",
        "",
        "| English | 中文 | English | 中文 |",
        "| --- | --- | --- | --- |",
    ]
    terms = glossary.by_english(repo / GLOSSARY_NAME)
    missing = [t for t in spec["glossary"] if t not in terms]
    if missing:
        raise ValueError(f"not in the glossary: {missing}")
    chosen = [(t, terms[t].chinese) for t in spec["glossary"]]
    half = (len(chosen) + 1) // 2
    for left, right in zip(chosen[:half], chosen[half:] + [("", "")]):
        out.append(f"| {left[0]} | {left[1]} | {right[0]} | {right[1]} |")
    out += [
        "",
        "Every term with its definition: the [glossary](appendix/glossary.md).",
        "",
    ]
    return "\n".join(out)


def render(repo: Path = REPO) -> dict[Path, str]:
    """The page's path and text."""
    return {repo / PAGE.relative_to(REPO): markdown(repo)}


def main(argv: list[str] | None = None) -> int:
    from tools import generate

    return generate.main([*(sys.argv[1:] if argv is None else argv), "handout"])


if __name__ == "__main__":
    sys.exit(main())
