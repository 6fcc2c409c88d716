"""Marks of the explorer's own (cursor, selection, low evidence); direction glyphs are
``afscope.explore.direction.Direction.glyph``, shared with the help screen and exports."""

from __future__ import annotations

CURSOR = "▶"
SELECTED = "●"
LOW_EVIDENCE = "?"
