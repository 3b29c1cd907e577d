# Spark Streaming, hands-on: every command of the book.
#   make book   create .venv, install the locked packages (requirements.lock), build the website
#               in English (_build/html) and in Chinese (_build/html/zh)
#   make test   everything CI checks (lint, unit tests, notebooks with nbval, strict book build,
#               the website in a browser)
#   make bench  time, floor and peak memory of every notebook; word-count throughput
# See README.md.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := chapters labs
PORT ?= 8000

# Jupyter and IPython settings of the book (JVM output kept out of cells), and the venv's own
# kernel even where a user-wide "python3" kernel points at another interpreter.
export IPYTHONDIR := $(CURDIR)/tools/ipython
NBENV := JUPYTER_DATA_DIR=$(CURDIR)/$(VENV)/share/jupyter

.PHONY: help setup java book frames-warm test test-all lint unit notebooks site-test bench bench-suite bench-throughput build-strict execute generated lessons learner answer-key normalise serve lab clean

help:
	@sed -n "1,7p" Makefile

java:
	@$(PYTHON) streamlab/runtime/java.py

# The exact packages of requirements.lock (hashes checked), then the book's helpers alone, then
# the archive of the classes Spark's JVM loads (it starts in about half the time with it).
$(STAMP): requirements.lock pyproject.toml streamlab/kafka/*.lock
	@$(PYTHON) streamlab/runtime/java.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m streamlab.kafka.jars
	$(BIN)/python -m streamlab.kafka.connector
	$(BIN)/python -m streamlab.runtime.build_cds
	@touch $(STAMP)

# Regenerate requirements.lock from pyproject.toml (every package with its hashes, from PyPI)
# with a pinned uv, installed into .venv first if it is not there (tools/lock.py).
UV_VERSION := 0.13.9
.PHONY: lock
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test "$$($(BIN)/uv --version 2>/dev/null)" = "uv $(UV_VERSION)" || \
	  $(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/python -m tools.lock --uv $(BIN)/uv

setup: $(STAMP)

# Both editions from the same sources (tools/site/editions.py): English, then Chinese from the
# catalogues in locales/zh_CN (the same notebooks, pages and figures; translated prose).
book: setup
	$(BIN)/python -m tools.site.editions html
	@echo "The book is at $(CURDIR)/_build/html/index.html, in Chinese at _build/html/zh/index.html"
	@echo "(make serve shows both on http://127.0.0.1:$(PORT))"

build-strict: setup
	$(BIN)/python -m tools.site.editions html --strict

# After any change to the English prose: extract its messages (Sphinx gettext) and update the
# Chinese catalogues, locales/zh_CN/LC_MESSAGES/<page>.po (tools/site/translations.py; how to
# translate: locales/TRANSLATING.md). A test fails while a message is missing, fuzzy or stale.
.PHONY: translations
translations: setup
	$(BIN)/python -m tools.site.translations update
	$(BIN)/python -m tools.site.translations stats

# Lint and formatting: Python at 100 columns, notebooks and the lessons exported from them at 79
# (their ruff.toml), the width of the website's code blocks; then the architecture's contracts
# (pyproject.toml's [tool.importlinter]: streamlab's layers, lessons and models kept plain, no
# cycle; ARCHITECTURE.md).
lint: setup
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m tools.normalise --check

# Unit tests in two processes (each with its own small Spark); then the tests marked `serial`
# (the standalone cluster, timing checks), alone, so a busy core cannot change what they measure.
unit: setup
	$(BIN)/python -m pytest -q tests --ignore=tests/site -m "not serial" -n 2
	$(BIN)/python -m pytest -q tests --ignore=tests/site -m serial

# nbval runs every notebook once from a fresh kernel and compares it with the stored outputs;
# a notebook whose inputs are not in tools/second-run-passed.json (committed; the run adds those
# that pass) also runs a second time in the same kernel, as a learner who re-runs it without
# restarting. Two notebooks at a time, the timing chapters alone (tools/check_notebooks.py, which
# prints the plan); a JVM that reports a full code cache or an OutOfMemoryError fails its notebook.
# Outside CI it leaves out the notebooks unchanged since they last passed here; CI=true (as
# .ci/run runs) checks every one; NB=path/to/one.ipynb checks only that one.
notebooks: setup
	$(NBENV) $(BIN)/python -m tools.check_notebooks $(if $(ALL),--all,) $(or $(NB),$(NOTEBOOKS))

# Wall time, floor (Spark start + the waits asked for) and peak memory (kernel + JVM + Python
# workers) of every notebook from a fresh kernel, then the word-count throughput; the results
# and figures land in bench/results/, which chapters/appendix/performance.md shows; the instructor
# guide's run times and agendas are then rewritten from them (tools/workshop/agendas.py).
# NB=path/to/one.ipynb measures only that notebook (and skips the throughput).
bench: setup
	$(NBENV) $(BIN)/python -m tools.bench.notebooks $(or $(NB),$(NOTEBOOKS))
	$(if $(NB),,$(BIN)/python -m tools.bench.throughput)
	$(BIN)/python -m tools.generate agendas

# The website's widgets: total size of the frames drawn in advance, and the time from a slider's
# key press to the new picture in headless Chromium on loopback (figures only, no assertion).
.PHONY: bench-widgets
bench-widgets: setup
	@test -d _build/html/_widgets || $(MAKE) book
	@bash tools/ensure_chromium.sh
	$(BIN)/python -m tools.site.widget_bench

# The wall time of every stage of make test (install into a new venv, lint, unit, nbval on every
# notebook, build, browser) and the slowest tests; writes bench/results/suite*.csv. It takes about
# as long as a fresh-clone CI run (chapters/appendix/performance.md).
bench-suite: setup
	$(BIN)/python -m tools.bench.suite

# The largest input rate a DStream word count sustains at several batch intervals (~2-3 min).
bench-throughput: setup
	$(BIN)/python -m tools.bench.throughput

# The built website in headless Chromium, offline (tests/site/test_site.py); installs Debian's
# chromium first where it can (as root), else the tests skip and say why.
site-test: build-strict
	@bash tools/ensure_chromium.sh
	$(BIN)/python -m pytest -q tests/site

# The website's widget frames drawn in advance into the cache, at the lowest priority, in the
# background (about 4 minutes of drawing on a fresh clone); a build started meanwhile waits for
# them (tools/site/widget_frames.py: a lock on the cache). Not part of `make test`: on two cores
# it only moved the drawing into the tests' time (docs/decisions/widget-frames-in-advance.md).
frames-warm: setup
	@mkdir -p _build
	@nice -n 19 $(BIN)/python -m tools.site.widget_frames --warm >_build/widget-frames-warm.log 2>&1 &

test: java lint unit notebooks build-strict site-test
	@echo "make test: all checks passed"

# make test, with nbval on every notebook, each run twice (the second run for all, rewriting
# tools/second-run-passed.json for those that pass), even where nothing changed.
test-all:
	$(MAKE) test ALL=1

# Re-run every notebook (or NB=path/to/one.ipynb) and store its outputs, as nbval expects them.
execute: setup
	$(NBENV) $(BIN)/python -m tools.execute_notebooks $(or $(NB),$(NOTEBOOKS))

# Every file the book generates from its sources (tools/generate/, one contract: each generator
# renders its files, and only the files that differ are written): the lessons, the cells tagged
# `export` of the labs and chapters, in streamlab/lessons/ (tests and spark-submit import them);
# the learner copies of the labs, learner/*.ipynb (the key functions left to write, a check after
# each); the instructors' answer key, chapters/answer-key.md (every exercise and its solution);
# the instructor guide's timings and agendas (tools/workshop/agendas.py, from
# tools/workshop/agendas.yml and bench/results/notebooks.csv); the learner handout,
# chapters/handout.md (tools/workshop/handout.py).
# Run it after editing a notebook, after make bench, or after editing the workshop's sources
# (it labels the solutions first: make normalise);
# tests/tools/test_generated.py fails while a file is stale (`python -m tools.generate --check` says
# which). GEN=answer-key (or lessons, learner, agendas, handout) writes only those. The slides are
# built into the website by the book's build (tools/site/sphinx_ext/slide_decks.py).
generated: normalise
	$(BIN)/python -m tools.generate $(GEN)

# The same, one kind each (the names the generated files mention). make answer-key also labels
# the solutions' buttons first (make normalise).
lessons: setup
	$(BIN)/python -m tools.generate lessons
learner: setup
	$(BIN)/python -m tools.generate learner
answer-key: normalise
	$(BIN)/python -m tools.generate answer-key
.PHONY: workshop
workshop: setup
	$(BIN)/python -m tools.generate agendas handout

# What a notebook must say that a tool can write (tools/normalise.py): every solution's button
# says "Solution to Exercise N". make lint fails while one does not.
normalise: setup
	$(BIN)/python -m tools.normalise

serve: book
	@echo "Serving the book on http://127.0.0.1:$(PORT) (Ctrl-C stops it)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

# JupyterLab on 127.0.0.1, as root too (a container): tools/lab.py adds --allow-root only then.
lab: setup
	$(NBENV) $(BIN)/python -m tools.lab

clean:
	rm -rf _build .pytest_cache .ruff_cache
