"""The one direction type: how a value reads, as a glyph and a word, everywhere.

The explorer's trace and detail panel, its help screen and every export classify a value
through ``Direction.of`` and draw it with ``glyph``/``word``, so the meaning of ▲ or
"negligible" cannot drift between them. Glyphs carry the direction without colour
(NO_COLOR, 256-colour terminals over SSH): filled for a high-importance value (the top k
or above the threshold), hollow otherwise.
"""

from __future__ import annotations

from enum import StrEnum

NEGLIGIBLE = 0.02
"""Below this |importance| a value is negligible: drawn in neither direction's colour."""


class Direction(StrEnum):
    PROMOTES = "promotes"
    SUPPRESSES = "suppresses"
    UNSIGNED = "unsigned"
    """A magnitude-only metric (the KL variants)."""
    NEGLIGIBLE = "negligible"
    UNKNOWN = "unknown"
    """No value for this sentence."""

    @classmethod
    def of(cls, direction: float | None, importance: float | None) -> Direction:
        if importance is None:
            return cls.UNKNOWN
        if importance < NEGLIGIBLE:
            return cls.NEGLIGIBLE
        if direction is None:
            return cls.UNSIGNED
        return cls.PROMOTES if direction > 0 else cls.SUPPRESSES

    @property
    def word(self) -> str:
        """The class in words, as exports and the detail panel print it."""
        return "no value" if self is Direction.UNKNOWN else self.value

    def glyph(self, strong: bool = True) -> str:
        """Filled (``strong``: high importance, top k or above the threshold) or hollow."""
        filled, hollow = _GLYPHS[self]
        return filled if strong else hollow


_GLYPHS: dict[Direction, tuple[str, str]] = {
    Direction.PROMOTES: ("▲", "△"),
    Direction.SUPPRESSES: ("▼", "▽"),
    Direction.UNSIGNED: ("◆", "◇"),
    Direction.NEGLIGIBLE: ("·", "·"),
    Direction.UNKNOWN: (" ", " "),
}


def direction_word(direction: float | None, importance: float | None) -> str:
    """``Direction.of(...).word``: the class of a value in words."""
    return Direction.of(direction, importance).word
