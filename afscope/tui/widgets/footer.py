"""Textual's footer, keeping the essential keys when the terminal is narrow.

The footer lists a screen's shown bindings in order and cuts what does not fit, which at
80 columns cut export, help and quit. Here a screen names, per action, the width below
which its key is left out (the key stays in ``?``), so the keys a first session needs
stay on screen at any width.

Textual's footer builds its keys again (a widget and its styles per key) whenever the
screen's bindings may have changed: on every screen switch and focus change, several times
per ``t`` and escape. This one rebuilds them only when the keys it would draw differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.dom import NoScreen
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
        self._drawn: tuple[Any, ...] | None = None
        """What the keys were last built from (``_keys``)."""

    def compose(self) -> ComposeResult:
        width = self._width()
        for widget in super().compose():
            self._fit(widget, width)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:  # its screen was dismissed before this ran
            return
        try:
            keys = self._keys()
        except NoScreen:  # detached while this waited for the refresh
            return
        if keys == self._drawn and self.children:
            return
        self._drawn = keys
        await self.recompose()

    def _keys(self) -> tuple[Any, ...]:
        """Everything of the screen's bindings that ``Footer.compose`` draws."""
        palette = self.app.COMMAND_PALETTE_BINDING
        shown = tuple(
            (
                key,
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                binding.show,
                enabled,
                tooltip,
            )
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )
        return (shown, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE)

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
