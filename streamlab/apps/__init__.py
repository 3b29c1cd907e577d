"""The labs as applications that `spark-submit` runs, unchanged, on a laptop or on a cluster.

Each module has a `main(argv)`; its Spark code is the lab's own, imported from
`streamlab.lessons` (the notebook cells tagged `export`). See chapters/09-laptop-to-cluster.md.
"""
