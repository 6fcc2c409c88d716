"""Python's cyclic garbage collector, paused while the explorer starts.

Starting the explorer imports Polars, Pydantic, Textual and afscope and builds the first
screen: a few hundred thousand objects that live as long as the program (modules,
classes, styles) and next to no garbage (about 700 objects in cycles, opening the
sample). The collector walked them again and again as they were made, about 60 ms of the
start (a tenth of the first paint) for nothing. ``pause`` stops it before those imports
(the ``open`` command); ``resume``, once the app has drawn its first frame, moves every
object made so far to the collector's permanent generation (``gc.freeze``: later full
collections, e.g. while keys are pressed, no longer walk them) and starts it again.
No Textual here: the CLI imports this module first.
"""

from __future__ import annotations

import gc

_paused = False


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
