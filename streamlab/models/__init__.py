"""A pure-Python model of Spark Streaming's semantics, fast enough to redraw a figure per slider
move. Tests run the same inputs through real PySpark and require identical results.

Import from the topic module, e.g. `from streamlab.models.windows import model_window_counts`.
"""
