"""How fast the website's widgets answer, and how much their frames weigh.

Serves the built site (`_build/html`) on 127.0.0.1, opens every page with a widget that moves
in headless Chromium (other hosts blocked), presses the arrow keys on each slider and reads the
time from the key to the new picture on screen (`data-latency-ms`, set by `_assets/widgets.js`):
first a step to a frame not fetched before, then steps to its prefetched neighbours. Prints
the figures; asserts nothing (targets: 100 ms a step, 25 MB of frames in all).

Usage: python -m tools.site.widget_bench   (make bench-widgets; needs make book and Chromium)
"""

from __future__ import annotations

import functools
import http.server
import os
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

from tools.paths import SITE
from tools.site.widget_frames import book_widgets

CHROMIUM = os.environ.get("STREAMLAB_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def frame_bytes(site: Path = SITE) -> tuple[int, int]:
    """(number of frames, their total size in bytes) in the built site."""
    frames = list((site / "_widgets").rglob("*.webp"))
    return len(frames), sum(f.stat().st_size for f in frames)


def measure(site: Path = SITE, steps: int = 6) -> dict[str, list[float]]:
    """Latencies in ms per page: each slider stepped right `steps` times, then back."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = sorted({w.page for w in book_widgets() if w.live})
    results: dict[str, list[float]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name in pages:
                page = browser.new_page()
                page.route(
                    "**/*",
                    lambda r: (
                        r.continue_()
                        if urlparse(r.request.url).netloc == urlparse(base).netloc
                        else r.abort()
                    ),
                )
                page.goto(f"{base}{name}.html", wait_until="load")
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.streamlab-widget[data-frames]')]"
                    ".every(r => r.dataset.ready)"
                )
                times = []
                for slider in page.locator("input[type=range][data-control]").all():
                    slider.scroll_into_view_if_needed()
                    slider.focus()
                    root = slider.evaluate_handle(
                        "s => s.closest('.streamlab-controls').nextElementSibling"
                        ".nextElementSibling"
                    )
                    room = int(slider.evaluate("s => Number(s.max) - Number(s.value)"))
                    there = "ArrowRight" if room > 0 else "ArrowLeft"
                    back = "ArrowLeft" if room > 0 else "ArrowRight"
                    room = room or int(slider.evaluate("s => Number(s.value)"))
                    moves = min(steps, room)
                    for key in [there] * moves + [back] * moves:
                        root.evaluate("r => r.removeAttribute('data-latency-ms')")
                        slider.press(key)
                        page.wait_for_function(
                            "r => r.dataset.latencyMs !== undefined", arg=root, timeout=10000
                        )
                        times.append(float(root.evaluate("r => r.dataset.latencyMs")))
                results[name] = times
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return results


def main() -> int:
    if not (SITE / "_widgets").exists():
        print("no widget frames in _build/html: run `make book` first")
        return 1
    count, size = frame_bytes()
    print(f"widget frames: {count} frames, {size / 1e6:.1f} MB (target: at most 25 MB)")
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: slider latency not measured")
        return 0
    results = measure()
    every = [t for times in results.values() for t in times]
    for name, times in results.items():
        if times:
            print(
                f"  {name}: {len(times)} steps, median {statistics.median(times):.1f} ms, "
                f"max {max(times):.1f} ms"
            )
    if every:
        every.sort()
        p95 = every[min(len(every) - 1, int(len(every) * 0.95))]
        print(
            f"slider to picture, loopback: median {statistics.median(every):.1f} ms, "
            f"95th percentile {p95:.1f} ms, max {every[-1]:.1f} ms over {len(every)} steps "
            "(target: at most 100 ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
