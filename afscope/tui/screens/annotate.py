"""A one-line dialog for a sentence's category or note (the researcher's, kept outside
the bundle by ``afscope.analysis.notes``)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class AnnotateDialog(ModalScreen[str | None]):
    """Dismisses with the typed text (possibly empty) or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="annotate-box"):
            yield Static(self._title, id="annotate-title", markup=False)
            yield Input(self._value, id="annotate-input")
            yield Static(self._hint, id="annotate-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
