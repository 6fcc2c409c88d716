"""Reading the source ahead of the explorer, off the UI thread.

The app's opening worker reads the bundle's trace list and its first trace, so the
explorer shows that trace as soon as it is mounted, without a second worker. The ``open``
command starts the same read in a thread (``Opening``) before it imports Textual, so the
read overlaps the imports; the app's worker then takes its result. No Textual here: the
CLI imports this module first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

from afscope.explore.trace_data import TraceData, load_trace
from afscope.readers import OpenedSource, open_source
from afscope.tui.failures import UNEXPECTED


def read_ahead(path: Path) -> tuple[OpenedSource, TraceData | None]:
    """The opened source (its trace list read) and its first trace. Problems opening the
    source are raised; a first trace that cannot be read is None, left to the explorer,
    which reads it again and shows the problem."""
    opened = open_source(path)
    bundle = opened.bundle
    return opened, first_trace(partial(load_trace, bundle), bundle.trace_ids())


def first_trace(load: Callable[[str], TraceData], trace_ids: list[str]) -> TraceData | None:
    """``load(trace_ids[0])``, or None when there is none or it fails."""
    try:
        return load(trace_ids[0]) if trace_ids else None
    except UNEXPECTED:  # KeyError, BundleError and anything else: the explorer says it
        return None


class Opening:
    """``read_ahead(path)`` in a daemon thread (quitting never waits for it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._done = threading.Event()
        self._result: tuple[OpenedSource, TraceData | None] | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, name="afscope-opening", daemon=True).start()

    def _run(self) -> None:
        try:
            self._result = read_ahead(self.path)
        except BaseException as exc:  # raised again in the app's worker, which reports it
            self._error = exc
        finally:
            self._done.set()

    def result(self) -> tuple[OpenedSource, TraceData | None]:
        """Wait for the read; raise what it raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result
