"""The one-line legend under the trace: what the glyphs, the shading and the colours mean.

Glyphs and words come from ``Direction`` (the trace, the help screen and exports use the
same), marks from ``afscope.tui.glyphs``; the direction colours are handed in by the
screen (the trace's own styles), so the legend cannot disagree with what it explains.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from afscope.explore.direction import Direction
from afscope.tui.glyphs import LOW_EVIDENCE, SELECTED, SOURCE_WARNING

SEPARATOR = "  "

Item = tuple[str, str, str]
"""(glyph, style name or "", words)"""


def _item(kind: Direction, words: str | None = None) -> Item:
    return (kind.glyph(), kind.value, words if words is not None else kind.word)


HOLLOW = "hollow"
"""The style name of the hollow pair: each glyph in its own direction's colour."""


def _hollow(words: str) -> Item:
    pair = Direction.PROMOTES.glyph(False) + Direction.SUPPRESSES.glyph(False)
    return (pair, HOLLOW, words)


# from the fullest to the shortest; the first that fits the width is shown
TIERS: tuple[tuple[Item, ...], ...] = (
    (
        _item(Direction.PROMOTES),
        _item(Direction.SUPPRESSES),
        _hollow("hollow: not high importance"),
        ("", "", "paler shading: smaller |importance|"),
        _item(Direction.NEGLIGIBLE),
        (LOW_EVIDENCE, "", "low evidence"),
        (SELECTED, "", "selected"),
    ),
    (
        _item(Direction.PROMOTES),
        _item(Direction.SUPPRESSES),
        _hollow("not high"),
        ("", "", "paler: smaller |importance|"),
        _item(Direction.NEGLIGIBLE),
        (LOW_EVIDENCE, "", "low evidence"),
        (SELECTED, "", "selected"),
    ),
    (
        _item(Direction.PROMOTES),
        _item(Direction.SUPPRESSES),
        _hollow("paler: weaker"),
        _item(Direction.NEGLIGIBLE),
        (LOW_EVIDENCE, "", "low evidence"),
        (SELECTED, "", "selected"),
    ),
    (
        _item(Direction.PROMOTES),
        _item(Direction.SUPPRESSES),
        _hollow("weaker"),
        _item(Direction.NEGLIGIBLE),
        (LOW_EVIDENCE, "", "low evidence"),
        (SELECTED, "", "selected"),
    ),
    (
        _item(Direction.PROMOTES),
        _item(Direction.SUPPRESSES),
        _hollow("weaker"),
        _item(Direction.NEGLIGIBLE),
    ),
)


def _unsigned(items: tuple[Item, ...]) -> tuple[Item, ...]:
    """The same legend for a magnitude-only metric (KL): one glyph pair, no direction."""
    kind = Direction.UNSIGNED
    out: list[Item] = []
    for glyph, style, words in items:
        if style == Direction.PROMOTES.value:
            out.append((kind.glyph(), kind.value, "unsigned: magnitude only"))
        elif style == Direction.SUPPRESSES.value:
            continue
        elif style == HOLLOW:
            out.append((kind.glyph(False), kind.value, words))
        else:
            out.append((glyph, style, words))
    return tuple(out)


DOUBTFUL: Item = (SOURCE_WARNING, "", "source doubtful")
"""Shown when the trace has sentences a source warning names (Thought Anchors checks)."""


def _with_doubtful(items: tuple[Item, ...]) -> tuple[Item, ...]:
    """``items`` with the source-warning mark, before "selected" (or at the end)."""
    at = next((n for n, item in enumerate(items) if item[0] == SELECTED), len(items))
    return (*items[:at], DOUBTFUL, *items[at:])


def _width(items: tuple[Item, ...]) -> int:
    return cell_len(SEPARATOR.join(f"{glyph} {words}".strip() for glyph, _, words in items))


def legend_text(
    width: int,
    styles: Mapping[str, Style] | None = None,
    *,
    unsigned: bool = False,
    doubtful: bool = False,
) -> Text:
    """The fullest legend that fits ``width`` cells, glyphs in ``styles[direction]``;
    ``unsigned`` for a magnitude-only metric, ``doubtful`` when the trace has sentences
    marked by a source warning."""
    styles = styles or {}
    tiers = [_unsigned(tier) if unsigned else tier for tier in TIERS]
    if doubtful:
        tiers = [_with_doubtful(tier) for tier in tiers]
    items = next((tier for tier in tiers if _width(tier) <= width), tiers[-1])
    text = Text(no_wrap=True, overflow="ellipsis")
    for n, (glyph, style, words) in enumerate(items):
        if n:
            text.append(SEPARATOR)
        if style == HOLLOW:  # △ in the promoting colour, ▽ in the suppressing one
            for char, kind in zip(glyph, (Direction.PROMOTES, Direction.SUPPRESSES), strict=True):
                text.append(char, styles.get(kind.value, Style()) + Style(bold=True))
            text.append(" ")
        elif glyph:
            text.append(glyph, styles.get(style, Style()) + Style(bold=True))
            text.append(" ")
        text.append(words)
    return text


class Legend(Widget):
    """One line; the screen passes the trace's direction styles and whether the metric
    is unsigned (``show``)."""

    DEFAULT_CSS = """
    Legend { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._styles: dict[str, Style] = {}
        self._unsigned = False
        self._doubtful = False

    def show(
        self, styles: Mapping[str, Style], unsigned: bool = False, doubtful: bool = False
    ) -> None:
        if (dict(styles), unsigned, doubtful) != (self._styles, self._unsigned, self._doubtful):
            self._styles = dict(styles)
            self._unsigned = unsigned
            self._doubtful = doubtful
            self.refresh()

    @property
    def text(self) -> Text:
        width = self.content_region.width or self.size.width
        return legend_text(width, self._styles, unsigned=self._unsigned, doubtful=self._doubtful)

    def render(self) -> Text:
        return self.text
