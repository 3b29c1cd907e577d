"""Give memory a process freed back to the system."""

from __future__ import annotations

import ctypes
import gc
import sys


def return_freed_memory() -> bool:
    """Give the memory this process freed back to the system; False where it cannot.

    Python frees its objects into the C library's heap, which keeps the pages for later; a
    kernel that ran a whole notebook holds tens of MiB that way. `stop_spark(jvm=True)` calls
    this after Spark's objects are gone (docs/decisions/return-freed-memory.md). glibc only
    (malloc_trim); elsewhere nothing is done."""
    gc.collect()
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, for one, has no malloc_trim)
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
    return True
