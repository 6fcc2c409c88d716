"""Marks of the explorer's own (cursor, selection, low evidence, a doubtful source);
direction glyphs are ``afscope.explore.direction.Direction.glyph``, shared with the help
screen and exports."""

from __future__ import annotations

CURSOR = "▶"
SELECTED = "●"
LOW_EVIDENCE = "?"
SOURCE_WARNING = "!"
