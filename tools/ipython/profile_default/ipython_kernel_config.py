# Used (through IPYTHONDIR) when the book's notebooks are executed, tested and opened with
# `make lab`: Spark's JVM writes to the kernel's stderr, and those lines would otherwise land in
# cell outputs, differ from run to run and fail nbval. The JVM's messages still reach the
# terminal that started Jupyter.
c = get_config()  # noqa: F821 (provided by IPython)
c.IPKernelApp.capture_fd_output = False
