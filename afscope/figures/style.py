"""Colours and words shared by every figure (no matplotlib here: tests read them too).

Colours come from ``afscope.palette`` (the explorer's and the site's): orange promotes,
purple suppresses, and outcome colours that are never a direction's, so an outcome's line
is never mistaken for a direction; lines also differ by dash pattern, bars by hatch.
"""

from __future__ import annotations

from afscope.analysis.conditions import TIER_NOTES
from afscope.explore.direction import Direction
from afscope.palette import DEFAULT, Palette


class Colours:
    """A palette's colours as a figure draws them: direction fills, darker direction
    shades for text on white paper, outcome lines."""

    def __init__(self, palette: Palette = DEFAULT) -> None:
        self.palette = palette
        self.direction: dict[str, str] = {
            **{d.value: palette.direction(d.value) for d in Direction},
            Direction.UNKNOWN.value: "#FFFFFF",  # no value: the paper shows through
        }
        self.direction_text: dict[str, str] = {
            **self.direction,
            Direction.PROMOTES.value: palette.promotes_text,
            Direction.SUPPRESSES.value: palette.suppresses_text,
            Direction.UNKNOWN.value: palette.unsigned,
        }

    def outcome(self, index: int) -> str:
        return self.palette.outcomes[index % len(self.palette.outcomes)]


PALETTE = DEFAULT
DIRECTION_COLORS = Colours().direction
DIRECTION_TEXT_COLORS = Colours().direction_text
"""Direction colours for text on white paper (the darker shades, readable)."""
OUTCOME_COLORS = PALETTE.outcomes
OUTCOME_DASHES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)))
CONDITION_HATCHES = ("", "///", "..", "xx", "\\\\")


def outcome_color(index: int) -> str:
    return OUTCOME_COLORS[index % len(OUTCOME_COLORS)]


def outcome_dash(index: int) -> str | tuple[int, tuple[int, ...]]:
    return OUTCOME_DASHES[index % len(OUTCOME_DASHES)]


def condition_hatch(index: int) -> str:
    return CONDITION_HATCHES[index % len(CONDITION_HATCHES)]


def condition_label(condition: str) -> str:
    """``free (monitored)``: the post's reading of the tiers."""
    note = TIER_NOTES.get(condition)
    return f"{condition} tier ({note})" if note else f"condition: {condition}"


def outcome_label(outcome: str) -> str:
    """``alignment_faking`` reads as ``alignment faking`` on a figure."""
    return outcome.replace("_", " ")
