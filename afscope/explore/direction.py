"""The one definition of a value's direction class, shared by the TUI and exports."""

from __future__ import annotations

from afscope.explore.settings import NEGLIGIBLE

WORDS = {"unknown": "no value"}


def classify(direction: float | None, importance: float | None) -> str:
    """'promotes', 'suppresses', 'negligible', 'unsigned' (magnitude only) or 'unknown'."""
    if importance is None:
        return "unknown"
    if importance < NEGLIGIBLE:
        return "negligible"
    if direction is None:
        return "unsigned"
    return "promotes" if direction > 0 else "suppresses"


def direction_word(direction: float | None, importance: float | None) -> str:
    """The class in words, as exports and the detail panel print it."""
    kind = classify(direction, importance)
    return WORDS.get(kind, kind)
