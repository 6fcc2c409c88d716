"""Colours and words shared by every figure (no matplotlib here: tests read them too).

Direction colours match the explorer (orange promotes, purple suppresses; the trace's
``#f08c00`` / ``#9d6ff7``, a shade darker for white paper). Outcome colours come from the
Okabe-Ito colour-blind-safe palette, skipping its orange and purples so an outcome's line
is never mistaken for a direction; lines also differ by dash pattern.
"""

from __future__ import annotations

from afscope.analysis.conditions import TIER_NOTES
from afscope.explore.direction import Direction

DIRECTION_COLORS: dict[str, str] = {
    Direction.PROMOTES.value: "#E8850C",
    Direction.SUPPRESSES.value: "#7B52D3",
    Direction.UNSIGNED.value: "#4D4D4D",
    Direction.NEGLIGIBLE.value: "#D9D9D9",
    Direction.UNKNOWN.value: "#FFFFFF",
}
OUTCOME_COLORS = ("#0072B2", "#009E73", "#000000", "#56B4E9", "#B8A700")
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
