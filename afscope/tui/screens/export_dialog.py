"""The export dialog: file name, style, context and alternatives, confirm before overwrite."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from afscope.export.files import is_afscope_export
from afscope.tui.exporting import ALTERNATIVES, ExportRequest

__all__ = ["ExportDialog", "ExportRequest", "MarkedCheckbox"]


class MarkedCheckbox(Checkbox, inherit_bindings=False):
    """A checkbox whose state reads without colour (``NO_COLOR``, a monochrome terminal):
    ``[x]`` when on, ``[ ]`` when off; Textual's own shows the same glyph both ways.
    Space toggles it; enter is left to the dialog (export), as in the file name field."""

    BINDINGS = [Binding("space", "toggle_button", "Toggle", show=False)]

    @property
    def _button(self) -> Content:
        return Content.assemble("[", ("x" if self.value else " ", "bold"), "]")


class ExportDialog(ModalScreen[ExportRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "submit", "Export", show=False),
    ]

    def __init__(self, default_name: str, summary: str) -> None:
        super().__init__()
        self._default = default_name
        self._summary = summary
        self._confirmed_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(self._summary, id="export-summary", markup=False)
            yield Label(
                "Markdown file name (your browser downloads it):"
                if self.app.is_web
                else "Markdown file (relative to the working directory):"
            )
            yield Input(self._default, id="export-path")
            yield MarkedCheckbox(
                "compact: one table row per sentence (for a paper)",
                id="export-compact",
            )
            yield MarkedCheckbox(
                "include one sentence of context on each side", id="export-context"
            )
            yield MarkedCheckbox(
                f"add the {ALTERNATIVES} most frequent resampled alternatives",
                id="export-alternatives",
            )
            yield Static("", id="export-warning", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def _checked(self, widget_id: str) -> bool:
        return self.query_one(f"#{widget_id}", Checkbox).value

    def action_submit(self) -> None:
        self._submit()

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def _submit(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        warning = self.query_one("#export-warning", Static)
        if not raw:
            warning.update("enter a file name")
            return
        path = Path(raw).expanduser()
        if self.app.is_web:  # a download: nothing is written on the server, no overwrite
            path = Path(path.name or "export.md")
        elif path.is_dir():
            warning.update(f"{path} is a folder: enter a file name")
            return
        elif path.exists() and path.is_file() and not is_afscope_export(path):
            warning.update(f"{path} is not an earlier afscope export: choose another name")
            return
        elif path.exists() and self._confirmed_overwrite != path:
            self._confirmed_overwrite = path
            warning.update(f"{path} exists: press Export (or enter) again to overwrite it")
            return
        self.dismiss(
            ExportRequest(
                path,
                context=1 if self._checked("export-context") else 0,
                style="compact" if self._checked("export-compact") else "detailed",
                alternatives=ALTERNATIVES if self._checked("export-alternatives") else 0,
            )
        )

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        self._confirmed_overwrite = None
        self.query_one("#export-warning", Static).update("")

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
