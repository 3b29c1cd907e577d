"""Display tables, one module per topic: captured output turned into the small text tables a
reader compares by eye (the Spark code and its checks stay in the notebooks)."""
