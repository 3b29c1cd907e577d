"""Starting and stopping Spark on a small machine: Java, the Spark session and its settings,
scratch folders, memory, the class archive, the Python worker daemon, Colab, the setup check.

Nothing here knows a lesson: every other part of streamlab stands on it.
"""
