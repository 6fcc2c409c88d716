"""One direction type: its classes, glyphs and words, and the places that show them."""

from __future__ import annotations

import pytest

from afscope.explore.direction import NEGLIGIBLE, Direction, direction_word


@pytest.mark.parametrize(
    ("direction", "importance", "kind"),
    [
        (None, None, Direction.UNKNOWN),
        (0.5, NEGLIGIBLE / 2, Direction.NEGLIGIBLE),
        (None, 0.3, Direction.UNSIGNED),
        (0.3, 0.3, Direction.PROMOTES),
        (-0.3, 0.3, Direction.SUPPRESSES),
        (0.0, NEGLIGIBLE, Direction.SUPPRESSES),
    ],
)
def test_classes(direction, importance, kind):
    assert Direction.of(direction, importance) is kind


def test_words_and_glyphs():
    assert direction_word(None, None) == "no value"
    assert direction_word(0.4, 0.4) == "promotes"
    assert Direction.PROMOTES.glyph() == "▲" and Direction.PROMOTES.glyph(False) == "△"
    assert Direction.SUPPRESSES.glyph() == "▼" and Direction.NEGLIGIBLE.glyph() == "·"


def test_help_and_markdown_use_the_same_type():
    from afscope.tui.screens.help import LEGEND

    legend = dict(LEGEND)
    assert legend[Direction.NEGLIGIBLE.glyph()] == f"negligible (|importance| < {NEGLIGIBLE:g})"
    assert f"{Direction.PROMOTES.glyph()} {Direction.PROMOTES.glyph(False)}" in legend
