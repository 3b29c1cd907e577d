"""Small fixes to the pages Jupyter Book writes, found by the browser tests
(tests/site/test_site.py).

sphinx-thebe registers its inline configuration script twice, so every page declared the
constant `THEBE_JS_URL` twice and the browser logged "Identifier 'THEBE_JS_URL' has already been
declared". Each page now keeps one copy of every script.
"""

from __future__ import annotations


def _one_copy_of_each_script(app, pagename, templatename, context, doctree):
    seen = set()
    unique = []
    for script in context.get("script_files", []):
        # An inline script is registered once with filename None and once with "".
        filename = getattr(script, "filename", script) or ""
        key = (filename, tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    # After the theme and the other extensions have added theirs.
    app.connect("html-page-context", _one_copy_of_each_script, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
