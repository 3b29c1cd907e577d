"""The language switch: every page of each edition links the same page of the other edition.

The English site is _build/html/, the Chinese one _build/html/zh/ (tools/site/editions.py builds
both). The link sits in the article header, before the theme's buttons
(templates/language-switch.html).
"""

from __future__ import annotations

from pathlib import Path

from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.util.i18n import docname_to_domain

CHINESE_FOLDER = "zh"


def is_chinese(app) -> bool:
    return (app.config.language or "en").startswith("zh")


def page_catalogue(app):
    """The translations of the page being read (locales/<language>/LC_MESSAGES/<page>.po), or
    None in the English edition or where the page has no catalogue."""
    if not app.config.language or app.config.language == "en":
        return None
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(app.srcdir / d) for d in app.config.locale_dirs]
    catalog, found = init_locale(dirs, app.config.language, domain)
    return catalog if found else None


def other_edition_href(pagename: str, chinese: bool) -> str:
    """The relative address of `pagename` in the other edition, from `pagename` itself."""
    up = "../" * pagename.count("/")
    if chinese:
        return f"{up}../{pagename}.html"
    return f"{up}{CHINESE_FOLDER}/{pagename}.html"


def _add_switch(app, pagename, templatename, context, doctree) -> None:
    if doctree is None:  # search, genindex: no page of their own in the other edition
        context["other_edition"] = None
        return
    chinese = is_chinese(app)
    context["other_edition"] = {
        "href": other_edition_href(pagename, chinese),
        "hreflang": "en" if chinese else "zh-CN",
        "label": "English" if chinese else "中文",
        "title": "Read this page in English" if chinese else "阅读本页的中文版",
    }


def _translate_part_captions(app, doctree) -> None:
    """The parts' captions ("Part 1 · The micro-batch model") in the edition's language.

    sphinx-external-toc inserts the toctrees after Sphinx has translated the page, so their
    captions would stay English; they are messages of the root page's catalogue."""
    catalog = page_catalogue(app)
    if catalog is None:
        return
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("caption"):
            toctree["caption"] = toctree["rawcaption"] = catalog.gettext(toctree["caption"])


def _templates(app, config) -> None:
    config.templates_path = [*config.templates_path, str(Path(__file__).parent / "templates")]
    options = config.html_theme_options
    buttons = options.get("article_header_end", "article-header-buttons.html")
    if isinstance(buttons, str):
        buttons = [b.strip() for b in buttons.split(",") if b.strip()]
    if "language-switch.html" not in buttons:
        options["article_header_end"] = ["language-switch.html", *buttons]


def setup(app):
    app.connect("config-inited", _templates)
    app.connect("html-page-context", _add_switch)
    # Before Sphinx's toctree collector (priority 500) records the captions for the sidebar.
    app.connect("doctree-read", _translate_part_captions, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
