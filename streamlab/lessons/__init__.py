"""The code the labs teach, exported from their notebooks (see tools/export_lab_code.py)."""
