"""What the explorer says when something nobody planned for goes wrong.

Bundle problems arrive as ``BundleError`` and are shown as such. Anything else raised in
a worker or while drawing (a Polars error on a file swapped while open, a plotting bug on
odd numbers) must still end on the error screen or a notification: a worker that dies
silently leaves "opening…" forever, and an exception on the UI thread is a traceback.
"""

from __future__ import annotations

import polars as pl

from afscope.problems import Problem
from afscope.text import one_line

UNEXPECTED: tuple[type[BaseException], ...] = (Exception, pl.exceptions.PanicException)
"""Caught last in workers and drawing code. A Rust panic in Polars is a ``BaseException``
and is included; ``KeyboardInterrupt`` and ``SystemExit`` are not."""


def describe(exc: BaseException, limit: int = 300) -> str:
    """The exception as one clean line: its type and the first line of its message
    (messages quote file contents and names, so they are cleaned like model text)."""
    lines = str(exc).strip().splitlines()
    name = type(exc).__name__
    return one_line(f"{name}: {lines[0]}" if lines else name, limit)


def unexpected_problem(file: object, exc: BaseException) -> Problem:
    """A ``Problem`` for the error screen from an exception that is not a ``BundleError``."""
    return Problem(str(file), describe(exc))
