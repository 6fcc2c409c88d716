"""A progress bar on stderr for long commands, only when stderr is a terminal.

Drawn with Rich's ``Progress`` once the command has run for ``DELAY`` seconds (a command
that ends sooner prints nothing) and removed when it ends, so only the command's own
output stays. Piped or redirected stderr gets nothing.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from afscope import stopping
from afscope.progress import Progress

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

DELAY = 1.0
"""Seconds before the bar appears."""


class TerminalProgress(Progress):
    """``afscope.progress.Progress`` drawn as one Rich bar per step on ``stream``.

    The bar (and Rich, 40-50 ms of imports) is made by the timer thread when it first
    shows, while the command works: a command that ends sooner, or whose stderr is not a
    terminal, never imports Rich. Until then the current step is kept here.
    """

    def __init__(self, stream: TextIO | None = None, delay: float = DELAY) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.bar: RichProgress | None = None
        self.task: TaskID | None = None
        self.label: str | None = None
        self.total: int | None = None
        self.completed = 0
        self.started = 0.0
        self.lock = threading.Lock()
        self.closed = False
        self.timer = threading.Timer(delay, self._show)
        self.timer.daemon = True
        if self.enabled:
            self.timer.start()

    @property
    def shown(self) -> bool:
        return self.bar is not None

    def _show(self) -> None:
        try:
            bar = _rich_bar(self.stream)
        except Exception:  # in the timer thread: no bar, and no thread traceback either
            return
        with self.lock:
            if self.closed:
                return
            self.bar = bar
            if self.label is not None:
                self.task = bar.add_task(self.label, total=self.total, completed=self.completed)
                bar.tasks[-1].start_time = self.started  # the step's time, not the bar's
            bar.start()

    def step(self, label: str, total: int | None = None) -> None:
        stopping.check()  # a stop whose first raise was dropped: stop between steps
        if not self.enabled:
            return
        with self.lock:
            self.label, self.total, self.completed = label, total, 0
            self.started = time.monotonic()  # Rich's clock
            if self.bar is not None:
                if self.task is not None:
                    self.bar.remove_task(self.task)
                self.task = self.bar.add_task(label, total=total)

    def advance(self, amount: int = 1) -> None:
        stopping.check()
        if not self.enabled:
            return
        with self.lock:
            self.completed += amount
            if self.bar is not None and self.task is not None:
                self.bar.advance(self.task, amount)

    def describe(self, label: str) -> None:
        if not self.enabled or self.label is None:  # no step to describe yet
            return
        with self.lock:
            self.label = label
            if self.bar is not None and self.task is not None:
                self.bar.update(self.task, description=label)

    def close(self) -> None:
        self.timer.cancel()
        if self.timer.is_alive():  # already making the bar: let it finish (then stop it)
            self.timer.join()
        with self.lock:
            self.closed = True
            if self.bar is not None:  # a bar never shown is not stopped: Rich would print
                self.bar.stop()  # a newline


def _rich_bar(stream: TextIO) -> RichProgress:
    """The bar: spinner, step, bar, count and time, removed from the screen when done."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import Progress as RichProgress

    return RichProgress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=stream, force_terminal=True),
        transient=True,
    )


@contextmanager
def terminal_progress(stream: TextIO | None = None) -> Iterator[TerminalProgress]:
    """A ``TerminalProgress`` removed from the screen when the block ends, however."""
    progress = TerminalProgress(stream)
    try:
        yield progress
    finally:
        progress.close()
