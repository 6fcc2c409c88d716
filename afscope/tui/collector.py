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

_paused = False
_held = False


def pause() -> None:
    """Stop the collector until ``resume`` (nothing when it was already off: the caller's)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what exists and start the collector again, if ``pause`` stopped it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def hold() -> None:
    """Stop the collector until ``release`` (nothing when it is off already: paused for
    the start, or the caller's choice)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Start the collector again, if ``hold`` stopped it."""
    global _held
    if _held:
        _held = False
        gc.enable()
