"""The colours of every surface (explorer, published site, figures), in one place.

Why one module: a direction (promotes / suppresses) must look the same in the terminal,
on the site and on paper, and an outcome's colour must never be one a reader could take
for a direction (issue #13). Each preset therefore pairs its two direction colours with
an outcome palette chosen to stay clear of them; the colour-blind-safe preset takes both
from Okabe-Ito (orange promotes, blue suppresses), so its outcomes avoid blue and orange.

Plain strings only (no Textual, no matplotlib): the TUI's CSS, the site's stylesheet and
matplotlib all read these ``#rrggbb`` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    """One preset: direction colours, their darker text shades, neutrals, outcomes."""

    name: str
    promotes: str
    suppresses: str
    promotes_text: str
    """``promotes`` dark enough to read as text on a white or light-grey page."""
    suppresses_text: str
    unsigned: str
    """Magnitude-only importance (no direction): a neutral grey."""
    negligible: str
    outcomes: tuple[str, ...]
    """Outcome colours in order (the bundle's outcome order picks them)."""

    def direction(self, word: str) -> str:
        """The colour of a ``Direction`` value (``promotes``, ``suppresses``,
        ``unsigned``; anything else is negligible)."""
        return {
            "promotes": self.promotes,
            "suppresses": self.suppresses,
            "unsigned": self.unsigned,
        }.get(word, self.negligible)

    def outcome_colour(self, outcome: str, outcomes: Sequence[str]) -> str:
        """``outcome``'s colour: its place in ``outcomes`` (every chart of a bundle passes
        the same list, so an outcome keeps its colour everywhere); an unknown one takes
        the first."""
        index = list(outcomes).index(outcome) if outcome in outcomes else 0
        return self.outcomes[index % len(self.outcomes)]


DEFAULT = Palette(
    name="default",
    promotes="#f08c00",
    suppresses="#9d6ff7",
    promotes_text="#b35c00",
    suppresses_text="#6e40c9",
    unsigned="#57606a",
    negligible="#d9d9d9",
    outcomes=("#3d8fd6", "#17a398", "#8291a3", "#5aa85a"),
)
"""The explorer's look: orange promotes, purple suppresses; blue, teal, slate and green
outcomes (no orange, no purple)."""

COLOUR_BLIND = Palette(
    name="colorblind",
    promotes="#E69F00",
    suppresses="#0072B2",
    promotes_text="#8F6200",
    suppresses_text="#005A8C",
    unsigned="#57606a",
    negligible="#d9d9d9",
    outcomes=("#009E73", "#CC79A7", "#999999", "#F0E442"),
)
"""Okabe-Ito: orange promotes, blue suppresses; bluish green, reddish purple, grey and
yellow outcomes (no orange, vermillion, blue or sky blue)."""

PRESETS: dict[str, Palette] = {p.name: p for p in (DEFAULT, COLOUR_BLIND)}
"""By the name a user gives (``colors = "colorblind"`` in the config file)."""


def outcome_colour(outcome: str, outcomes: Sequence[str], palette: Palette = DEFAULT) -> str:
    """``outcome``'s colour among ``outcomes`` in ``palette``."""
    return palette.outcome_colour(outcome, outcomes)


def rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` as CSS ``rgba(r, g, b, alpha)`` (the site's tints)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha:g})"


TINTS = {"promotes": (0.14, 0.3, 0.5), "suppresses": (0.16, 0.32, 0.52)}
"""Background alpha per strength level 1-3 (purple reads lighter, so a touch more)."""


def css_variables(palette: Palette = DEFAULT) -> dict[str, str]:
    """The palette as CSS custom properties (``--promotes``, ``--promotes-1`` ... tints,
    ``--promotes-text``, ``--outcome-0`` ...): what the site's stylesheet uses."""
    out = {
        "--promotes": palette.promotes,
        "--suppresses": palette.suppresses,
        "--promotes-text": palette.promotes_text,
        "--suppresses-text": palette.suppresses_text,
        "--unsigned": palette.unsigned,
        "--negligible": palette.negligible,
    }
    for word, alphas in TINTS.items():
        colour = palette.direction(word)
        for level, alpha in enumerate(alphas, start=1):
            out[f"--{word}-{level}"] = rgba(colour, alpha)
    for index, colour in enumerate(palette.outcomes):
        out[f"--outcome-{index}"] = colour
    return out


def css_root(palette: Palette = DEFAULT) -> str:
    """A ``:root { ... }`` block of ``css_variables``."""
    lines = "".join(f"  {name}: {value};\n" for name, value in css_variables(palette).items())
    return f"/* palette: {palette.name} (afscope.palette) */\n:root {{\n{lines}}}\n"
