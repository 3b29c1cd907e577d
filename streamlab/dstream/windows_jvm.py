"""Under the hood of chapter 4: the JVM's own check of a window, reached past PySpark's.

A PySpark program never does this: PySpark refuses a bad window in Python first
(`DStream._validate_window_param`). The chapter shows what a Scala or Java program meets instead,
so this module calls the JVM `DStream.window` directly, through PySpark's private handles
(`DStream._jdstream`, `StreamingContext._jduration`). Kept here, out of the reading path.
"""

from __future__ import annotations

from pyspark.streaming import DStream


def jvm_window_refusal(dstream: DStream, window_s: float, slide_s: float) -> str | None:
    """The first line of the JVM's refusal of `window(window_s, slide_s)`, or None if it accepts.

    The line is the exception's message (`requirement failed: ...` from `WindowedDStream`),
    without the Java stack trace under it.
    """
    ssc = dstream._ssc
    try:
        dstream._jdstream.window(ssc._jduration(window_s), ssc._jduration(slide_s))
    except Exception as error:  # Py4JJavaError, carrying the Java stack trace
        lines = str(error).splitlines()
        return (lines[1] if len(lines) > 1 else lines[0]).removeprefix(": ")
    return None
