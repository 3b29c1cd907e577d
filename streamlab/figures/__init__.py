"""Figures of the book, one module per topic: one idea per figure, labelled axes, white background.

Every function returns a closed matplotlib Figure, so a notebook shows it once, as a cell's value.
Import from the topic module, e.g. `from streamlab.figures.windows import window_timeline`.
"""
