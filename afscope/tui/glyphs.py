"""Glyphs that carry meaning without colour (NO_COLOR, 256-colour terminals over SSH)."""

from __future__ import annotations

from afscope.explore.direction import classify

GLYPHS = {
    ("promotes", True): "▲",
    ("promotes", False): "△",
    ("suppresses", True): "▼",
    ("suppresses", False): "▽",
    ("unsigned", True): "◆",
    ("unsigned", False): "◇",
    ("negligible", True): "·",
    ("negligible", False): "·",
    ("unknown", True): " ",
    ("unknown", False): " ",
}
CURSOR = "▶"
SELECTED = "●"
LOW_EVIDENCE = "?"


def glyph(kind: str, highlighted: bool) -> str:
    return GLYPHS[(kind, highlighted)]


def direction_glyph(direction: float | None, importance: float | None) -> str:
    """Glyph for a value in the detail panel (filled: the value is not negligible)."""
    return glyph(classify(direction, importance), True)
