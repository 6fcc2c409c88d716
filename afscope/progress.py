"""Progress of a long command's steps: reported by the headless core, drawn by the CLI.

Core functions (import, compute) take a ``Progress``, call ``step`` as each step begins
and ``advance`` as it goes. This base class draws nothing, so library callers and tests
pass nothing; ``afscope.cli.progress`` draws a bar on a terminal.
"""

from __future__ import annotations


class Progress:
    """Receives progress; draws nothing (the default for library use)."""

    def step(self, label: str, total: int | None = None) -> None:
        """A new step begins: ``label`` says what it does, ``total`` how many units
        (None when unknown: a walk of a tree of unknown size, one long write)."""

    def advance(self, amount: int = 1) -> None:
        """``amount`` more units of the current step are done."""

    def describe(self, label: str) -> None:
        """The current step's label changes (e.g. a count that has no total)."""


SILENT = Progress()
