"""A progress bar on stderr for long commands, only when stderr is a terminal.

Drawn with Rich's ``Progress`` once the command has run for ``DELAY`` seconds (a command
that ends sooner prints nothing) and removed when it ends, so only the command's own
output stays. Piped or redirected stderr gets nothing.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichProgress

from afscope import stopping
from afscope.progress import Progress

DELAY = 1.0
"""Seconds before the bar appears."""


class TerminalProgress(Progress):
    """``afscope.progress.Progress`` drawn as one Rich bar per step on ``stream``."""

    def __init__(self, stream: TextIO | None = None, delay: float = DELAY) -> None:
        stream = stream if stream is not None else sys.stderr
        self.enabled = stream.isatty()
        console = Console(file=stream, force_terminal=self.enabled or None)
        self.bar = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task: TaskID | None = None
        self.lock = threading.Lock()
        self.closed = False
        self.shown = False
        self.timer = threading.Timer(delay, self._show)
        self.timer.daemon = True
        if self.enabled:
            self.timer.start()

    def _show(self) -> None:
        with self.lock:
            if not self.closed:
                self.bar.start()
                self.shown = True

    def step(self, label: str, total: int | None = None) -> None:
        stopping.check()  # a stop whose first raise was dropped: stop between steps
        if not self.enabled:
            return
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(label, total=total)

    def advance(self, amount: int = 1) -> None:
        stopping.check()
        if self.task is not None:
            self.bar.advance(self.task, amount)

    def describe(self, label: str) -> None:
        if self.task is not None:
            self.bar.update(self.task, description=label)

    def close(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.closed = True
            if self.shown:  # a bar never shown is not stopped: Rich would print a newline
                self.bar.stop()


@contextmanager
def terminal_progress(stream: TextIO | None = None) -> Iterator[TerminalProgress]:
    """A ``TerminalProgress`` removed from the screen when the block ends, however."""
    progress = TerminalProgress(stream)
    try:
        yield progress
    finally:
        progress.close()
