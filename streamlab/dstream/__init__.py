"""Plumbing of the DStream lessons (pyspark.streaming): the StreamingContext (`context`), replayed
input (`replay`), per-batch capture and `run` on the manual or real clock (`batches`)."""
