"""The rate plot as a grid of cells: curves, interval band, axes, legend and direction marks.

Pure data, so what the plot shows is tested without a terminal: each cell is a character
with a foreground and a background role ("outcome-0", "band-0", "axis", "promotes" ...);
the widget maps roles to colours. Curves are braille lines: the active outcome's solid, the
others dashed (told apart without colour, under NO_COLOR). The active outcome's interval
band is a filled area behind its curve (whole cells, half blocks at its edges). The legend
sits on its own row above the canvas (it can never cover a curve), and the strip under
the x axis marks each sentence with its direction glyph, as the post's figures colour
each sentence along the x axis. The cursor is not part of the grid: the widget overlays it
on the cached grid (``PlotGrid.column_of`` says where), so moving it rebuilds nothing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from afscope.explore.direction import Direction
from afscope.explore.plot_data import Curve
from afscope.explore.scores import SentenceScores

MARGIN = 4
"""Columns left of the canvas: a y label (up to 3 characters) and the axis."""
Y_TICKS = ((1.0, "1"), (0.75, ".75"), (0.5, ".5"), (0.25, ".25"), (0.0, "0"))
FEW_Y_TICKS = ((1.0, "1"), (0.5, ".5"), (0.0, "0"))
"""On a canvas shorter than ``ALL_Y_TICKS_FROM`` rows, quarter labels would touch."""
ALL_Y_TICKS_FROM = 9
BAND_HALF = 0.25
"""A cell the interval covers less than this share of is out of the band; more than
1 - BAND_HALF, filled; in between, a half block."""
HALF_BLOCK = {"lower": "▄", "upper": "▀"}
DASH = 3
"""Dots on, then off, along the curves other than the active one."""
_DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
"""Braille dot bits by (column in cell, row in cell)."""
MARKED = (Direction.PROMOTES, Direction.SUPPRESSES, Direction.UNSIGNED)


@dataclass(frozen=True)
class Cell:
    char: str
    fg: str | None = None
    bg: str | None = None


BLANK = Cell(" ")


@dataclass(frozen=True)
class Mark:
    """One sentence on the direction strip."""

    x: float
    kind: Direction
    strong: bool
    size: float


@dataclass(frozen=True)
class PlotGrid:
    rows: tuple[tuple[Cell, ...], ...]
    width: int
    canvas_top: int
    canvas_height: int
    canvas_width: int
    x_max: float
    axis_row: int | None
    marks_row: int | None
    ticks_row: int | None

    @property
    def height(self) -> int:
        return len(self.rows)

    def column_of(self, x: float | None) -> int | None:
        """The widget column of data position ``x`` (the cursor's column), None off the plot."""
        if x is None or not math.isfinite(x) or self.canvas_width < 1:
            return None
        dot = _dot_x(x, self.x_max, self.canvas_width)
        if not 0 <= dot < 2 * self.canvas_width:
            return None
        return MARGIN + dot // 2

    def text(self) -> str:
        """The grid's characters, one line per row (for tests and for reading it)."""
        return "\n".join("".join(c.char for c in row) for row in self.rows)


def drawable_points(
    x: Sequence[float | None], y: Sequence[float | None]
) -> tuple[list[float], list[float]]:
    """The finite points of a curve, rates clamped to [0, 1]: data that slipped past the
    bundle checks must not take the explorer down with it."""
    xs: list[float] = []
    ys: list[float] = []
    for a, b in zip(x, y, strict=False):
        if a is None or b is None or not math.isfinite(a) or not math.isfinite(b):
            continue
        xs.append(float(a))
        ys.append(min(1.0, max(0.0, float(b))))
    return xs, ys


def direction_marks(indices: Sequence[int], scores: SentenceScores | None) -> list[Mark]:
    """One mark per sentence that leans one way (negligible and unknown ones have none)."""
    if scores is None:
        return []
    marks = []
    for position, index in enumerate(indices):
        kind = scores.kind(position)
        if kind in MARKED:
            size = abs(scores.importance[position] or 0.0)
            marks.append(Mark(float(index), kind, scores.highlighted[position], size))
    return marks


def _dot_x(x: float, x_max: float, width: int) -> int:
    return round(x / x_max * (2 * width - 1)) if x_max > 0 else 0


def _dot_y(y: float, height: int) -> int:
    return round((1.0 - y) * (4 * height - 1))


def _line(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    steps = max(abs(x1 - x0), abs(y1 - y0), 1)
    return [
        (round(x0 + (x1 - x0) * i / steps), round(y0 + (y1 - y0) * i / steps))
        for i in range(steps + 1)
    ]


def _interpolate(xs: list[float], ys: list[float], x: float) -> float | None:
    """Linear interpolation inside the data's range, None outside it."""
    if not xs or x < xs[0] or x > xs[-1]:
        return None
    for i in range(1, len(xs)):
        if x <= xs[i]:
            span = xs[i] - xs[i - 1]
            t = (x - xs[i - 1]) / span if span > 0 else 1.0
            return ys[i - 1] + (ys[i] - ys[i - 1]) * t
    return ys[-1]


def _band_cells(low: float, high: float, height: int) -> list[tuple[int, str]]:
    """Canvas rows (0 at the top) the interval [low, high] covers, each with how: "full",
    or "lower"/"upper" half where an edge of the band falls inside the row (half blocks
    double the band's vertical resolution)."""
    cells = []
    for row in range(height):
        top, bottom = 1.0 - row / height, 1.0 - (row + 1) / height
        covered = (min(high, top) - max(low, bottom)) * height
        if covered >= 1 - BAND_HALF:
            cells.append((row, "full"))
        elif covered >= BAND_HALF:
            high_inside, low_inside = high < top, low > bottom
            if high_inside and not low_inside:
                cells.append((row, "lower"))
            elif low_inside and not high_inside:
                cells.append((row, "upper"))
            else:
                cells.append((row, "full"))
    return cells


def _text_cells(text: str, width: int, fg: str | None = None) -> list[Cell]:
    if len(text) > width:
        text = text[: max(0, width - 1)] + "…" if width > 0 else ""
    return [Cell(c, fg) for c in text]


def _slot(curve: Curve, i: int) -> int:
    """The colour slot of the ``i``-th drawn curve: its outcome's place in the bundle."""
    return i if curve.slot is None else curve.slot


def _legend(curves: Sequence[Curve], active: str | None, banded: bool, width: int) -> list[Cell]:
    """A line over the canvas: each outcome's colour and name, the band's swatch after the
    active one. Too long, it drops the word "interval", then the gaps, then ends in "…"."""
    any_active = any(c.outcome == active for c in curves)
    for words, gap in ((True, 2), (False, 2), (False, 1)):
        cells: list[Cell] = [BLANK]
        for i, curve in enumerate(curves):
            role = f"outcome-{_slot(curve, i)}"
            name_role = "label-active" if curve.outcome == active else "label"
            line = "╍" if curve.outcome != active and any_active else "━"
            cells += [Cell(line, role), Cell(line, role), BLANK]
            cells += _text_cells(curve.outcome, 40, name_role)
            if banded and curve.outcome == active:
                cells += [
                    BLANK,
                    Cell(" ", None, f"band-{_slot(curve, i)}"),
                    Cell(" ", None, f"band-{_slot(curve, i)}"),
                ]
                if words:
                    cells += _text_cells(" interval", 9, "label")
            cells += [BLANK] * gap
        if len(cells) - gap <= width:
            break
    if len(cells) - gap > width:
        cells = [*cells[: max(0, width - 1)], Cell("…", "label")]
    return (cells + [BLANK] * width)[:width]


def _x_ticks(x_max: float, width: int) -> list[tuple[int, str]]:
    """Tick positions (canvas columns) and labels, spaced so the labels do not touch."""
    count = max(1, min(6, width // 8))
    step = max(1, math.ceil(x_max / count))
    ticks = []
    for value in range(0, int(x_max) + 1, step):
        ticks.append((_dot_x(value, x_max, width) // 2, str(value)))
    return ticks


def build_grid(
    curves: Sequence[Curve],
    marks: Sequence[Mark],
    x_max: float,
    active: str | None,
    width: int,
    height: int,
) -> PlotGrid:
    """Lay the plot out in ``width`` x ``height`` cells (rows that do not fit are dropped:
    first the direction strip, then the legend, then the tick labels)."""
    x_max = max(1.0, x_max)
    if width < MARGIN + 3 or height < 3:  # no room for a plot: an empty pane
        blank = tuple(tuple([BLANK] * max(0, width)) for _ in range(max(0, height)))
        return PlotGrid(blank, max(0, width), 0, 0, 0, x_max, None, None, None)
    canvas_width = width - MARGIN - 1
    extra = height - 4  # rows beyond a four-row canvas go to legend, strip, ticks
    show_legend = extra >= 1
    show_ticks = extra >= 2
    show_marks = extra >= 3 and bool(marks)
    top = 1 if show_legend else 0
    canvas_height = max(1, height - top - 1 - show_ticks - show_marks)
    axis_row = top + canvas_height
    grid = [[BLANK] * width for _ in range(height)]

    if show_legend:
        band = any(c.outcome == active and c.low is not None for c in curves)
        grid[0] = _legend(curves, active, band, width)

    # y axis, labels at the ticks
    tick_rows: dict[int, str] = {}
    y_ticks = Y_TICKS if canvas_height >= ALL_Y_TICKS_FROM else FEW_Y_TICKS
    for y, tick in y_ticks:  # on a short canvas the first label of a row wins
        tick_rows.setdefault(round((1.0 - y) * (canvas_height - 1)), tick)
    for row in range(canvas_height):
        y_label = tick_rows.get(row)
        cells = _text_cells((y_label or "").rjust(MARGIN - 1), MARGIN - 1, "label")
        cells.append(Cell("┤" if y_label is not None else "│", "axis"))
        grid[top + row][:MARGIN] = cells

    # band of the active outcome: whole cells behind the curves
    for i, curve in enumerate(curves):
        if curve.outcome != active or curve.low is None or curve.high is None:
            continue
        lows = drawable_points(curve.x, curve.low)
        highs = drawable_points(curve.x, curve.high)
        for col in range(canvas_width):
            x = (2 * col + 0.5) / (2 * canvas_width - 1) * x_max
            low, high = _interpolate(*lows, x), _interpolate(*highs, x)
            if low is None or high is None:
                continue
            for row, how in _band_cells(min(low, high), max(low, high), canvas_height):
                half = HALF_BLOCK.get(how)
                cell = (
                    Cell(half, f"band-{_slot(curve, i)}")
                    if half
                    else Cell(" ", None, f"band-{_slot(curve, i)}")
                )
                grid[top + row][MARGIN + col] = cell

    # curves, the active one last so it is on top where they cross
    order = sorted(range(len(curves)), key=lambda i: curves[i].outcome == active)
    dashed = any(c.outcome == active for c in curves)  # no active curve: nothing to set apart
    dots: dict[tuple[int, int], tuple[int, int]] = {}  # cell -> (bits, curve)
    for i in order:
        xs, ys = drawable_points(curves[i].x, curves[i].rate)
        points = [
            (_dot_x(x, x_max, canvas_width), _dot_y(y, canvas_height))
            for x, y in zip(xs, ys, strict=True)
        ]
        path = points[:1] if len(points) == 1 else []
        for a, b in itertools.pairwise(points):
            path += _line(*a, *b)[1:] if path else _line(*a, *b)
        if dashed and curves[i].outcome != active:  # dashed: told apart without colour (NO_COLOR)
            path = [p for k, p in enumerate(path) if k % (2 * DASH) < DASH]
        for dx, dy in path:
            if not (0 <= dx < 2 * canvas_width and 0 <= dy < 4 * canvas_height):
                continue
            at = (dy // 4, dx // 2)
            bits = dots.get(at, (0, i))[0] | _DOT_BITS[dx % 2][dy % 4]
            dots[at] = (bits, i)
    for (row, col), (bits, i) in dots.items():
        behind = grid[top + row][MARGIN + col].bg
        grid[top + row][MARGIN + col] = Cell(
            chr(0x2800 + bits), f"outcome-{_slot(curve, i)}", behind
        )

    # x axis with ticks, the direction strip, the tick labels
    ticks = _x_ticks(x_max, canvas_width)
    axis = [Cell("└", "axis")] + [Cell("─", "axis")] * canvas_width
    for col, _ in ticks:
        axis[1 + col] = Cell("┬", "axis")
    grid[axis_row][MARGIN - 1 : MARGIN + canvas_width] = axis
    row = axis_row + 1
    marks_row = None
    if show_marks:
        marks_row = row
        strongest: dict[int, Mark] = {}
        for mark in marks:
            col = _dot_x(mark.x, x_max, canvas_width) // 2
            if not 0 <= col < canvas_width:
                continue
            if col not in strongest or mark.size > strongest[col].size:
                strongest[col] = mark
        for col, mark in strongest.items():
            grid[row][MARGIN + col] = Cell(mark.kind.glyph(mark.strong), mark.kind.value)
        row += 1
    ticks_row = None
    if show_ticks:
        ticks_row = row
        for col, label in ticks:
            start = min(MARGIN + col, width - len(label))
            for k, char in enumerate(label):
                grid[row][start + k] = Cell(char, "label")

    return PlotGrid(
        tuple(tuple(r) for r in grid),
        width,
        top,
        canvas_height,
        canvas_width,
        x_max,
        axis_row,
        marks_row,
        ticks_row,
    )
