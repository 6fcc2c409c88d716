"""Shown instead of a traceback when the input cannot be opened."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from afscope.problems import Problem
from afscope.text import one_line


class ErrorScreen(Screen[None]):
    BINDINGS = [Binding("q,escape", "app.quit_bad_input", "Quit")]

    def __init__(self, title: str, problems: list[Problem]) -> None:
        super().__init__()
        self._title = title
        self._problems = problems

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(one_line(self._title) + "\n\n", style="bold")
        for problem in self._problems:
            text.append("• " + one_line(str(problem)) + "\n")
        text.append("\nafscope validate PATH lists every problem. Press q to quit.", style="dim")
        with VerticalScroll(id="error-box"):
            yield Static(text, id="error-text")
        yield Footer()
