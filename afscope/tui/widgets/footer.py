"""Textual's footer, keeping the essential keys when the terminal is narrow.

The footer lists a screen's shown bindings in order and cuts what does not fit, which at
80 columns cut export, help and quit. Here a screen names, per action, the width below
which its key is left out (the key stays in ``?``), so the keys a first session needs
stay on screen at any width.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from textual.app import ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer


class KeyFooter(Footer):
    """A footer that leaves out the key of an action in ``hide_below`` when it is
    narrower than the width given for it."""

    def __init__(self, hide_below: Mapping[str, int] | None = None) -> None:
        super().__init__()
        self.hide_below = dict(hide_below or {})
        self._shown: Hashable | None = None
        """What the keys were last composed from (``_keys``)."""
        self._pending = False
        """A recompose is asked for and has not run yet."""

    def compose(self) -> ComposeResult:
        self._pending = False
        if self._bindings_ready:
            self._shown = self._keys()
        width = self._width()
        for widget in super().compose():
            self._fit(widget, width)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        """Recompose only when the keys shown change: focus moves and binding refreshes
        signal this several times while the explorer starts, each a full recompose."""
        unchanged = self._pending or self._keys() == self._shown
        if self._bindings_ready and screen is self.screen and unchanged:
            return
        self._pending = screen.app.app_focus and self.is_attached and screen is self.screen
        super().bindings_changed(screen)  # recomposes after the next refresh

    def _keys(self) -> Hashable:
        """Everything ``Footer.compose`` draws the keys from."""
        app = self.app
        return (
            tuple(
                (binding, app.get_key_display(binding), enabled, tooltip)
                for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
                if binding.show
            ),
            self.show_command_palette and app.ENABLE_COMMAND_PALETTE,
        )

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
