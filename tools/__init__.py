"""The book's tools, one package: run as `python -m tools.<name>`, imported as `tools.<name>`.

They wrap `streamlab` from outside; the library never imports them. Run them from the repository
root, as the Makefile does.

    paths.py        the repository's paths (REPO, CHAPTERS, LABS, LEARNER, BUILD, RESULTS ...)
    notebooks.py    one notebook reader: tags, read, the finder, the reading order, per-notebook
                    flags (metadata "streamlab": {"export": ..., "nbval": "alone"})
    glossary.py     the glossary's entries (chapters/appendix/glossary.md)
    normalise.py    what a notebook must say that a tool can write (the solutions' labels)
    generate/       every generated file, one contract (lessons, learner copies, answer key; the
                    workshop's agendas and handout): `python -m tools.generate [--check]`
    workshop/       the workshop kit: agendas, handout, slides (and their .yml sources)
    site/           building the website: editions, translations, widget frames, reveal.js,
                    the Sphinx extensions (sphinx_ext/)
    bench/          benchmarks: notebooks, throughput, the suite's stages, the kernel's wait log
    check_notebooks.py, nbval_*.py, execute_notebooks.py, nbval-sanitize.cfg, ipython/
                    running the notebooks (nbval and its plugins, execution)
    lock.py, lab.py, ensure_chromium.sh   the lock file, JupyterLab, Chromium for the browser tests
"""
