"""Text that notebooks keep in cell metadata, as messages of the page's catalogue.

Two kinds of text of a notebook page live in a code cell's metadata rather than in its Markdown:
the alt text of the figure it draws (`mystnb.image.alt`) and the labels of the button that shows
or hides an exercise's solution (`mystnb.code_prompt_show`, `code_prompt_hide`). Sphinx's gettext
skips both (the figure's caption, `mystnb.figure.caption`, it extracts and translates itself).
This extension adds them to the page's catalogue when the message templates are built
(`python -m tools.site.editions gettext`), and replaces them by their translation when an edition in
another language is built. The picture and the code stay as executed.
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from editions import (
    page_catalogue,  # tools/site/sphinx_ext/editions.py, an extension beside this one
)
from sphinx.builders.gettext import MsgOrigin
from sphinx.util.i18n import docname_to_domain

PROMPTS = ("prompt_show", "prompt_hide")


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


def solution_prompts(doctree: nodes.document) -> Iterator[tuple[nodes.container, str, str]]:
    """(cell, attribute, English label) for the show/hide button of every hidden cell."""
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") == "cell_code" and cell.get("hide_mode"):
            for attribute in PROMPTS:
                if cell.get(attribute):
                    yield cell, attribute, cell[attribute]


def _texts(doctree: nodes.document) -> Iterator[tuple[nodes.Element, str, str]]:
    for image, text in alt_texts(doctree):
        yield image, "alt", text
    yield from solution_prompts(doctree)


def _translate_or_extract(app, doctree: nodes.document) -> None:
    # When the doctree is read: afterwards myst-nb keeps only the output the builder shows, and
    # the gettext builder shows no picture.
    if app.builder.name == "gettext":
        _extract(app, doctree, app.env.docname)
        return
    catalog = page_catalogue(app)
    if catalog is None:
        return
    for node, attribute, text in list(_texts(doctree)):
        node[attribute] = catalog.gettext(text)


def _extract(app, doctree: nodes.document, docname: str) -> None:
    catalog = app.builder.catalogs[docname_to_domain(docname, app.config.gettext_compact)]
    source = str(app.env.doc2path(docname))
    for _node, _attribute, text in _texts(doctree):
        catalog.add(text, MsgOrigin(source, 0))


def setup(app):
    app.connect("doctree-read", _translate_or_extract)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
