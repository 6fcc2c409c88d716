"""Per-prefix rate curves with their interval band, a direction strip and a cursor.

The plot is laid out once per (curves, size, theme) by ``afscope.explore.plot_view`` and
kept as rendered strips; the cursor is drawn over them in ``render_line``, so moving it
re-renders one column and the tick row, never the plot. Colours are the component classes
below (outcome colours never reuse the direction colours: orange promotes, purple
suppresses); an app stylesheet can override them.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from afscope.explore.plot_data import Curve
from afscope.explore.plot_view import (
    Cell,
    Mark,
    PlotGrid,
    build_grid,
    direction_marks,
)
from afscope.explore.scores import SentenceScores
from afscope.palette import DEFAULT
from afscope.tui.failures import describe

X_LABEL = "sentence i  (rate over rollouts that keep sentences < i)"
OUTCOME_COLOURS = len(DEFAULT.outcomes)
"""Outcome colour classes (``rate-plot--outcome-0`` ...); more outcomes reuse them in turn."""
BAND_ALPHA = 0.28
"""How much of its outcome's colour the band mixes into the background."""
NO_COLOR_BAND = "░"
"""The band's fill where background tints cannot show (NO_COLOR, ansi themes)."""


class RatePlot(Widget):
    """Keeps its data; lays the plot out again only when data, size or theme change."""

    COMPONENT_CLASSES = {
        *(f"rate-plot--outcome-{i}" for i in range(OUTCOME_COLOURS)),
        "rate-plot--axis",
        "rate-plot--label",
        "rate-plot--label-active",
        "rate-plot--cursor",
        "rate-plot--cursor-label",
        "rate-plot--promotes",
        "rate-plot--suppresses",
        "rate-plot--unsigned",
    }

    # Outcome colours (afscope.palette): blue, teal, slate and green families, mid-tone so
    # that they read on dark and light themes alike; direction colours as in the trace. The
    # app's stylesheet replaces them with the configured preset ($afscope-* variables).
    DEFAULT_CSS = (
        """
    RatePlot { background: $surface; }
    """
        + "".join(
            f"RatePlot > .rate-plot--outcome-{i} {{ color: {colour}; }}\n"
            for i, colour in enumerate(DEFAULT.outcomes[:OUTCOME_COLOURS])
        )
        + f"""
    RatePlot > .rate-plot--axis {{ color: $text-muted; }}
    RatePlot > .rate-plot--label {{ color: $text-muted; }}
    RatePlot > .rate-plot--label-active {{ color: $text; text-style: bold; }}
    RatePlot > .rate-plot--cursor {{ color: $text; background: $foreground 14%; }}
    RatePlot > .rate-plot--cursor-label {{ color: $text; text-style: bold; }}
    RatePlot > .rate-plot--promotes {{ color: {DEFAULT.promotes}; }}
    RatePlot > .rate-plot--suppresses {{ color: {DEFAULT.suppresses}; }}
    RatePlot > .rate-plot--unsigned {{ color: $text; }}
    """
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._curves: list[Curve] = []
        self._marker: float | None = None
        self._x_max = 1.0
        self._active: str | None = None
        self._scores: SentenceScores | None = None
        self._marks: list[Mark] = []
        self._version = 0
        """Bumped when the data drawn changes (not when only the cursor moves)."""
        self._key: tuple[object, ...] | None = None
        self._grid: PlotGrid | None = None
        self._strips: list[Strip] = []
        self._styles: dict[str | None, Style] = {}
        self._error: str | None = None
        self._base = Style()
        self.builds = 0
        """How often the plot was laid out and rendered (the cursor never adds to it)."""

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    def _restyle(self) -> None:
        self._key = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._key = None

    # -- data --------------------------------------------------------------------------
    def show(
        self,
        curves: list[Curve],
        marker: float | None,
        x_max: float,
        active: str | None = None,
        *,
        scores: SentenceScores | None = None,
        indices: Sequence[int] = (),
    ) -> None:
        """Curves for every outcome (the interval band only for the ``active`` one), the
        cursor at sentence ``marker`` and, given ``scores``, each sentence's direction mark.
        Only the cursor moved: the plot is not laid out again."""
        if scores is not self._scores:
            self._scores = scores
            marks = direction_marks(indices, scores)
            if marks != self._marks:
                self._marks = marks
                self._version += 1
        x_max = max(1.0, x_max)
        if curves is not self._curves and curves != self._curves:
            self._version += 1
        if (active, x_max) != (self._active, self._x_max):
            self._version += 1
        self._curves, self._active, self._x_max = curves, active, x_max
        self.move_marker(marker)

    def move_marker(self, marker: float | None) -> None:
        """Redraw the cursor's old and new columns and the tick row, nothing else."""
        old, self._marker = self._marker, marker
        grid = self._grid
        if self._key != self._layout_key() or grid is None:
            self.refresh()
            return
        before, after = grid.column_of(old), grid.column_of(marker)
        if before == after and old == marker:
            return
        for column in {before, after} - {None}:
            assert column is not None
            self.refresh(Region(column, 0, 1, grid.height))
        if grid.ticks_row is not None:
            self.refresh(Region(0, grid.ticks_row, grid.width, 1))

    # -- rendering -----------------------------------------------------------------------
    def _layout_key(self) -> tuple[object, ...]:
        return (self._version, self.size.width, self.size.height, self.app.theme)

    def _style(self, fg: str | None, bg: str | None) -> Style:
        key = f"{fg}/{bg}"
        style = self._styles.get(key)
        if style is None:
            if fg is not None and fg.startswith("band-"):
                style = self._base + Style(color=self._band_colour(fg).rich_color)
            else:
                style = self._base + self._role(fg)
            if bg is not None:
                style += Style(bgcolor=self._band_colour(bg).rich_color)
            self._styles[key] = style
        return style

    def _role(self, role: str | None) -> Style:
        if role is None:
            return Style()
        if role.startswith("outcome-") or role.startswith("band-"):
            role = f"outcome-{int(role.split('-')[1]) % OUTCOME_COLOURS}"
        # the full style: "auto" colours ($text, $text-muted) resolve only against a background
        style = self.get_component_rich_style(f"rate-plot--{role}")
        return Style(color=style.color, bold=style.bold, dim=style.dim, italic=style.italic)

    def _band_colour(self, band: str) -> Color:
        colour = self._role(band).color
        background = self._base.bgcolor
        if colour is None or background is None:
            return Color(128, 128, 128)
        return Color.from_rich_color(background).blend(Color.from_rich_color(colour), BAND_ALPHA)

    @property
    def _tints(self) -> bool:
        """Whether a background tint can show the band (not under NO_COLOR or ansi themes)."""
        return not self.app.no_color and not self.app.theme.startswith("ansi")

    def _build(self) -> None:
        self._key = self._layout_key()
        self.builds += 1
        self._styles = {}
        self._base = self.rich_style
        self._error = None
        width, height = self.size.width, self.size.height
        try:
            self._grid = build_grid(
                self._curves, self._marks, self._x_max, self._active, width, height
            )
        except Exception as exc:  # odd data must never crash the explorer: say so instead
            self._grid = None
            self._error = f"cannot draw this plot: {describe(exc, 200)}"
            note = Strip([Segment(self._error[:width], self._base + Style(dim=True))])
            self._strips = [note.extend_cell_length(width, self._base)] + [
                Strip.blank(width, self._base)
            ] * (height - 1)
            return
        self._strips = [self._strip(row) for row in self._grid.rows]

    def _cell(self, cell: Cell) -> Segment:
        if self._tints:
            return Segment(cell.char, self._style(cell.fg, cell.bg))
        if cell.bg is not None and cell.char == " ":  # a band cell: shade it instead
            return Segment(NO_COLOR_BAND, self._style(self._solid(cell.bg), None))
        if cell.fg is not None and cell.fg.startswith("band-"):  # a half block of the band
            return Segment(NO_COLOR_BAND, self._style(self._solid(cell.fg), None))
        return Segment(cell.char, self._style(cell.fg, None))

    @staticmethod
    def _solid(band: str) -> str:
        """The outcome role of a band role (its full colour, for shading without tints)."""
        return band.replace("band-", "outcome-")

    def _strip(self, row: Sequence[Cell]) -> Strip:
        segments = [self._cell(cell) for cell in row]
        return Strip(Segment.simplify(segments), len(row))

    def render_line(self, y: int) -> Strip:
        if self._key != self._layout_key():
            self._build()
        if not 0 <= y < len(self._strips):
            return Strip.blank(self.size.width, self.rich_style)
        strip = self._strips[y]
        grid = self._grid
        if grid is None:
            return strip
        column = grid.column_of(self._marker)
        if column is None:
            return strip
        if y == grid.ticks_row:
            return self._tick_label(strip, column)
        if not grid.canvas_top <= y <= (grid.axis_row or 0) and y != grid.marks_row:
            return strip
        return self._cursor_cell(strip, grid.rows[y][column], column, y == grid.axis_row)

    def _cursor_cell(self, strip: Strip, cell: Cell, column: int, axis: bool) -> Strip:
        cursor = self.get_component_rich_style("rate-plot--cursor")
        under = Style(bgcolor=cursor.bgcolor)
        band_only = cell.char == " " or (cell.fg or "").startswith("band-")
        if axis:
            segment = Segment("┴", self._style("axis", None) + under)
        elif band_only:
            segment = Segment("│", cursor)
        else:
            segment = Segment(cell.char, self._style(cell.fg, None) + under)
        left, _, right = strip.divide([column, column + 1, strip.cell_length])
        return Strip.join([left, Strip([segment], 1), right])

    def _tick_label(self, strip: Strip, column: int) -> Strip:
        """The cursor's sentence index under its column, replacing the tick labels it
        would touch."""
        grid = self._grid
        marker = self._marker
        assert grid is not None and grid.ticks_row is not None and marker is not None
        label = f" {marker:g} "
        width = strip.cell_length
        start = max(0, min(column - len(label) // 2, width - len(label)))
        end = min(width, start + len(label))
        row = grid.rows[grid.ticks_row]
        while start > 0 and row[start - 1].char != " ":  # a tick label cut on the left
            start -= 1
        while end < width and row[end].char != " ":  # or on the right
            end += 1
        text = label.center(end - start) if end - start > len(label) else label[: end - start]
        style = self.get_component_rich_style("rate-plot--cursor-label")
        left, _, right = strip.divide([start, end, width])
        return Strip.join([left, Strip([Segment(text, style)], end - start), right])

    # -- for tests and for reading it -------------------------------------------------
    def text(self) -> str:
        """What the plot shows, cursor included, as plain lines."""
        return "\n".join(self.render_line(y).text for y in range(self.size.height))

    @property
    def cursor_column(self) -> int | None:
        """The column the cursor is drawn in (None when there is none)."""
        return self._grid.column_of(self._marker) if self._grid is not None else None
