"""The code the labs teach, exported from their notebooks.

Written by tools/export_lab_code.py (`make lessons`).
"""
