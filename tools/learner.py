"""Moved to tools/generate/learner.py. This name stays until tests/test_learner.py imports the
new one: `tools.learner` *is* that module (the same object, so monkeypatching either works)."""

import sys

from tools.generate import learner

sys.modules[__name__] = learner
