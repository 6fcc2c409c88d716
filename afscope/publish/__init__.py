"""``afscope publish``: a self-contained static site of traces, charts and sentence detail.

Headless (no Textual): pages are HTML strings with inline SVG charts built in Python,
one small hand-written script for selection and keys, and a strict Content-Security-
Policy, so the site opens from disk with no network at all. See docs/share.md.
"""
