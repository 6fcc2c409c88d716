"""The export dialog: file name, one sentence of context or not, confirm before overwrite."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from afscope.export.files import is_afscope_export


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    context: int


class ExportDialog(ModalScreen[ExportRequest | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

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
            yield Checkbox("include one sentence of context on each side", id="export-context")
            yield Static("", id="export-warning", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def _submit(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        warning = self.query_one("#export-warning", Static)
        if not raw:
            warning.update("enter a file name")
            return
        path = Path(raw).expanduser()
        if self.app.is_web:  # a download: nothing is written on the server
            context = 1 if self.query_one("#export-context", Checkbox).value else 0
            self.dismiss(ExportRequest(Path(path.name or "export.md"), context))
            return
        if path.is_dir():
            warning.update(f"{path} is a folder: enter a file name")
            return
        if path.exists() and path.is_file() and not is_afscope_export(path):
            warning.update(f"{path} is not an earlier afscope export: choose another name")
            return
        if path.exists() and self._confirmed_overwrite != path:
            self._confirmed_overwrite = path
            warning.update(f"{path} exists: press Export (or enter) again to overwrite it")
            return
        context = 1 if self.query_one("#export-context", Checkbox).value else 0
        self.dismiss(ExportRequest(path, context))

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        self._confirmed_overwrite = None
        self.query_one("#export-warning", Static).update("")

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
