"""Widgets that move on the website: controls and frames drawn in advance, no kernel.

Each widget cell's output declares the widget (`streamlab.widgets.WIDGET_MIME`). On the page,
next to the still picture of the default setting, this extension writes the controls'
declaration and where the frames are; `_assets/widgets.js` builds the controls from it and swaps
the picture. After the HTML is written, `tools/site/widget_frames.py` draws every setting (or takes
it from the cache) into `_widgets/` of the site. A widget declared kernel-only keeps its still,
and the page says why. A widget with neither an importable draw function nor a reason is a
build warning (an error in `make build-strict`).
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from editions import is_chinese  # tools/site/sphinx_ext/editions.py, an extension beside this one
from sphinx.util import logging

from streamlab.widgets.spec import WIDGET_MIME

logger = logging.getLogger(__name__)


# What the extension writes on a page, in each edition. The Chinese edition (_build/html/zh/)
# shows the English edition's frames: the pictures are the same, drawn once.
TEXTS = {
    "en": {
        "or": " or ",
        "still": (
            "On the website this widget keeps its still picture: {reason}. Run it live in {links}."
        ),
        "live": "Run it live in {links}.",
    },
    "zh": {
        "or": " 或 ",
        "still": "在网站上，这个小部件只显示静态图片：{reason}。在 {links} 中可以实际运行它。",
        "live": "在 {links} 中可以实际运行它。",
    },
}


def _edition(app) -> str:
    return "zh" if is_chinese(app) else "en"


def _declarations(path: Path) -> dict[int, dict]:
    """{cell index: declaration} of a notebook's widget cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = {}
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            declared = output.get("metadata", {}).get(WIDGET_MIME)
            if declared is not None:
                found[index] = declared
    return found


def _launch_links(app, docname: str) -> str:
    """Binder and Colab links to this notebook, as the page's launch buttons have them."""
    config = app.config.html_theme_options or {}
    repo = (config.get("repository_url") or "").removeprefix("https://github.com/")
    branch = config.get("repository_branch") or "main"
    launch = config.get("launch_buttons") or {}
    links = []
    binder = launch.get("binderhub_url")
    if repo and binder:
        url = f"{binder}/v2/gh/{repo}/{branch}?urlpath=lab/tree/{docname}.ipynb"
        links.append(f'<a href="{html.escape(url)}">Binder</a>')
    colab = launch.get("colab_url")
    if repo and colab:
        url = f"{colab}/github/{repo}/blob/{branch}/{docname}.ipynb"
        links.append(f'<a href="{html.escape(url)}">Colab</a>')
    return TEXTS[_edition(app)]["or"].join(links)


def _mark_widgets(app, doctree) -> None:
    """After each widget's still: its declaration for widgets.js, or why it keeps still."""
    docname = app.env.docname
    source = Path(app.env.doc2path(docname))
    if source.suffix != ".ipynb":
        return
    declarations = _declarations(source)
    if not declarations:
        return
    number = 0
    for container in doctree.findall(nodes.container):
        index = container.get("cell_index")
        if container.get("nb_element") != "cell_code" or index not in declarations:
            continue
        number += 1
        declared = declarations[index]
        figures = list(container.findall(nodes.figure))
        if not figures:
            logger.warning(f"widget in cell {index + 1} has no still figure", location=docname)
            continue
        figure = figures[0]
        links = _launch_links(app, docname)
        if declared.get("kernel_only"):
            reason = html.escape(declared["kernel_only"])
            text = TEXTS[_edition(app)]["still"].format(reason=reason, links=links)
            raw = f'<p class="streamlab-widget-still">{text}</p>'
        elif not declared.get("draw"):
            logger.warning(
                f"widget in cell {index + 1}: its draw function is defined in the notebook; "
                "move it to streamlab, name a site_draw, or declare it kernel_only with the reason",
                location=docname,
            )
            continue
        else:
            widget_id = f"{docname.replace('/', '--')}--{number}"
            root = "../" * docname.count("/") + ("../" if _edition(app) == "zh" else "")
            spec = json.dumps({"controls": declared["controls"]}, separators=(",", ":"))
            spec = spec.replace("</", "<\\/")  # nothing in it may close the script element
            live = TEXTS[_edition(app)]["live"].format(links=links)
            raw = (
                f'<div class="streamlab-widget" data-widget="{widget_id}" '
                f'data-frames="{root}_widgets/{widget_id}/">'
                f'<script type="application/json">{spec}</script>'
                f'<p class="streamlab-widget-live">{live}</p></div>'
            )
            figure["classes"].append("streamlab-widget-still")
        figure.parent.insert(figure.parent.index(figure) + 1, nodes.raw("", raw, format="html"))


def _add_script(app, pagename, templatename, context, doctree) -> None:
    """Load widgets.js on the pages that have a live widget, and only there."""
    if doctree is None:
        return
    for node in doctree.findall(nodes.raw):
        if 'class="streamlab-widget"' in node.astext():
            app.add_js_file("widgets.js", loading_method="defer")
            return


def _draw_frames(app, exception) -> None:
    """Every setting of every widget into <site>/_widgets (tools/site/widget_frames.py)."""
    if exception is not None or app.builder.format != "html" or _edition(app) != "en":
        return
    repo = Path(app.srcdir)
    cache = Path(app.outdir).parent / "widget-cache"
    command = [sys.executable, "-m", "tools.site.widget_frames", "--site", str(app.outdir)]
    command += ["--cache", str(cache)]
    result = subprocess.run(command, cwd=repo, capture_output=True, text=True)
    if result.returncode != 0:
        logger.warning(f"drawing the widget frames failed:\n{result.stdout}{result.stderr}")
    else:
        logger.info(result.stdout.strip())
        print(result.stdout.strip(), flush=True)


def setup(app):
    app.connect("doctree-read", _mark_widgets)
    app.connect("html-page-context", _add_script)
    app.connect("build-finished", _draw_frames)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
