"""Textual's footer, keeping the essential keys when the terminal is narrow.

The footer lists a screen's shown bindings in order and cuts what does not fit, which at
80 columns cut export, help and quit. Here a screen names, per action, the width below
which its key is left out (the key stays in ``?``), so the keys a first session needs
stay on screen at any width.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer


class KeyFooter(Footer):
    """A footer that leaves out the key of an action in ``hide_below`` when it is
    narrower than the width given for it."""

    def __init__(self, hide_below: Mapping[str, int] | None = None) -> None:
        super().__init__()
        self.hide_below = dict(hide_below or {})

    def compose(self) -> ComposeResult:
        width = self._width()
        for widget in super().compose():
            self._fit(widget, width)
            yield widget

    def on_resize(self, event: Resize) -> None:
        for widget in self.children:
            self._fit(widget, event.size.width)

    def _width(self) -> int:
        return self.size.width or self.app.size.width

    def _fit(self, widget: Widget, width: int) -> None:
        # a key of the footer carries its binding's action (FooterKey is not public)
        action = getattr(widget, "action", None)
        if action in self.hide_below:
            widget.display = width >= self.hide_below[action]
