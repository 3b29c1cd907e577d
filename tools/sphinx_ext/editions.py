"""The language switch: every page of each edition links the same page of the other edition.

The English site is _build/html/, the Chinese one _build/html/zh/ (tools/editions.py builds
both). The link sits in the article header, before the theme's buttons
(templates/language-switch.html).
"""

from __future__ import annotations

from pathlib import Path

CHINESE_FOLDER = "zh"


def is_chinese(app) -> bool:
    return (app.config.language or "en").startswith("zh")


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
