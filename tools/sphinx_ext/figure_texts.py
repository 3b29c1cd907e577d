"""The alt text of notebook figures, as messages of the page's catalogue.

A figure drawn by a code cell gets its alt text from the cell's metadata (`mystnb.image.alt`).
Sphinx's gettext skips it (its caption, `mystnb.figure.caption`, is extracted and translated by
Sphinx itself). This extension adds the alt text to the page's catalogue when the message
templates are built (`python -m tools.editions gettext`), and replaces it by its translation
when an edition in another language is built. The picture itself stays as executed.
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from sphinx.builders.gettext import MsgOrigin
from sphinx.locale import init as init_locale
from sphinx.util.i18n import docname_to_domain


def _in_code_cell(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.container) and parent.get("nb_element") == "cell_code":
            return True
        parent = parent.parent
    return False


def alt_texts(doctree: nodes.document) -> Iterator[tuple[nodes.image, str]]:
    """(image, English alt text) for every picture a code cell draws."""
    for image in doctree.findall(nodes.image):
        if image.get("alt") and _in_code_cell(image):
            yield image, image["alt"]


def _translate_or_extract(app, doctree: nodes.document) -> None:
    # When the doctree is read: afterwards myst-nb keeps only the output the builder shows, and
    # the gettext builder shows no picture.
    if app.builder.name == "gettext":
        _extract(app, doctree, app.env.docname)
        return
    language = app.config.language
    if not language or language == "en":
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(app.srcdir / d) for d in app.config.locale_dirs]
    catalog, found = init_locale(dirs, language, domain)
    if not found:
        return
    for image, text in alt_texts(doctree):
        image["alt"] = catalog.gettext(text)


def _extract(app, doctree: nodes.document, docname: str) -> None:
    catalog = app.builder.catalogs[docname_to_domain(docname, app.config.gettext_compact)]
    source = str(app.env.doc2path(docname))
    for _image, text in alt_texts(doctree):
        catalog.add(text, MsgOrigin(source, 0))


def setup(app):
    app.connect("doctree-read", _translate_or_extract)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
