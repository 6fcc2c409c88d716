"""``afscope.palette``: one set of colours whose outcome colours never look like a direction."""

from __future__ import annotations

import pytest

from afscope.figures.style import DIRECTION_COLORS, OUTCOME_COLORS
from afscope.palette import COLOUR_BLIND, DEFAULT, PRESETS, Palette, css_root, outcome_colour


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _distance(a: str, b: str) -> float:
    return sum((x - y) ** 2 for x, y in zip(_rgb(a), _rgb(b), strict=True)) ** 0.5


@pytest.mark.parametrize("palette", PRESETS.values(), ids=list(PRESETS))
def test_no_outcome_colour_is_a_direction_colour(palette: Palette) -> None:
    directions = (palette.promotes, palette.suppresses)
    assert len(set(palette.outcomes)) == len(palette.outcomes) >= 4
    for outcome in palette.outcomes:
        for direction in directions:
            assert outcome.lower() != direction.lower()
            # not just unequal: far enough apart not to be read as one another
            assert _distance(outcome, direction) > 60, (palette.name, outcome, direction)


def test_presets() -> None:
    assert (DEFAULT.promotes, DEFAULT.suppresses) == ("#f08c00", "#9d6ff7")
    assert (COLOUR_BLIND.promotes, COLOUR_BLIND.suppresses) == ("#E69F00", "#0072B2")
    assert set(PRESETS) == {"default", "colorblind"}


def test_outcome_colour_follows_the_outcome_order() -> None:
    outcomes = ["compliance", "alignment_faking", "a", "b", "c"]
    colours = [outcome_colour(o, outcomes) for o in outcomes]
    assert colours[:4] == list(DEFAULT.outcomes)
    assert colours[4] == DEFAULT.outcomes[0]  # wraps around
    assert outcome_colour("compliance", outcomes, COLOUR_BLIND) == COLOUR_BLIND.outcomes[0]
    assert outcome_colour("unknown", outcomes) == DEFAULT.outcomes[0]


def test_css_root_writes_every_direction_tint() -> None:
    css = css_root(COLOUR_BLIND)
    assert f"--suppresses: {COLOUR_BLIND.suppresses};" in css
    assert "--promotes-3: rgba(230, 159, 0, 0.5);" in css
    assert css.count("--outcome-") == len(COLOUR_BLIND.outcomes)


def test_figures_use_the_palette() -> None:
    assert DIRECTION_COLORS["promotes"] == DEFAULT.promotes
    assert DIRECTION_COLORS["suppresses"] == DEFAULT.suppresses
    assert DEFAULT.outcomes == OUTCOME_COLORS
