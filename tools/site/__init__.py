"""Building the website: both editions (editions), the Chinese catalogues (translations), the
widgets' frames drawn in advance (widget_frames, timed by widget_bench), the vendored reveal.js
(vendor_reveal) and the Sphinx extensions (sphinx_ext/, loaded by _config.yml)."""
