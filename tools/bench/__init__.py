"""Benchmarks: every notebook's time and memory (notebooks), the waits a notebook asks for,
logged in its kernel (waitlog), word-count throughput (throughput), the stages of make test
(suite) and the pytest plugin that times each test (durations_plugin).

Importing this package imports nothing: a notebook's kernel imports tools.bench.waitlog alone."""
