"""Readable colours on any theme: WCAG contrast, and a colour nudged until it is readable.

Direction colours are chosen by the user (``afscope.config``) and themes may be light or
dark, so a fixed orange can vanish on a light background. ``readable`` keeps the hue and
moves the colour toward black (light backgrounds) or white (dark ones) just far enough.
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.widget import Widget

MIN_CONTRAST = 3.0
"""WCAG's minimum for large text and graphical marks: glyphs, indices."""
TEXT_CONTRAST = 4.5
"""WCAG's minimum (AA) for body text: sentences on their direction tint."""

BLACK = Color(0, 0, 0)
WHITE = Color(255, 255, 255)


def luminance(colour: Color) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)


def contrast(one: Color, other: Color) -> float:
    """WCAG contrast ratio (1 to 21)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(
    colour: Color, background: Color, *others: Color, minimum: float = MIN_CONTRAST
) -> Color:
    """``colour`` (alpha blended onto ``background``) moved toward black or white until its
    contrast with ``background`` and each of ``others`` reaches ``minimum``."""
    grounds = (background, *others)

    def enough(candidate: Color) -> bool:
        return all(contrast(candidate, ground) >= minimum for ground in grounds)

    solid = background + colour
    if enough(solid):
        return solid
    target = BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE
    for step in range(1, 21):
        nudged = solid.blend(target, step / 20)
        if enough(nudged):
            return nudged
    return target


def component_ink(widget: Widget, name: str, *others: Color) -> Style:
    """The colour of ``widget``'s component class ``name`` as drawn on the widget's
    background: ``auto`` colours and alpha ($text-muted) resolved against it (a partial
    component style alone resolves them against nothing, which drew white on light
    themes), then nudged until it is readable there and on ``others``. Terminals' own
    palettes (ANSI themes) are left as they are."""
    styles = widget.get_component_styles(name)
    style = widget.get_component_rich_style(name, partial=True)
    _, background = widget.background_colors
    if background.ansi is not None or not styles.has_rule("color"):
        return style
    colour = styles.color
    if styles.auto_color:
        colour = background.get_contrast_text(colour.a)
    return style + Style(color=readable(colour, background, *others).rich_color)
