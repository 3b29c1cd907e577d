"""The book's tools, one package: run as `python -m tools.<name>`, imported as `tools.<name>`.

They wrap `streamlab` from outside (execution, benchmarks, answer key, lessons, checks); the
library never imports them. Run them from the repository root, as the Makefile does.
"""
