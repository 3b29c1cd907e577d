"""The built website in a real browser (headless Chromium driven by Playwright).

Every page of the table of contents is opened from a server on 127.0.0.1 with every request to
another host blocked (workshop Wi-Fi fails), and what a reader meets is checked: a title, figures
that load with alt text and a white background, maths typeset, no console errors, no broken
internal link or anchor, previous/next in reading order, launch buttons, widget stills with
their note, widgets that move from frames drawn in advance (keyboard, pixels equal to Python's
drawing, refusals, page weight), solutions hidden until opened, and search.

Needs the built site (`make build-strict`), Debian's `chromium` and the `playwright` package;
`make site-test` installs Chromium where it can and runs this file.
"""

from __future__ import annotations

import base64
import functools
import http.server
import io
import json
import os
import random
import re
import threading
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import nbformat
import numpy as np
import pytest
import yaml
from PIL import Image

from streamlab.widgets import LIVE_NOTE, SITE_NOTE
from tools.notebooks import reading_order
from tools.site import widget_frames
from tools.workshop import agendas

REPO = Path(__file__).resolve().parents[2]

SITE = REPO / "_build" / "html"
SCREENSHOTS = REPO / "_build" / "screenshots"
CHROMIUM = os.environ.get("STREAMLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages a reader is shown as screenshots in the notes of a change (looked at, not asserted).
SCREENSHOT_PAGES = ("intro", "labs/02-sliding-windows", "chapters/instructor-guide")

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the browser tests need Playwright: `make setup` installs it (-e .[browser])",
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"the browser tests need Chromium at {CHROMIUM}: `make site-test` installs Debian's "
        "`chromium` package where it can (as root); set STREAMLAB_CHROMIUM to use another one",
        allow_module_level=True,
    )


PAGES = reading_order()
NOTEBOOK_PAGES = [p for p in PAGES if (REPO / f"{p}.ipynb").exists()]
WIDGETS = {p: widget_frames.page_widgets(p) for p in NOTEBOOK_PAGES}
LIVE_WIDGET_PAGES = [p for p, found in WIDGETS.items() if any(w.live for w in found)]
# Pages shown as screenshots after a slider moved (looked at, not asserted).
MOVED_SCREENSHOT_PAGES = ("chapters/04-windows", "chapters/13-arbitrary-state")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test output is for failures, not for every request
        pass


@pytest.fixture(scope="module")
def site_url():
    if not (SITE / "intro.html").exists():
        pytest.fail(f"no built site in {SITE}: run `make build-strict` first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Visit:
    """What one page did while it loaded: requests refused, errors, and what it shows."""

    def __init__(self):
        self.external: list[str] = []
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.info: dict = {}


def open_context(browser, site_url, dark: bool = False):
    """A browser context that lets only the local site through (offline, as in a workshop)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if dark:
        context.add_init_script(
            "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"
        )
    return context


PAGE_FACTS_JS = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const article = document.querySelector('article.bd-article') || document.body;
  const images = [...article.querySelectorAll('img')].map(img => {
    let corners = null;
    if (img.complete && img.naturalWidth > 0) {
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const w = img.naturalWidth, h = img.naturalHeight;
      corners = [[1, 1], [w - 2, 1], [1, h - 2], [w - 2, h - 2]].map(
        ([x, y]) => [...g.getImageData(x, y, 1, 1).data]);
    }
    const style = getComputedStyle(img);
    return {src: img.getAttribute('src'), alt: img.getAttribute('alt') || '',
            complete: img.complete, width: img.naturalWidth, height: img.naturalHeight,
            shownWidth: img.getBoundingClientRect().width, corners,
            filter: style.filter};
  });
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const prev = document.querySelector('a.left-prev');
  const next = document.querySelector('a.right-next');
  const solutions = [...document.querySelectorAll('.tag_solution details')].map(d => ({
    open: d.open,
    summary: (d.querySelector('summary') || {}).innerText || '',
    // checkVisibility: a closed <details> keeps its content laid out but not shown.
    codeVisible: [...d.querySelectorAll('pre')].some(p => p.checkVisibility()),
  }));
  const captions = [...article.querySelectorAll('figure')].map(f => ({
    caption: (f.querySelector('figcaption .caption-text') || {}).textContent || '',
    imageLoaded: [...f.querySelectorAll('img')].some(i => i.complete && i.naturalWidth > 0),
  }));
  const widgetBytes = performance.getEntriesByType('resource')
    .filter(e => /_widgets\/|widgets\.js/.test(e.name))
    .reduce((sum, e) => sum + (e.encodedBodySize || e.transferSize || 0), 0);
  const edition = document.querySelector('a.streamlab-language-switch');
  return {
    lang: document.documentElement.lang,
    chinese: (article.innerText.match(/[\u4e00-\u9fff]/g) || []).length,
    parts: [...document.querySelectorAll('.bd-sidebar-primary .caption-text')].map(
      e => e.textContent),
    otherEdition: edition ? edition.href : null,
    otherEditionLang: edition ? edition.hreflang : null,
    prevText: prev ? prev.innerText : '',
    nextText: next ? next.innerText : '',
    searchPlaceholder: (document.querySelector('.search-button__default-text') ||
                        document.querySelector('input[name=q]') || {}).textContent || '',
    liveWidgets: document.querySelectorAll('.streamlab-widget[data-frames]').length,
    widgetBytes,
    title: document.title,
    heading: (article.querySelector('h1') || {}).textContent || '',
    textLength: article.innerText.length,
    images, links, ids, captions, solutions,
    prev: prev ? prev.href : null, next: next ? next.href : null,
    mathSource: article.querySelectorAll('.math').length,
    mathTypeset: article.querySelectorAll('mjx-container').length,
    theme: document.documentElement.dataset.theme,
  };
}
"""


def visit(context, url: str) -> Visit:
    result = Visit()
    site_host = urlparse(url).netloc

    def route(route_):
        if urlparse(route_.request.url).netloc == site_host:
            route_.continue_()
        else:
            result.external.append(route_.request.url)
            route_.abort()

    page = context.new_page()
    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and result.console_errors.append(m.text))
    page.on("pageerror", lambda e: result.console_errors.append(str(e)))
    page.on(
        "response",
        lambda r: r.status >= 400 and result.failed.append(f"{r.status} {r.url}"),
    )
    page.on(
        "requestfailed",
        lambda r: (
            r.url.startswith(url.split("/")[0])
            and (urlparse(r.url).netloc == site_host and result.failed.append(f"failed {r.url}"))
        ),
    )
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    result.info = page.evaluate(PAGE_FACTS_JS)
    result.page = page
    return result


def visit_every_page(browser, site_url, edition: str = "", shots=SCREENSHOT_PAGES) -> dict:
    """Every page of one edition ("" English, "zh/" Chinese) opened once, light theme; the
    pages in `shots` saved as screenshots for the notes of a change."""
    context = open_context(browser, site_url)
    seen = {}
    try:
        for name in PAGES:
            seen[name] = visit(context, f"{site_url}{edition}{name}.html")
            if name in shots:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shot = edition.replace("/", "--") + name.replace("/", "--")
                seen[name].page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=False)
            seen[name].page.close()
    finally:
        context.close()
    return seen


@pytest.fixture(scope="module")
def visits(browser, site_url):
    """Every page of the book, opened once (light theme)."""
    return visit_every_page(browser, site_url)


def test_every_page_loads_with_a_title_and_text(visits):
    for name, v in visits.items():
        assert v.info["heading"].strip(), f"{name}: no heading"
        assert v.info["title"].strip() and "Spark Streaming, hands-on" in v.info["title"], name
        assert v.info["textLength"] > 300, f"{name}: almost no text"


def test_no_page_needs_the_internet(visits):
    external = {name: v.external for name, v in visits.items() if v.external}
    assert not external, f"requests to other hosts (refused offline): {external}"


def test_no_console_errors_and_no_missing_files(visits):
    problems = {
        name: v.console_errors + v.failed
        for name, v in visits.items()
        if v.console_errors or v.failed
    }
    assert not problems, problems


def test_figures_load_have_alt_text_and_a_white_background(visits):
    count = 0
    for name, v in visits.items():
        for image in v.info["images"]:
            where = f"{name}: {image['src'][:60]}"
            assert image["complete"] and image["width"] > 0 and image["height"] > 0, where
            assert image["shownWidth"] > 0, f"{where} is not shown"
            assert len(image["alt"].strip()) >= 10, f"{where} has no real alt text"
            # Sphinx writes the file's address where a cell gave no alt text.
            assert not re.search(r"\.(png|webp|svg|jpe?g)$", image["alt"]), f"{where}: no alt"
            if image["src"].endswith(".png") and "_images/" in image["src"]:
                count += 1
                for r, g, b, a in image["corners"]:
                    # Opaque white: the figure stays readable on the theme's dark background.
                    assert a == 255 and min(r, g, b) >= 245, f"{where} corner {(r, g, b, a)}"
    assert count >= 30, f"only {count} figures found on the whole site"


def test_maths_is_typeset_offline(visits):
    pages_with_maths = [n for n, v in visits.items() if v.info["mathSource"]]
    assert pages_with_maths, "no page has maths any more: drop this test or the MathJax copy"
    for name in pages_with_maths:
        info = visits[name].info
        assert info["mathTypeset"] >= info["mathSource"], f"{name}: maths left as TeX source"


def broken_links(visits_by_edition: dict[str, dict], site_url: str, checked: str) -> list[str]:
    """The links of the pages of edition `checked` to a missing file of the site, or to an
    anchor missing from a page that was visited (of any edition)."""
    ids = {
        f"{site_url}{edition}{name}.html": set(v.info["ids"])
        for edition, visits in visits_by_edition.items()
        for name, v in visits.items()
    }
    broken = []
    for name, v in visits_by_edition[checked].items():
        for link in v.info["links"]:
            if not link.startswith(site_url):
                continue
            target, fragment = urldefrag(link)
            path = SITE / urlparse(target).path.lstrip("/")
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{checked}{name} -> {link} (no such file)")
            elif fragment and target in ids and fragment not in ids[target]:
                broken.append(f"{checked}{name} -> {link} (no such anchor)")
    return broken


def test_internal_links_and_anchors_resolve(visits, site_url):
    broken = broken_links({"": visits}, site_url, "")
    assert not broken, "\n".join(broken)


def test_previous_and_next_follow_the_reading_order(visits, site_url):
    urls = [f"{site_url}{name}.html" for name in PAGES]
    for i, name in enumerate(PAGES):
        info = visits[name].info
        expected_next = urls[i + 1] if i + 1 < len(urls) else None
        expected_prev = urls[i - 1] if i > 0 else None
        assert info["next"] == expected_next, f"{name}: next is {info['next']}"
        assert info["prev"] == expected_prev, f"{name}: previous is {info['prev']}"


def test_every_notebook_page_has_binder_and_colab_buttons(visits):
    repo = yaml.safe_load((REPO / "_config.yml").read_text())["repository"]["url"]
    slug = repo.removeprefix("https://github.com/")
    for name in NOTEBOOK_PAGES:
        links = visits[name].info["links"]
        binder = f"https://mybinder.org/v2/gh/{slug}/main?urlpath=lab/tree/{name}.ipynb"
        colab = f"https://colab.research.google.com/github/{slug}/blob/main/{name}.ipynb"
        assert binder in links, f"{name}: no Binder button to {binder}"
        assert colab in links, f"{name}: no Colab button to {colab}"


def test_widgets_show_a_still_figure_and_how_to_run_them_live(visits):
    for name in NOTEBOOK_PAGES:
        nb = nbformat.read(REPO / f"{name}.ipynb", as_version=4)
        widgets = sum(c.cell_type == "code" and "explore(" in c.source for c in nb.cells)
        notes = (LIVE_NOTE, SITE_NOTE)
        stills = [
            c
            for c in visits[name].info["captions"]
            if c["caption"].strip() in notes or c["caption"].startswith("Move the controls:")
        ]
        assert len(stills) == widgets, f"{name}: {widgets} widgets, {len(stills)} noted stills"
        assert all(c["imageLoaded"] for c in stills), f"{name}: a widget still did not load"
        live = sum(w.live for w in WIDGETS[name])
        assert visits[name].info["liveWidgets"] == live, f"{name}: {live} widgets should move"


WIDGET_STATE_JS = """
root => {
  const figure = root.previousElementSibling;  // widget_pages.py puts the widget after its still
  const img = figure.querySelector('img');
  const message = figure.querySelector('.streamlab-widget-message');
  return {
    setting: root.dataset.setting || null,
    shown: figure.dataset.shown || null,
    src: img.getAttribute('src'),
    imgVisible: !img.hidden && img.complete && img.naturalWidth > 0,
    message: message && !message.hidden ? message.textContent : null,
  };
}
"""

FRAME_PIXELS_JS = """
async url => {
  const img = new Image();
  img.src = url;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
  }
  return {width: canvas.width, height: canvas.height, rgba: btoa(binary)};
}
"""


def python_pixels(draw: str, values: dict) -> np.ndarray:
    """What the draw function renders in Python, as RGB pixels (the notebook's save options)."""
    import matplotlib.pyplot as plt

    fig = widget_frames.resolve(draw)(**values)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", **widget_frames.SAVE_OPTIONS)
    plt.close(fig)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def browser_pixels(page, url: str) -> np.ndarray:
    got = page.evaluate(FRAME_PIXELS_JS, url)
    rgba = np.frombuffer(base64.b64decode(got["rgba"]), dtype=np.uint8)
    return rgba.reshape(got["height"], got["width"], 4)[:, :, :3]


def key_for(widget, positions) -> str:
    """The frame's name of a setting: each control's position, as widgets.js names it."""
    return "-".join(map(str, positions))


def status_of(widget, index, positions) -> int:
    n = 0
    for control, p in zip(widget.controls, positions):
        n = n * len(control["values"]) + p
    return index["status"][n]


@pytest.mark.parametrize("name", LIVE_WIDGET_PAGES)
def test_widgets_move_by_keyboard_and_show_the_frames_python_draws(browser, site_url, name):
    context = open_context(browser, site_url)
    try:
        result = visit(context, f"{site_url}{name}.html")
        page = result.page
        roots = page.locator(".streamlab-widget[data-frames]")
        live = [w for w in WIDGETS[name] if w.live]
        assert roots.count() == len(live)
        rng = random.Random(name)
        for number, widget in enumerate(live):
            root = roots.nth(number)
            root.scroll_into_view_if_needed()
            page.wait_for_function(
                "r => r.dataset.ready === 'true'", arg=root.element_handle(), timeout=10000
            )
            folder = widget_frames.REPO / "_build" / "html" / "_widgets" / widget.id
            index = json.loads((folder / "index.json").read_text())
            panel = root.locator(
                "xpath=preceding-sibling::div[contains(@class,'streamlab-controls')][1]"
            )
            inputs = panel.locator("[data-control]")
            assert inputs.count() == len(widget.controls), f"{widget.id}: controls missing"
            labels = panel.locator(".streamlab-control-label").all_inner_texts()
            assert labels == [c["label"] or c["name"] for c in widget.controls], widget.id
            positions = [c["values"].index(c["default"]) for c in widget.controls]
            for i, control in enumerate(widget.controls):
                # one step by keyboard, to a neighbour (back if the control is at its end)
                last = len(control["values"]) - 1
                forward = positions[i] < last
                if control["kind"] == "checkbox":
                    keys, step = ["Space"], (1 if positions[i] == 0 else -1)
                elif control["kind"] == "select":
                    keys, step = (["ArrowDown"], 1) if forward else (["ArrowUp"], -1)
                else:
                    keys, step = (["ArrowRight"], 1) if forward else (["ArrowLeft"], -1)
                field = inputs.nth(i)
                field.focus()
                for key in keys:
                    field.press(key)
                positions[i] += step
                expected = key_for(widget, positions)
                page.wait_for_function(
                    "([r, k]) => r.previousElementSibling.dataset.shown === k",
                    arg=[root.element_handle(), expected],
                    timeout=10000,
                )
                state = root.evaluate(WIDGET_STATE_JS)
                status = status_of(widget, index, positions)
                if status == 0:
                    assert state["imgVisible"] and state["src"].endswith(f"/{expected}.webp")
                    assert state["message"] is None
                else:
                    message = index["messages"][status - 1]
                    assert state["message"] == f"Not a valid setting: {message}", widget.id
                    assert not state["imgVisible"]
            # a sample of settings: the browser's decoded frame equals Python's drawing
            settings = list(widget.settings())
            allowed = [(k, v) for n, (k, v) in enumerate(settings) if index["status"][n] == 0]
            for key, values in rng.sample(allowed, min(2, len(allowed))):
                url = f"{site_url}_widgets/{widget.id}/{key}.webp"
                shown = browser_pixels(page, url)
                drawn = python_pixels(widget.declaration["draw"], values)
                assert shown.shape == drawn.shape, f"{widget.id} {key}: size differs"
                assert np.array_equal(shown, drawn), f"{widget.id} {key}: pixels differ"
        if name in MOVED_SCREENSHOT_PAGES:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            roots.first.locator("xpath=preceding-sibling::figure[1]").scroll_into_view_if_needed()
            page.screenshot(path=str(SCREENSHOTS / f"{name.replace('/', '--')}-moved.png"))
        assert not result.console_errors, result.console_errors
        assert not result.failed, result.failed
        assert not result.external, result.external
    finally:
        context.close()


def test_a_refused_setting_shows_the_notebooks_message(browser, site_url):
    """Chapter 04: a window of 1.25 s on batches of 0.5 s is refused, as in the notebook."""
    context = open_context(browser, site_url)
    try:
        result = visit(context, f"{site_url}chapters/04-windows.html")
        page = result.page
        root = page.locator(".streamlab-widget[data-frames]").first
        page.wait_for_function(
            "r => r.dataset.ready === 'true'", arg=root.element_handle(), timeout=10000
        )
        window = page.locator("[data-control='window_s']").first
        window.focus()
        window.press("ArrowLeft")  # 1.5 s -> 1.25 s
        page.wait_for_function(
            "r => r.previousElementSibling.dataset.shown === '1-4-3'",
            arg=root.element_handle(),
            timeout=5000,
        )
        state = root.evaluate(WIDGET_STATE_JS)
        _, message = widget_frames.render_setting(
            "streamlab.figures.windows:sliding_windows",
            {"batch_s": 0.5, "window_s": 1.25, "slide_s": 1.0},
        )
        assert state["message"] == f"Not a valid setting: {message}"
        assert not state["imgVisible"]
        window.press("ArrowRight")  # back to an allowed setting: the picture returns
        page.wait_for_function(
            "r => r.previousElementSibling.dataset.shown === '1-5-3'",
            arg=root.element_handle(),
            timeout=5000,
        )
        assert root.evaluate(WIDGET_STATE_JS)["imgVisible"]
        assert not result.console_errors, result.console_errors
    finally:
        context.close()


def test_widgets_add_little_to_a_pages_first_load(visits):
    for name in LIVE_WIDGET_PAGES:
        extra = visits[name].info["widgetBytes"]
        assert extra <= 100_000, f"{name}: the widgets add {extra} bytes to the first load"


def test_solutions_are_hidden_until_opened(browser, site_url, visits):
    pages = [n for n in PAGES if n.startswith("labs/")]
    for name in pages:
        solutions = visits[name].info["solutions"]
        assert len(solutions) >= 3, f"{name}: fewer than three exercises with solutions"
        assert not any(s["open"] or s["codeVisible"] for s in solutions), name
    context = open_context(browser, site_url)
    try:
        page = context.new_page()
        page.goto(f"{site_url}{pages[0]}.html")
        first = page.locator(".tag_solution details").first
        shown = "d => d.open && d.querySelector('pre').checkVisibility()"
        assert not first.evaluate(shown), "a solution is shown before the reader opens it"
        first.locator("summary").click()
        page.wait_for_function(
            f"() => ({shown})(document.querySelector('.tag_solution details'))", timeout=5000
        )
    finally:
        context.close()


@pytest.mark.parametrize(
    ("edition", "query"), [("", "watermark"), ("zh/", "水位线")], ids=["english", "chinese"]
)
def test_search_finds_the_watermark_chapter(browser, site_url, edition, query):
    """In each edition, in its language (the Chinese one through jieba and the glossary)."""
    context = open_context(browser, site_url)
    try:
        page = context.new_page()
        page.goto(f"{site_url}{edition}search.html?q={query}")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=15000)
        hrefs = results.evaluate_all("links => links.map(a => a.href)")
        assert any(f"{edition}chapters/07-event-time" in h for h in hrefs), hrefs
    finally:
        context.close()


def visible_count(page, selector: str) -> int:
    return page.locator(selector).evaluate_all("els => els.filter(e => e.checkVisibility()).length")


@pytest.mark.parametrize("width", [1280, 400], ids=["wide", "phone"])
def test_one_search_box_and_a_menu_at_any_width(browser, site_url, width):
    context = open_context(browser, site_url)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{site_url}chapters/04-windows.html")
        assert visible_count(page, ".search-button__button") == 1  # a field or an icon
        assert visible_count(page, "button.primary-toggle") >= 1  # the table of contents
    finally:
        context.close()


def test_figures_stay_readable_in_dark_mode(browser, site_url):
    context = open_context(browser, site_url, dark=True)
    try:
        result = visit(context, f"{site_url}labs/02-sliding-windows.html")
        assert result.info["theme"] == "dark", "the theme did not switch to dark mode"
        assert not result.console_errors, result.console_errors
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        figure = result.page.locator("article img[src*='_images/']").first
        figure.scroll_into_view_if_needed()
        result.page.screenshot(path=str(SCREENSHOTS / "labs--02-sliding-windows-dark.png"))
        for image in result.info["images"]:
            assert "invert" not in image["filter"], f"the theme inverts {image['src']}"
            if image["corners"] and "_images/" in image["src"]:
                assert all(a == 255 and min(r, g, b) >= 245 for r, g, b, a in image["corners"])
    finally:
        context.close()


# The workshop kit: the slides of every agenda (tools/workshop/slides.py) and the learner handout.

DECKS = [a["id"] for a in agendas.load()["agendas"]]

SLIDE_FACTS_JS = r"""
() => {
  const slide = Reveal.getCurrentSlide();
  const shown = slide.cloneNode(true);
  shown.querySelectorAll('aside.notes').forEach(n => n.remove());
  const images = [...slide.querySelectorAll('img')].map(i => ({
    src: i.getAttribute('src'), complete: i.complete, width: i.naturalWidth,
    alt: i.getAttribute('alt') || ''}));
  const notes = slide.querySelector('aside.notes');
  return {text: shown.textContent.trim().length, images, indices: Reveal.getIndices(),
          notes: notes ? notes.textContent.trim().length : 0, last: Reveal.isLastSlide()};
}
"""


@pytest.mark.parametrize("deck", DECKS)
def test_every_slide_of_every_deck_shows_content_offline(browser, site_url, deck):
    context = open_context(browser, site_url)
    try:
        result = visit(context, f"{site_url}slides/{deck}.html")
        page = result.page
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=10000)
        page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=10000)
        total = page.evaluate("() => Reveal.getTotalSlides()")
        assert total >= 10, f"{deck}: only {total} slides"
        # no animation between slides, so a screenshot shows the slide, not a transition
        page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
        page.evaluate("() => Reveal.slide(0, 0)")
        seen, shot = set(), False
        for _ in range(4 * total):  # next() steps through fragments too
            facts = page.evaluate(SLIDE_FACTS_JS)
            where = f"{deck} slide {facts['indices']['h'] + 1}"
            seen.add(facts["indices"]["h"])
            assert facts["text"] > 0 or facts["images"], f"{where} is empty"
            assert facts["notes"] > 0, f"{where} has no speaker notes"
            for image in facts["images"]:
                assert image["complete"] and image["width"] > 0, f"{where}: {image['src']}"
                assert len(image["alt"]) >= 10, f"{where}: {image['src']} has no alt text"
            if facts["images"] and not shot:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"slides--{deck}.png"))
                shot = True
            if facts["last"]:
                break
            page.evaluate("() => Reveal.next()")
        assert len(seen) == total, f"{deck}: visited {len(seen)} of {total} slides"
        assert not result.console_errors, result.console_errors
        assert not result.failed, result.failed
        assert not result.external, result.external
    finally:
        context.close()


def test_the_instructor_guide_links_every_deck(visits, site_url):
    links = visits["chapters/instructor-guide"].info["links"]
    for deck in DECKS:
        assert f"{site_url}slides/{deck}.html" in links, deck


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF that Chromium printed (it writes its page objects uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def print_handout(context, site_url, copies_of_a_table: int = 0) -> bytes:
    result = visit(context, f"{site_url}chapters/handout.html")
    page = result.page
    if copies_of_a_table:  # a handout that grew: the cheat sheet several times over
        page.evaluate(
            """n => { const t = document.querySelector('#dstreams-structured-streaming table');
                      for (let i = 0; i < n; i++) t.after(t.cloneNode(true)); }""",
            copies_of_a_table,
        )
    data = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert not result.console_errors and not result.failed and not result.external
    return data


def test_the_handout_prints_on_two_a4_pages(browser, site_url):
    context = open_context(browser, site_url)
    try:
        data = print_handout(context, site_url)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / "handout.pdf").write_bytes(data)
        assert pdf_pages(data) == 2, f"the handout prints on {pdf_pages(data)} pages"
        boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
        assert boxes and all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes)
    finally:
        context.close()


def test_a_handout_that_grows_is_caught(browser, site_url):
    context = open_context(browser, site_url)
    try:
        assert pdf_pages(print_handout(context, site_url, copies_of_a_table=3)) > 2
    finally:
        context.close()


def test_the_handout_prints_without_the_sites_chrome(browser, site_url):
    context = open_context(browser, site_url)
    try:
        page = visit(context, f"{site_url}chapters/handout.html").page
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """() => ['.bd-sidebar-primary', '.bd-header-article', '.prev-next-area',
                      '.bd-footer', '.bd-sidebar-secondary']
                 .map(s => document.querySelector(s)).filter(e => e)
                 .every(e => !e.checkVisibility())"""
        )
        assert hidden, "the site's sidebars, buttons or footer print"
        page.screenshot(path=str(SCREENSHOTS / "handout-print.png"), full_page=True)
    finally:
        context.close()


# --- The Chinese edition (_build/html/zh/, tools/site/editions.py) ------------------------------

ZH_SCREENSHOT_PAGES = ("intro", "chapters/07-event-time", "labs/01-word-count")


def chinese_characters(text: str) -> int:
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture(scope="module")
def zh_visits(browser, site_url):
    """Every page of the Chinese edition, opened once."""
    if not (SITE / "zh" / "intro.html").exists():
        pytest.fail(f"no Chinese edition in {SITE / 'zh'}: run `make build-strict` first")
    return visit_every_page(browser, site_url, "zh/", ZH_SCREENSHOT_PAGES)


def test_every_chinese_page_loads_in_chinese(zh_visits):
    for name, v in zh_visits.items():
        info = v.info
        assert info["lang"] == "zh-CN", f"{name}: <html lang={info['lang']!r}>"
        assert "Spark Streaming 实战" in info["title"], f"{name}: title {info['title']!r}"
        assert chinese_characters(info["heading"]) or name == "intro", f"{name}: {info['heading']}"
        # Prose is Chinese; code and outputs stay as executed, so a share of Latin is expected.
        assert info["chinese"] >= 150, f"{name}: only {info['chinese']} Chinese characters"
    # The theme's own words are Chinese too: previous/next and the search box; and so are the
    # parts of the book in the sidebar.
    info = zh_visits["chapters/04-windows"].info
    summaries = [s["summary"] for s in info["solutions"]]
    assert summaries and all("参考答案" in s for s in summaries), summaries  # the solutions' button
    assert len(info["parts"]) >= 6 and all(chinese_characters(p) for p in info["parts"]), info[
        "parts"
    ]
    assert "上一页" in info["prevText"] and "下一页" in info["nextText"], info["nextText"]
    assert info["searchPlaceholder"].strip() == "搜索"


def test_chinese_pages_need_no_internet_and_show_no_errors(zh_visits):
    problems = {
        name: v.console_errors + v.failed + v.external
        for name, v in zh_visits.items()
        if v.console_errors or v.failed or v.external
    }
    assert not problems, problems


def test_chinese_figures_load_with_chinese_alt_text(zh_visits):
    count = 0
    for name, v in zh_visits.items():
        for image in v.info["images"]:
            where = f"zh/{name}: {image['src'][:60]}"
            assert image["complete"] and image["width"] > 0 and image["shownWidth"] > 0, where
            if "_images/" in image["src"]:  # a figure a code cell drew: its alt text translated
                count += 1
                assert chinese_characters(image["alt"]) >= 5, f"{where}: alt {image['alt']!r}"
    assert count >= 30, f"only {count} figures on the Chinese site"


def test_chinese_links_and_anchors_resolve(visits, zh_visits, site_url):
    broken = broken_links({"": visits, "zh/": zh_visits}, site_url, "zh/")
    assert not broken, "\n".join(broken)


def test_every_page_links_the_same_page_in_the_other_edition(visits, zh_visits, site_url):
    for name in PAGES:
        english, chinese = visits[name].info, zh_visits[name].info
        assert english["otherEdition"] == f"{site_url}zh/{name}.html", name
        assert english["otherEditionLang"] == "zh-CN", name
        assert chinese["otherEdition"] == f"{site_url}{name}.html", name
        assert chinese["otherEditionLang"] == "en", name


def test_a_widget_moves_on_a_chinese_page_with_the_english_frames(browser, site_url):
    name = "chapters/04-windows"
    context = open_context(browser, site_url)
    try:
        result = visit(context, f"{site_url}zh/{name}.html")
        page = result.page
        root = page.locator(".streamlab-widget[data-frames]").first
        root.scroll_into_view_if_needed()
        page.wait_for_function(
            "r => r.dataset.ready === 'true'", arg=root.element_handle(), timeout=10000
        )
        assert "在 " in root.inner_text() and "Binder" in root.inner_text()
        before = root.evaluate(WIDGET_STATE_JS)["shown"]
        panel = root.locator(
            "xpath=preceding-sibling::div[contains(@class,'streamlab-controls')][1]"
        )
        field = panel.locator("[data-control]").first
        field.focus()
        field.press("ArrowRight")
        page.wait_for_function(
            "([r, s]) => r.previousElementSibling.dataset.shown && "
            "r.previousElementSibling.dataset.shown !== s",
            arg=[root.element_handle(), before],
            timeout=10000,
        )
        state = root.evaluate(WIDGET_STATE_JS)
        if state["message"] is not None:
            assert state["message"].startswith("不是有效的设置："), state["message"]
        else:
            assert "/_widgets/" in state["src"] and "/zh/_widgets/" not in state["src"]
        assert not result.console_errors and not result.failed and not result.external
    finally:
        context.close()
