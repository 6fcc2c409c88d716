"""Textual's footer, keeping the essential keys when the terminal is narrow.

The footer lists a screen's shown bindings in order and cuts what does not fit, which at
80 columns cut export, help and quit. Here the keys whose action a screen calls optional
get the ``-optional`` class, and ``app.tcss`` hides them on a ``-narrow`` screen, so the
keys a first session needs stay on screen.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.widgets import Footer


class KeyFooter(Footer):
    """A footer that hides the keys of ``optional`` actions below 100 columns."""

    def __init__(self, optional: Iterable[str] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.optional = frozenset(optional)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # a key of the footer carries its binding's action (FooterKey is not public)
            if getattr(widget, "action", None) in self.optional:
                widget.add_class("-optional")
            yield widget
