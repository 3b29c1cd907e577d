"""The workshop slides (tools/workshop/slides.py) and the copy of reveal.js they run on.

Without a browser: the vendored reveal.js is byte for byte the npm registry's (the record in
_assets/reveal.js/VENDOR.json; `python -m tools.site.vendor_reveal` checks it against the registry),
and every deck is built from the book, needs nothing from another host and finds its figures.
tests/site/test_site.py opens every slide in Chromium.
"""

from __future__ import annotations

import json
import re

import pytest

from tools.site import vendor_reveal
from tools.workshop import agendas, slides

DATA = agendas.load()


def test_the_vendored_reveal_js_is_the_registrys():
    record = json.loads(vendor_reveal.RECORD.read_text(encoding="utf-8"))
    assert record["package"] == "reveal.js" and record["licence"] == "MIT"
    assert re.fullmatch(r"\d+\.\d+\.\d+", record["version"])
    assert record["integrity"].startswith("sha512-")
    assert set(record["files"]) == set(vendor_reveal.FILES.values())
    assert "LICENSE" in record["files"]
    assert vendor_reveal.local_problems() == []


def test_a_changed_vendored_file_is_caught(monkeypatch, tmp_path):
    copy = tmp_path / "reveal.js"
    copy.mkdir()
    for name in vendor_reveal.FILES.values():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes((vendor_reveal.TARGET / name).read_bytes())
    (copy / "VENDOR.json").write_bytes(vendor_reveal.RECORD.read_bytes())
    (copy / "reveal.js").write_text("// edited by hand\n", encoding="utf-8")
    monkeypatch.setattr(vendor_reveal, "TARGET", copy)
    monkeypatch.setattr(vendor_reveal, "RECORD", copy / "VENDOR.json")
    assert vendor_reveal.local_problems() == ["reveal.js: differs from the registry's file"]


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    written = slides.build(site)
    return site, {p.stem: p.read_text(encoding="utf-8") for p in written}


def test_one_deck_per_agenda(decks):
    _, built = decks
    assert set(built) == {a["id"] for a in DATA["agendas"]}


def test_decks_load_nothing_from_another_host(decks):
    _, built = decks
    for name, text in built.items():
        addresses = re.findall(r'(?:src|href)="([^"]+)"', text)
        assert addresses, name
        assert not [a for a in addresses if re.match(r"(https?:)?//", a)], name
        assert "../_static/reveal.js/reveal.js" in addresses, name


def test_every_figure_is_a_png_the_notebook_stored(decks):
    site, built = decks
    for name, text in built.items():
        images = re.findall(r'<img src="(img/[^"]+)" alt="([^"]+)"', text)
        assert len(images) >= 2, f"{name}: fewer than two figures"
        for src, alt in images:
            data = (site / "slides" / src).read_bytes()
            assert data.startswith(b"\x89PNG"), src
            assert len(alt) >= 10, src
            page, cell = src.removeprefix("img/").removesuffix(".png").rsplit("--", 1)
            section, stored = slides.cell_by_id(page.replace("--", "/"), cell)
            assert slides._figure(page.replace("--", "/"), section, stored).png == data


def test_every_slot_has_a_slide_and_every_page_its_check_in(decks):
    _, built = decks
    for agenda in DATA["agendas"]:
        text = built[agenda["id"]]
        for slot in agenda["slots"]:
            assert f"{slot['at']} · {slot['slot']}" in text or slot["slot"] in ("break", "lunch")
            for page in slot.get("pages", []):
                question = slides._inline(DATA["pages"][page["page"]]["question"])
                assert question in text, f"{agenda['id']}: no check-in for {page['page']}"
        assert text.count('<aside class="notes">') == text.count("<section")


def test_the_labs_key_code_is_on_the_slides(decks):
    """Cells tagged `export` (what streamlab/lessons/ holds) appear as code slides."""
    _, built = decks
    for name in ("count_words", "running_totals"):
        space = r'(<span class="w">)? (</span>)?'
        definition = rf'<span class="k">def</span>{space}<span class="nf">{name}</span>'
        assert re.search(definition, built["90-minutes"]), name
