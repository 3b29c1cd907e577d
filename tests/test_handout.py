"""The learner handout (tools/handout.py) says what the book says.

The page is what the tool writes from the README, _config.yml, the appendix and the glossary;
each of its ten errors is a message the book really shows. (That it prints on two A4 pages is a
browser test, tests/test_site.py.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tools import handout

REPO = handout.REPO
SPEC = handout.load_spec()
PAGE = handout.PAGE.read_text(encoding="utf-8")


def book_text() -> str:
    """What the book shows a reader: every page, the README, and streamlab's own messages."""
    parts = [(REPO / "README.md").read_text(encoding="utf-8")]
    for path in sorted((REPO / "chapters").rglob("*.md")):
        if path != handout.PAGE:
            parts.append(path.read_text(encoding="utf-8"))
    for path in sorted(
        list((REPO / "chapters").glob("*.ipynb")) + list((REPO / "labs").glob("*.ipynb"))
    ):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            parts.append("".join(cell["source"]))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                parts.append("".join(output.get("data", {}).get("text/plain", "")))
    parts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "streamlab").rglob("*.py"))]
    return "\n".join(parts)


def test_the_page_is_what_tools_handout_writes():
    assert handout.main(["--check"]) == 0, "run `python -m tools.handout`"


def test_an_edited_source_makes_the_page_stale(tmp_path):
    for name in ("README.md", "_config.yml", "tools/handout.yml", handout.CHEAT_SOURCE_NAME):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, tmp_path / name)
    text = handout.GLOSSARY.read_text(encoding="utf-8")
    (tmp_path / handout.GLOSSARY_NAME).write_text(text, encoding="utf-8")
    assert handout.render(tmp_path) == PAGE  # the same sources: the same page
    edited = text.replace("水位线（水印）", "水印")
    (tmp_path / handout.GLOSSARY_NAME).write_text(edited, encoding="utf-8")
    assert handout.render(tmp_path) != PAGE


def test_ten_errors_each_a_message_the_book_shows():
    errors = SPEC["errors"]
    assert len(errors) == 10
    text = " ".join(book_text().split())
    for error in errors:
        assert error["message"] in text, f"the book never shows {error['message']!r}"
        assert error["fix"].strip()


def test_the_set_up_commands_are_the_readmes():
    assert handout.readme_commands() in PAGE
    assert "make book" in PAGE


def test_every_lab_has_its_learner_copy_in_binder_and_colab():
    for _, lab in handout.LABS:
        binder, colab = handout.launch_links(lab)
        assert f"learner/{lab}.ipynb" in binder and f"learner/{lab}.ipynb" in colab
        assert binder in PAGE and colab in PAGE
        assert (REPO / "labs" / f"{lab}.ipynb").exists(), f"no lab {lab}"


def test_cheat_sheet_rows_are_the_appendixs():
    rows = handout.cheat_sheet(SPEC["cheat_sheet"])
    assert len(rows) >= 10
    for task, old, new in rows:
        assert f"| {task} | {old} | {new} |" in PAGE


def test_glossary_terms_in_english_and_chinese_come_from_the_glossary():
    terms = handout.glossary_terms()
    assert len(SPEC["glossary"]) >= 20
    for english in SPEC["glossary"]:
        chinese, _ = terms[english]
        assert f"| {english} | {chinese} |" in PAGE
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), english


def test_the_handout_is_in_the_instructors_part_of_the_book():
    toc = (REPO / "_toc.yml").read_text(encoding="utf-8")
    assert toc.index("caption: For instructors") < toc.index("file: chapters/handout")
    assert Path(handout.PAGE).exists()
