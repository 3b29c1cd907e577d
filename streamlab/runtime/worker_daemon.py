"""Spark's Python worker daemon, with the worker's own code loaded once, before it forks.

PySpark starts one daemon (`pyspark.daemon`) that forks a Python worker for each task. The
daemon imports the worker's code (`pyspark.worker`) only after each fork, so every worker holds
its own copy, about 19 MiB of private memory; a stateful DStream runs about five workers per
task, ten on two cores. Imported here, before the forks, and frozen out of the garbage
collector's reach (which would otherwise write to those pages and so copy them), the code is
shared (docs/decisions/worker-daemon.md).

PySpark imports the worker module after the fork because importing pandas or pyarrow starts
threads, and a process with threads must not fork; `pyspark.worker` starts none, which
`tests/test_spark_session.py` checks. Spark runs this module instead of `pyspark.daemon` when
`spark.python.daemon.module` names it, which `get_spark` sets for local masters only: the
executors of a real cluster may not have the book's package.
"""

import gc

import pyspark.worker  # noqa: F401  (loaded into the daemon, shared with every worker)
from pyspark import daemon

if __name__ == "__main__":
    gc.collect()
    gc.freeze()
    daemon.manager()
