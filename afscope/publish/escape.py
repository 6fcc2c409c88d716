"""Untrusted text into HTML and embedded JSON: the only two ways text enters a page.

Every string from the input (sentences, ids, queries, tags, outcome and metric names, the
bundle's title) is cleaned of control and escape characters (``afscope.text``) and then
HTML-escaped, quotes included, so it is safe in element content and in attribute values.
JSON embedded in a ``<script type="application/json">`` block escapes ``<``, ``>`` and
``&`` (so ``</script>`` or ``<!--`` in a sentence cannot end or confuse the block) and the
line separators U+2028/U+2029.
"""

from __future__ import annotations

import html
import json
from typing import Any

from afscope.text import clean_text, one_line

_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def esc(value: object) -> str:
    """One line of untrusted text as HTML (element content or a quoted attribute)."""
    return html.escape(one_line("" if value is None else str(value)), quote=True)


def esc_block(value: object) -> str:
    """Untrusted text that keeps its line breaks (shown with ``white-space: pre-wrap``)."""
    return html.escape(clean_text("" if value is None else str(value)), quote=True)


def script_json(data: Any) -> str:
    """``data`` as JSON safe inside ``<script type="application/json">``: strings are
    cleaned by the caller; here markup-significant characters become ``\\uXXXX``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.translate(_JSON_ESCAPES)
