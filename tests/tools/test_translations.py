"""The Chinese edition's catalogues (locales/zh_CN): in step with the English, complete, and
checked; and the checker itself (tools/site/translations.py) catches what it promises to catch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from tools.glossary import Term
from tools.glossary import terms as glossary_terms
from tools.paths import REPO
from tools.site import editions, translations
from tools.site.translations import problems, read

CATALOGUES = sorted(translations.CATALOGUES.rglob("*.po"))


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """The English messages of the book as Sphinx gettext extracts them now."""
    out = tmp_path_factory.mktemp("gettext")
    assert editions.build("gettext", editions.ENGLISH, out) == 0
    return out


def ids(catalog: Catalog) -> set[str]:
    return {m.id for m in catalog if m.id}


def test_every_page_has_a_catalogue_holding_exactly_its_english_messages(templates):
    pots = {p.relative_to(templates).with_suffix("") for p in templates.rglob("*.pot")}
    pos = {p.relative_to(translations.CATALOGUES).with_suffix("") for p in CATALOGUES}
    assert pots == pos, "pages and catalogues differ: run `make translations`"
    stale = {}
    for pot in templates.rglob("*.pot"):
        po = translations.catalogue_path(pot, templates)
        english, chinese = ids(read(pot)), ids(read(po))
        if english != chinese:
            stale[str(po.relative_to(REPO))] = {
                "new English": sorted(english - chinese)[:3],
                "gone": sorted(chinese - english)[:3],
            }
    assert not stale, f"catalogues out of step with the English (`make translations`): {stale}"


def test_every_message_is_translated_keeping_code_links_markup_and_terms():
    report = translations.check(CATALOGUES)
    shown = {str(p.relative_to(REPO)): lines[:5] for p, lines in report.items()}
    assert not report, json.dumps(shown, ensure_ascii=False, indent=1)


def test_the_figures_alt_texts_are_in_the_catalogues(templates):
    alt = "Still picture of the window explorer at its default setting"
    messages = ids(read(templates / "chapters" / "04-windows.pot"))
    assert any(m.startswith(alt) for m in messages)


def test_the_glossary_is_consistent():
    terms = glossary_terms()
    assert len(terms) >= 60
    english = [t.english for t in terms]
    chinese = [t.chinese for t in terms]
    assert len(set(english)) == len(english), "an English term twice"
    assert len(set(chinese)) == len(chinese), "two English terms share one Chinese term"
    for term in terms:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in term.chinese), term
        assert term.accepted, term
    # Every Chinese term a translation must use is found by the term check in its own entry.
    by_english = {t.english: t for t in terms}
    assert by_english["Watermark"].accepted == ["水位线", "水印"]
    assert "DataFrame" in by_english["DataFrame"].accepted  # an API name may stay in English
    assert "Checkpoint" not in by_english["Checkpoint"].accepted


# --- the checker, on messages made for it -----------------------------------------------------

WATERMARK = [
    Term("Watermark", "水位线（水印）"),
    Term("Source", "数据源"),
    Term("RDD", "弹性分布式数据集"),
]


def message(english: str, chinese: str, *, fuzzy=False, comments=()) -> Message:
    return Message(english, chinese, flags={"fuzzy"} if fuzzy else set(),
                   user_comments=list(comments))  # fmt: skip


def test_a_good_translation_passes():
    m = message(
        "The **watermark** of `withWatermark` moves; see [Event time](../07-event-time.ipynb).",
        "`withWatermark` 的**水位线**会前移；见[事件时间](../07-event-time.ipynb)。",
    )
    assert problems(m, WATERMARK) == []


@pytest.mark.parametrize(
    ("chinese", "expected"),
    [
        ("", "not translated"),
        ("水位线 `withWatermarks` 前移。", "code changed"),
        ("水位线 `withWatermark` 见[事件时间](../08-scaling.ipynb)。", "link targets changed"),
        ("**水位线。**会 `withWatermark` [事件时间](../07-event-time.ipynb)", "markup changed"),
        (
            "**时间线**会 `withWatermark` [事件时间](../07-event-time.ipynb)",
            "glossary: 'Watermark'",
        ),
    ],
    ids=["empty", "code", "link", "bold-lost-to-punctuation", "term"],
)
def test_a_bad_translation_is_reported(chinese, expected):
    english = "The **watermark** moves `withWatermark`; see [Event time](../07-event-time.ipynb)."
    found = problems(message(english, chinese), WATERMARK)
    assert any(p.startswith(expected) for p in found), found


def test_fuzzy_roles_and_untouchable_messages_are_reported():
    assert any(p.startswith("fuzzy") for p in problems(message("Hello", "你好", fuzzy=True), []))
    role = message("See {doc}`the state <05-state>`.", "见{doc}`状态 <06-checkpoints>`。")
    assert any(p.startswith("roles") for p in problems(role, []))
    assert any(p.startswith("nothing to translate") for p in problems(message("2", "3"), []))
    assert problems(message("`x = 1` 0.5 s", "`x = 1` 0.5 s"), []) == []


def test_a_word_that_is_not_the_term_needs_a_comment_and_names_may_stay_english():
    english = "Read the PySpark source of `DStream`."
    plain = message(english, "阅读 `DStream` 的 PySpark 源代码。")
    assert any("glossary: 'Source'" in p for p in problems(plain, WATERMARK))
    marked = message(english, plain.string, comments=["not a term: source"])
    assert problems(marked, WATERMARK) == []
    assert problems(message("An RDD per batch.", "每个批次一个 RDD。"), WATERMARK) == []


def test_apply_by_number_never_touches_a_message_whose_english_is_that_number(tmp_path):
    catalog = Catalog(locale="zh_CN")
    for english in ("First words", "Second words", "1"):
        catalog.add(english)
    path = tmp_path / "page.po"
    translations.write(catalog, path)
    translations.apply(path, {"1": "第二句"})
    got = {m.id: m.string for m in read(path) if m.id}
    assert got == {"First words": "", "Second words": "第二句", "1": ""}


def test_update_keeps_marks_fills_and_drops(tmp_path, monkeypatch):
    templates, catalogues = tmp_path / "pot", tmp_path / "po"
    monkeypatch.setattr(translations, "CATALOGUES", catalogues)
    old = Catalog()
    for english in ("Windows slide over the stream.", "A batch interval of 2 s.", "Gone.", "244.3"):
        old.add(english)
    templates.mkdir()
    translations.write(old, templates / "page.pot")
    translations.update(templates)
    translations.apply(
        catalogues / "page.po",
        {"Windows slide over the stream.": "窗口在流上滑动。", "Gone.": "没了。"},
    )
    new = Catalog()
    for english in (
        "Windows slide over the whole stream.",  # changed a little: kept, marked fuzzy
        "A batch interval of 2 s.",  # untranslated: stays empty
        "`reduceByKey` 0.5 s",  # nothing to translate: copied
        "244.8",  # a number near an old one: itself, not the old number marked fuzzy
    ):
        new.add(english)
    translations.write(new, templates / "page.pot")
    (templates / "other.pot").write_bytes((templates / "page.pot").read_bytes())
    translations.update(templates)
    got = {m.id: (m.string, m.fuzzy) for m in read(catalogues / "page.po") if m.id}
    assert got == {
        "Windows slide over the whole stream.": ("窗口在流上滑动。", True),
        "A batch interval of 2 s.": ("", False),
        "`reduceByKey` 0.5 s": ("`reduceByKey` 0.5 s", False),
        "244.8": ("244.8", False),
    }
    assert "Gone." not in got
    assert (catalogues / "other.po").exists()
