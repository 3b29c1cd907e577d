"""The workshop slides in the website: after the HTML is written, tools/workshop/slides.py builds
one reveal.js deck per agenda of tools/workshop/agendas.yml into <site>/slides/ (the instructor
guide links them). reveal.js itself is served from _static/reveal.js (_assets/reveal.js), so they
work offline. A deck that cannot be built is a build warning (an error in `make build-strict`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _build_slides(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    command = [sys.executable, "-m", "tools.workshop.slides", "--site", str(app.outdir)]
    result = subprocess.run(command, cwd=Path(app.srcdir), capture_output=True, text=True)
    if result.returncode != 0:
        logger.warning(f"building the slides failed:\n{result.stdout}{result.stderr}")
    else:
        print(result.stdout.strip(), flush=True)


def setup(app):
    app.connect("build-finished", _build_slides)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
