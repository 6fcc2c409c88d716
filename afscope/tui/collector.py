"""Python's cyclic garbage collector, paused while the explorer starts.

Starting the explorer imports Polars, Pydantic, Textual and afscope and builds the first
screen: a few hundred thousand objects that live as long as the program (modules,
classes, styles) and next to no garbage (about 700 objects in cycles, opening the
sample). The collector walked them again and again as they were made, about 60 ms of the
start (a tenth of the first paint) for nothing. ``pause`` stops it before those imports
(the ``open`` command); ``resume``, once the app has drawn its first frame, moves every
object made so far to the collector's permanent generation (``gc.freeze``: later full
collections, e.g. while keys are pressed, no longer walk them) and starts it again.

``hold`` and ``release`` stop and start it around one frame: the explorer holds it from
showing a new trace (``]``, ``[``) until that frame is written. Textual's strips refer to
themselves (a strip divided at its own width caches itself), so every frame leaves
garbage in cycles that only the collector frees: a full collection (10-13 ms on the
sample) fell inside a key every dozen keys or so, and young ones (about 1 ms a frame)
inside most. Held, they run right after the frame instead, as the detail panel and plot
are drawn; nothing is kept longer than that.
No Textual here: the CLI imports this module first.
"""

from __future__ import annotations

import gc


class _Stop:
    """The collector stopped by afscope, so started again by it: never one that was
    off already (the other stop's, or the caller's choice)."""

    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        if gc.isenabled():
            gc.disable()
            self.stopped = True

    def start(self) -> None:
        if self.stopped:
            self.stopped = False
            gc.enable()


_START = _Stop()
"""``pause`` / ``resume``."""
_FRAME = _Stop()
"""``hold`` / ``release``."""


def pause() -> None:
    """Stop the collector until ``resume`` (nothing when it was already off: the caller's)."""
    _START.stop()


def resume() -> None:
    """Freeze what exists and start the collector again, if ``pause`` stopped it."""
    if _START.stopped:
        gc.freeze()
    _START.start()


def hold() -> None:
    """Stop the collector until ``release`` (nothing when it is off already: paused for
    the start, or the caller's choice)."""
    _FRAME.stop()


def release() -> None:
    """Start the collector again, if ``hold`` stopped it."""
    _FRAME.start()
