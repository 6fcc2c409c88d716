"""Glyphs that carry meaning without colour (NO_COLOR, 256-colour terminals over SSH)."""

from __future__ import annotations

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

WORDS = {
    "promotes": "promotes",
    "suppresses": "suppresses",
    "negligible": "negligible",
    "unsigned": "unsigned",
    "unknown": "no value",
}


def glyph(kind: str, highlighted: bool) -> str:
    return GLYPHS[(kind, highlighted)]


def direction_glyph(direction: float | None, importance: float | None) -> str:
    """Glyph for a signed value in the detail panel."""
    if importance is None:
        return " "
    if direction is None:
        return "◆"
    if importance < 0.02:
        return "·"
    return "▲" if direction > 0 else "▼"


def direction_word(direction: float | None, importance: float | None) -> str:
    if importance is None:
        return "no value"
    if direction is None:
        return "unsigned"
    if importance < 0.02:
        return "negligible"
    return "promotes" if direction > 0 else "suppresses"
