"""The shell every published page shares: a strict Content-Security-Policy, the site's
own stylesheet and script by relative link, a header and a footer.

The policy forbids every load that is not a file of the site itself (``'self'``): no
remote scripts, styles, fonts, images, frames or connections, no inline script and no
form submission. It travels in a ``<meta>`` element, so it holds when the page is opened
straight from disk (``file://``), where no server could send a header.
"""

from __future__ import annotations

from afscope import __version__
from afscope.publish.escape import esc

CSS_FILE = "afscope.css"
JS_FILE = "afscope.js"
INDEX_FILE = "index.html"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'none'; font-src 'none'; object-src 'none'; frame-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)


def page(*, title: str, site_title: str, body: str, kind: str, crumbs: str = "") -> str:
    """A whole HTML document; ``title``/``site_title`` are untrusted (escaped here),
    ``body`` and ``crumbs`` are HTML built with ``esc``."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        f'<link rel="stylesheet" href="{CSS_FILE}">'
        f'<script src="{JS_FILE}" defer></script>'
        f'</head><body class="{kind}">'
        f'<header class="top"><a class="home" href="{INDEX_FILE}">afscope</a>'
        f'<span class="site">{esc(site_title)}</span>{crumbs}</header>'
        f"<main>{body}</main>"
        f"<footer>Published by afscope {esc(__version__)}. A static page: it works from "
        "disk and loads nothing from the network.</footer>"
        "</body></html>\n"
    )
