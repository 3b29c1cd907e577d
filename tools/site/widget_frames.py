"""Every setting of every widget of the book, drawn in advance for the website.

Each widget cell's output carries its declaration (`streamlab.widgets.WIDGET_MIME`: the draw
function's import path, each control's values and default). This tool reads those
declarations from the notebooks of `_toc.yml`, draws every combination of control values with
that same draw function, in parallel on the machine's cores, and writes into the built site:

    _widgets/<widget id>/<i>-<j>-....webp   one lossless WebP per allowed setting
    _widgets/<widget id>/index.json         per setting (mixed-radix order): 0 = a frame,
                                            k > 0 = refused, with messages[k - 1]

A frame is cached in `_build/widget-cache/` under a hash of the draw code (the function, the
book's code and data it uses, the library versions) and the setting, so a rebuild draws only
what changed; a refused setting stores its plain message there instead of a picture.

Usage: python -m tools.site.widget_frames [--site _build/html] [--cache _build/widget-cache]
       python -m tools.site.widget_frames --warm    (only fill the cache: `make frames-warm`)
`make book` and `make build-strict` run it after Jupyter Book
(tools/site/sphinx_ext/widget_pages.py).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import fcntl
import functools
import hashlib
import importlib
import inspect
import io
import itertools
import json
import os
import shutil
import sys
import time
import types
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streamlab.widgets.spec import WIDGET_MIME
from tools.notebooks import read, reading_order
from tools.paths import BUILD, REPO, SITE

FRAME_FORMAT = "webp-lossless-1"  # change it to redraw every frame (a new encoding)
SAVE_OPTIONS = {"dpi": 100, "bbox_inches": "tight", "facecolor": "white"}  # as the stills


@dataclass
class Widget:
    """One widget cell of one page, as its output declares it."""

    page: str  # e.g. chapters/04-windows
    number: int  # 1 for the first widget of the page
    cell_index: int
    declaration: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.page.replace('/', '--')}--{self.number}"

    @property
    def live(self) -> bool:
        return bool(self.declaration.get("draw")) and not self.declaration.get("kernel_only")

    @property
    def controls(self) -> list[dict[str, Any]]:
        return self.declaration.get("controls", [])

    def settings(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(key, values) of every combination, in mixed-radix order (last control fastest)."""
        ranges = [range(len(c["values"])) for c in self.controls]
        for positions in itertools.product(*ranges):
            key = "-".join(map(str, positions))
            yield key, {c["name"]: c["values"][i] for c, i in zip(self.controls, positions)}

    def default_key(self) -> str:
        return "-".join(str(c["values"].index(c["default"])) for c in self.controls)


def declaration_of(cell: dict[str, Any]) -> dict[str, Any] | None:
    """The widget declaration in a code cell's outputs, if any."""
    for output in cell.get("outputs", []):
        found = output.get("metadata", {}).get(WIDGET_MIME)
        if found is not None:
            return found
    return None


def page_widgets(page: str, repo: Path = REPO) -> list[Widget]:
    """The widgets of one notebook page, in cell order (none for a Markdown page)."""
    path = repo / f"{page}.ipynb"
    if not path.exists():
        return []
    cells = read(path).cells
    found = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "code":
            declared = declaration_of(cell)
            if declared is not None:
                found.append(Widget(page, len(found) + 1, index, declared))
    return found


def book_widgets(repo: Path = REPO) -> list[Widget]:
    """Every widget of the book's pages, in reading order."""
    sys.path.insert(0, str(repo))
    return [w for page in reading_order(repo) for w in page_widgets(page, repo)]


# --- What a frame depends on ---------------------------------------------------------------


def resolve(path: str) -> Any:
    """The object named `module:qualified.name`."""
    module_name, _, name = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _imported_modules(module_name: str, source: str) -> set[str]:
    """The streamlab modules one module's source imports (relative imports resolved)."""
    package = module_name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("streamlab")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base.startswith("streamlab"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}  # `from . import x`
    return found


@functools.cache
def module_closure(module_name: str) -> tuple[str, ...]:
    """A module and every streamlab module it imports, directly or not, sorted."""
    seen: set[str] = set()
    todo = [module_name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue  # `from .x import name` where name is not a module
        seen.add(name)
        if getattr(module, "__file__", None):
            todo += sorted(_imported_modules(name, Path(module.__file__).read_text("utf-8")))
    return tuple(sorted(seen))


def _module_sources(names: set[str]) -> list[str]:
    parts = []
    for name in sorted({m for n in names for m in module_closure(n)}):
        module = sys.modules[name]
        if getattr(module, "__file__", None):
            parts.append(f"{name}\n{Path(module.__file__).read_text(encoding='utf-8')}")
    return parts


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _function_parts(func: Any, seen: set[int], modules: set[str]) -> list[str]:
    """The source of a draw function and of the book's functions and constants it uses."""
    func = inspect.unwrap(func)
    if id(func) in seen:
        return []
    seen.add(id(func))
    own = func.__module__
    parts = [inspect.getsource(func)]
    for name in sorted(_code_names(func.__code__)):
        if name not in func.__globals__:
            continue
        value = func.__globals__[name]
        if isinstance(value, types.ModuleType):
            if value.__name__.startswith("streamlab"):
                modules.add(value.__name__)
        elif callable(value) and getattr(value, "__module__", "") == own:
            parts += _function_parts(value, seen, modules)
        elif callable(value) and str(getattr(value, "__module__", "")).startswith("streamlab"):
            modules.add(value.__module__)
        elif not callable(value):
            parts.append(f"{name} = {value!r}")
    return parts


@functools.cache
def data_fingerprint(repo: Path = REPO) -> str:
    """A hash of the book's shipped data files (data/)."""
    digest = hashlib.sha256()
    for path in sorted((repo / "data").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(repo)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def draw_fingerprint(path: str) -> str:
    """A hash of everything a draw function's pictures depend on."""
    import matplotlib
    import PIL

    modules: set[str] = set()
    parts = [FRAME_FORMAT, matplotlib.__version__, PIL.__version__, data_fingerprint()]
    parts += _function_parts(resolve(path), set(), modules)
    parts += _module_sources(modules)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def setting_hash(fingerprint: str, values: dict[str, Any]) -> str:
    """The cache name of one setting of one draw function."""
    text = fingerprint + json.dumps(values, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# --- Drawing ----------------------------------------------------------------------------------


def encode_frame(fig: Any) -> bytes:
    """The figure as lossless WebP, as the still is saved (dpi, tight box, white).

    Straight from matplotlib's pixels to Pillow's WebP encoder (no PNG in between): the same
    pixels as the notebook's PNG, a sixth less time than encoding a PNG first.
    """
    out = io.BytesIO()
    options = {"lossless": True, "quality": 80, "method": 6}
    fig.savefig(out, format="webp", pil_kwargs=options, **SAVE_OPTIONS)
    return out.getvalue()


def render_setting(path: str, values: dict[str, Any]) -> tuple[bytes | None, str | None]:
    """(frame, None) for an allowed setting, (None, message) for one the book refuses."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from streamlab.errors import SetupError

    draw = resolve(path)
    try:
        fig = draw(**values)
    except SetupError as error:
        return None, str(error)
    try:
        return encode_frame(fig), None
    finally:
        plt.close(fig)


def _render_batch(jobs: list[tuple[str, dict[str, Any], str]], cache: str) -> int:
    """Draw a batch of (draw path, values, cache name) into the cache; return how many."""
    for path, values, name in jobs:
        frame, message = render_setting(path, values)
        target = Path(cache) / (f"{name}.webp" if frame is not None else f"{name}.txt")
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(frame if frame is not None else message.encode("utf-8"))
        temporary.replace(target)
    return len(jobs)


def _cached(cache: Path, name: str) -> Path | None:
    for suffix in (".webp", ".txt"):
        if (cache / f"{name}{suffix}").exists():
            return cache / f"{name}{suffix}"
    return None


@dataclass
class Report:
    widgets: int = 0
    kernel_only: list[str] = field(default_factory=list)
    frames: int = 0
    refused: int = 0
    drawn: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"widget frames: {self.widgets} widgets live, {self.frames} frames "
            f"({self.bytes / 1e6:.1f} MB), {self.refused} refused settings; drawn now "
            f"{self.drawn}, the rest from the cache; {self.seconds:.1f} s"
            + (f"; kernel-only: {', '.join(self.kernel_only)}" if self.kernel_only else "")
        )


@contextlib.contextmanager
def cache_lock(cache: Path) -> Iterator[None]:
    """Hold the cache's lock: one process draws into it at a time, and a build waits for the
    background warm-up (`make test` starts one, niced, before the unit tests) rather than
    drawing the same frames beside it. The kernel drops the lock when its holder ends."""
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("widget frames: waiting for the frames being drawn in the background", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def plan_frames(
    cache: Path, widgets: list[Widget], report: Report
) -> tuple[list[tuple[Widget, list[tuple[str, str]]]], list[tuple[str, dict[str, Any], str]]]:
    """Per live widget its (key, cache name) pairs, and the settings the cache lacks."""
    plan: list[tuple[Widget, list[tuple[str, str]]]] = []
    missing: list[tuple[str, dict[str, Any], str]] = []
    for widget in widgets:
        if not widget.live:
            reason = widget.declaration.get("kernel_only") or "no importable draw function"
            report.kernel_only.append(f"{widget.page} ({reason})")
            continue
        fingerprint = draw_fingerprint(widget.declaration["draw"])
        names = []
        for key, values in widget.settings():
            name = setting_hash(fingerprint, values)
            names.append((key, name))
            if _cached(cache, name) is None:
                missing.append((widget.declaration["draw"], values, name))
        plan.append((widget, names))
    return plan, missing


def draw_missing(cache: Path, missing: list[tuple[str, dict[str, Any], str]], jobs: int) -> None:
    """Draw the settings the cache lacks, on `jobs` processes (0: every core)."""
    if not missing:
        return
    workers = jobs or os.cpu_count() or 1
    size = max(1, min(40, len(missing) // (workers * 4) or 1))
    batches = [missing[i : i + size] for i in range(0, len(missing), size)]
    if workers == 1:
        for batch in batches:
            _render_batch(batch, str(cache))
    else:
        with ProcessPoolExecutor(workers) as pool:
            for _ in pool.map(_render_batch, batches, itertools.repeat(str(cache))):
                pass


def warm(cache: Path, jobs: int = 0) -> Report:
    """Only fill the cache (no site): what `make test` runs in the background, niced."""
    started = time.perf_counter()
    sys.path.insert(0, str(REPO))
    report = Report()
    with cache_lock(cache):
        _, missing = plan_frames(cache, book_widgets(), report)
        report.drawn = len(missing)
        draw_missing(cache, missing, jobs)
    report.seconds = time.perf_counter() - started
    return report


def build(site: Path, cache: Path, widgets: list[Widget] | None = None, jobs: int = 0) -> Report:
    """Draw what the cache lacks, then lay every widget's frames and index out in the site."""
    started = time.perf_counter()
    sys.path.insert(0, str(REPO))
    widgets = book_widgets() if widgets is None else widgets
    report = Report()
    with cache_lock(cache):
        plan, missing = plan_frames(cache, widgets, report)
        report.drawn = len(missing)
        draw_missing(cache, missing, jobs)
    out_root = site / "_widgets"
    if out_root.exists():
        shutil.rmtree(out_root)
    for widget, names in plan:
        folder = out_root / widget.id
        folder.mkdir(parents=True)
        messages: list[str] = []
        status = []
        for key, name in names:
            found = _cached(cache, name)
            if found is None:
                raise RuntimeError(f"{widget.id} {key}: no frame drawn")
            if found.suffix == ".webp":
                target = folder / f"{key}.webp"
                try:
                    os.link(found, target)
                except OSError:
                    shutil.copyfile(found, target)
                status.append(0)
                report.frames += 1
                report.bytes += found.stat().st_size
            else:
                message = found.read_text(encoding="utf-8")
                if message not in messages:
                    messages.append(message)
                status.append(messages.index(message) + 1)
                report.refused += 1
        if not any(s == 0 for s in status):
            raise RuntimeError(f"{widget.id}: every setting is refused")
        index = {"controls": [c["name"] for c in widget.controls], "status": status}
        index["messages"] = messages
        (folder / "index.json").write_text(json.dumps(index, separators=(",", ":")))
        report.widgets += 1
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--cache", type=Path, default=BUILD / "widget-cache")
    parser.add_argument("--jobs", type=int, default=0, help="processes (default: every core)")
    parser.add_argument(
        "--warm", action="store_true", help="only draw what the cache lacks (no site written)"
    )
    args = parser.parse_args(argv)
    if args.warm:
        report = warm(args.cache, jobs=args.jobs)
        print(
            f"widget frames, drawn in advance into {args.cache}: {report.drawn} settings "
            f"the cache lacked, in {report.seconds:.1f} s",
            flush=True,
        )
    else:
        print(build(args.site, args.cache, jobs=args.jobs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
