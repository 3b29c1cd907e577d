"""The code the labs teach, exported from their notebooks.

Written by tools/generate/lessons.py (`make lessons`) from the labs'
cells tagged `export`, and chapters 10, 11 and 13's.
"""
