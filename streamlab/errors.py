"""The book's own errors: a plain message that says what to change, never a Java stack trace.

Widgets (`streamlab.widgets`) show these messages instead of a figure; any other exception is a
bug and surfaces. Both stay a `ValueError` or a `RuntimeError`, so `except ValueError` still
catches a refused setting.
"""


class SetupError(ValueError):
    """A setting Spark (or the book's model of it) would refuse; the message says what works."""


class RunError(RuntimeError):
    """A valid setting whose run could not finish; the message says what to do."""
