"""Messages a screen posts up to the app (screens never call the app's actions)."""

from __future__ import annotations

from textual.message import Message

from afscope.problems import Problem


class ShowProblems(Message):
    """Input that cannot be shown: the app replaces the view with its error screen."""

    def __init__(self, title: str, problems: list[Problem]) -> None:
        self.title = title
        self.problems = problems
        super().__init__()
