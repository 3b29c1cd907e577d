"""Build the book's editions from one set of sources: English, and Chinese from the catalogues.

    python -m tools.site.editions html [--strict]   English into _build/html, Chinese into
                                                    _build/html/zh (en or zh: one edition)
    python -m tools.site.editions gettext           the message templates into _build/gettext

The Chinese edition is the same Sphinx project built with `language = "zh_CN"`: Sphinx's gettext
replaces every message (a paragraph, a heading, a table cell, a caption) by its translation from
locales/zh_CN/LC_MESSAGES/<page>.po; code, outputs and figures stay as executed. The catalogues
are kept in step with the English by tools/site/translations.py (`make translations`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tools import glossary
from tools.paths import BUILD, LOCALES, REPO

# The editions: (language code, folder of the site under _build/html, what Sphinx is told).
ENGLISH = "en"
CHINESE = "zh_CN"
SITE_FOLDER = {ENGLISH: "", CHINESE: "zh"}

# One catalogue per page (locales/zh_CN/LC_MESSAGES/chapters/04-windows.po, ...), so a change to
# one page touches one file, and translators can share the work page by page.
GETTEXT = {
    "locale_dirs": [str(LOCALES)],
    "gettext_compact": False,
    "gettext_uuid": False,
    "gettext_location": True,
    "gettext_additional_targets": [],
}

# What the theme and the extensions write in the Chinese edition (the theme's own strings come
# from its own zh_CN catalogue).
CHINESE_OVERRIDES = {
    "language": CHINESE,
    "html_title": "Spark Streaming 实战",
    "html_theme_options": {"search_bar_text": "搜索本书……"},
    "nb_code_prompt_show": "显示答案",
    "nb_code_prompt_hide": "隐藏答案",
}


def search_dictionary() -> Path:
    """The glossary's Chinese terms as a jieba dictionary, so that the Chinese search indexes a
    term such as 水位线 whole (jieba alone cuts it into 水位 and 线)."""
    path = BUILD / "search-dictionary-zh.txt"
    words = []
    for term in glossary.terms():
        for form in term.accepted:
            if any("\u4e00" <= ch <= "\u9fff" for ch in form):
                words.append(form.replace(" ", ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w} 1000 n\n" for w in dict.fromkeys(words)), encoding="utf-8")
    return path


def site_dir(language: str) -> Path:
    folder = SITE_FOLDER[language]
    return BUILD / "html" / folder if folder else BUILD / "html"


def build(builder: str, language: str, outdir: Path, *, strict: bool = False, every: bool = True):
    """Build the book with one Sphinx builder in one language; returns Sphinx's status code."""
    from jupyter_book.sphinx import build_sphinx

    overrides = {
        "external_toc_path": "_toc.yml",
        "latex_individualpages": False,
        **GETTEXT,
    }
    if language == CHINESE:
        import logging

        import jieba  # the Chinese search's word cutter: its start-up notes are not warnings

        jieba.setLogLevel(logging.WARNING)
        overrides.update(CHINESE_OVERRIDES)
        overrides["html_search_options"] = {"dict": str(search_dictionary())}
    if strict:
        overrides["nitpicky"] = True
    doctrees = BUILD / (".doctrees" if language == ENGLISH else f".doctrees-{language}")
    if builder == "gettext":
        doctrees = BUILD / ".doctrees-gettext"
    result = build_sphinx(
        REPO,
        outdir,
        noconfig=True,
        path_config=str(REPO / "_config.yml"),
        confoverrides=overrides,
        doctreedir=doctrees,
        builder=builder,
        force_all=every,
        # The gettext build reads every page afresh: the figures' alt texts are collected while a
        # page is read (tools/site/sphinx_ext/notebook_texts.py), which a cached page would skip.
        freshenv=builder == "gettext",
        warningiserror=strict,
        keep_going=strict,
        quiet=True,
    )
    if isinstance(result, Exception):
        return 1
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["html", "gettext", "en", "zh"])
    parser.add_argument("--strict", action="store_true", help="warnings are errors (nitpicky)")
    args = parser.parse_args(argv)
    if args.what == "gettext":
        return build("gettext", ENGLISH, BUILD / "gettext")
    languages = {"html": [ENGLISH, CHINESE], "en": [ENGLISH], "zh": [CHINESE]}[args.what]
    for language in languages:
        started = time.monotonic()
        status = build("html", language, site_dir(language), strict=args.strict)
        if status:
            print(f"The {language} edition did not build (status {status}).", file=sys.stderr)
            return status
        where = site_dir(language).relative_to(REPO)
        print(f"edition {language}: built in {time.monotonic() - started:.0f} s into {where}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
