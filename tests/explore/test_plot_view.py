"""The plot laid out as cells: curves, band, axes, legend, direction strip, cursor column."""

from __future__ import annotations

import math

import pytest

from afscope.explore.direction import Direction
from afscope.explore.plot_data import Curve
from afscope.explore.plot_view import (
    MARGIN,
    Mark,
    PlotGrid,
    build_grid,
    direction_marks,
    drawable_points,
)
from afscope.explore.scores import SentenceScores


def _curve(name: str, rate: list[float], band: float | None = 0.1) -> Curve:
    x = [float(i) for i in range(len(rate))]
    if band is None:
        return Curve(name, x, rate, None, None)
    return Curve(name, x, rate, [r - band for r in rate], [r + band for r in rate])


def _roles(grid: PlotGrid, prefix: str) -> set[tuple[int, int]]:
    """Cells whose foreground or background role starts with ``prefix``."""
    return {
        (y, x)
        for y, row in enumerate(grid.rows)
        for x, cell in enumerate(row)
        if (cell.fg or "").startswith(prefix) or (cell.bg or "").startswith(prefix)
    }


def test_grid_has_the_asked_size_and_a_legend_row_above_the_canvas() -> None:
    curves = [_curve("af", [0.9] * 11), _curve("compliance", [0.2] * 11)]
    grid = build_grid(curves, [], 10, "af", 50, 16)
    assert grid.height == 16 and all(len(row) == 50 for row in grid.rows)
    legend = "".join(c.char for c in grid.rows[0])
    assert "af" in legend and "compliance" in legend and "interval" in legend
    assert grid.canvas_top == 1
    # the curves start at the top (rate 0.9) yet the legend never shares their rows
    curve_rows = {y for y, _ in _roles(grid, "outcome-")} - {0}
    assert curve_rows and min(curve_rows) >= grid.canvas_top


def test_a_flat_curve_is_one_braille_line_in_one_colour() -> None:
    grid = build_grid([_curve("af", [0.5] * 21, band=None)], [], 20, "af", 40, 14)
    cells = [
        (y, x)
        for y, row in enumerate(grid.rows[1:], 1)
        for x, c in enumerate(row)
        if "\u2800" <= c.char <= "\u28ff"
    ]
    assert len({y for y, _ in cells}) == 1  # one row: a line, not a cloud
    assert {grid.rows[y][x].fg for y, x in cells} == {"outcome-0"}
    xs = sorted(x for _, x in cells)
    assert xs == list(range(MARGIN, MARGIN + grid.canvas_width))  # unbroken across


def test_band_only_for_the_active_outcome_and_around_its_curve() -> None:
    curves = [_curve("af", [0.5] * 11, band=0.2), _curve("c", [0.1] * 11, band=0.05)]
    grid = build_grid(curves, [], 10, "af", 40, 14)
    assert _roles(grid, "band-0") and not _roles(grid, "band-1")
    rows = {y for y, x in _roles(grid, "band-0") if y > 0}  # the legend's swatch aside
    top, height = grid.canvas_top, grid.canvas_height
    # the band spans 0.3..0.7: rows around the middle of the canvas, not its edges
    assert min(rows) > top and max(rows) < top + height - 1
    assert len(rows) >= height * 0.3


def test_no_band_without_bounds() -> None:
    grid = build_grid([_curve("af", [0.5] * 11, band=None)], [], 10, "af", 40, 14)
    assert not _roles(grid, "band-")
    assert "interval" not in grid.text().splitlines()[0]


def test_axes_ticks_and_cursor_column() -> None:
    grid = build_grid([_curve("af", [0.5] * 101)], [], 100, "af", 45, 14)
    lines = grid.text().splitlines()
    assert grid.axis_row is not None and lines[grid.axis_row].lstrip().startswith("└┬")
    assert grid.ticks_row is not None
    labels = lines[grid.ticks_row].split()
    assert labels[0] == "0" and len(labels) >= 3
    assert lines[grid.canvas_top].startswith("  1┤")
    assert lines[grid.canvas_top + grid.canvas_height - 1].startswith("  0┤")
    assert grid.column_of(0) == MARGIN
    assert grid.column_of(100) == MARGIN + grid.canvas_width - 1
    assert grid.column_of(50) == MARGIN + grid.canvas_width // 2
    assert grid.column_of(None) is None and grid.column_of(math.nan) is None
    assert grid.column_of(-5) is None


def test_direction_strip_keeps_the_strongest_sentence_of_each_column() -> None:
    marks = [
        Mark(0, Direction.PROMOTES, True, 0.5),
        Mark(1, Direction.SUPPRESSES, False, 0.1),  # shares a column with sentence 0 at 10 wide
        Mark(99, Direction.SUPPRESSES, True, 0.3),
    ]
    grid = build_grid([_curve("af", [0.5] * 100)], marks, 99, "af", 15, 12)
    assert grid.marks_row is not None
    strip = grid.rows[grid.marks_row]
    assert strip[MARGIN].char == "▲" and strip[MARGIN].fg == "promotes"
    last = grid.column_of(99)
    assert last is not None
    assert strip[last].char == "▼" and strip[last].fg == "suppresses"
    assert sum(c.char != " " for c in strip) == 2


def test_direction_marks_from_scores() -> None:
    scores = SentenceScores(
        importance=[0.5, 0.001, None, 0.1, 0.3],
        direction=[0.5, 0.001, None, -0.1, None],
        low_evidence=[False] * 5,
        highlighted=[True, False, False, False, True],
        peak=0.5,
    )
    marks = direction_marks([3, 4, 5, 6, 7], scores)
    assert [(m.x, m.kind, m.strong) for m in marks] == [
        (3.0, Direction.PROMOTES, True),
        (6.0, Direction.SUPPRESSES, False),
        (7.0, Direction.UNSIGNED, True),
    ]
    assert direction_marks([1], None) == []


def test_small_plots_drop_strip_then_ticks_then_legend() -> None:
    curves = [_curve("af", [0.5] * 11)]
    marks = [Mark(2, Direction.PROMOTES, True, 0.4)]
    full = build_grid(curves, marks, 10, "af", 30, 11)
    assert full.marks_row is not None and full.ticks_row is not None and full.canvas_top == 1
    small = build_grid(curves, marks, 10, "af", 30, 6)
    assert small.marks_row is None and small.ticks_row is not None and small.canvas_top == 1
    tiny = build_grid(curves, marks, 10, "af", 30, 4)
    assert tiny.marks_row is None and tiny.ticks_row is None and tiny.canvas_top == 0
    assert tiny.height == 4


def test_long_legend_drops_words_then_ends_in_an_ellipsis() -> None:
    curves = [_curve("alignment_faking", [0.5] * 3), _curve("compliance", [0.4] * 3)]
    roomy = build_grid(curves, [], 2, "alignment_faking", 60, 10).text().splitlines()[0]
    assert "interval" in roomy and "compliance" in roomy
    narrow = build_grid(curves, [], 2, "alignment_faking", 38, 10).text().splitlines()[0]
    assert "interval" not in narrow and "compliance" in narrow
    tiny = build_grid(curves, [], 2, "alignment_faking", 20, 10).text().splitlines()[0]
    assert tiny.rstrip().endswith("…")


@pytest.mark.parametrize("width,height", [(0, 0), (1, 1), (5, 3), (200, 60)])
def test_odd_sizes_and_values_do_not_fail(width: int, height: int) -> None:
    odd = Curve("x", [0.0, 1.0, 2.0, 3.0], [math.inf, None, -3.0, 9.0], None, None)  # type: ignore[list-item]
    grid = build_grid([odd, _curve("y", [0.5])], [], 3, "x", width, height)
    assert grid.height == height
    assert drawable_points([0, 1, None], [math.nan, 2.0, 0.5]) == ([1.0], [1.0])


def test_other_outcomes_are_dashed_and_the_legend_says_so() -> None:
    curves = [_curve("af", [0.8] * 41, band=None), _curve("c", [0.2] * 41, band=None)]
    grid = build_grid(curves, [], 40, "af", 50, 14)
    rows: dict[str, set[int]] = {"outcome-0": set(), "outcome-1": set()}
    for row in grid.rows[1:]:
        for x, cell in enumerate(row):
            if cell.fg in rows:
                rows[cell.fg].add(x)
    assert len(rows["outcome-0"]) == grid.canvas_width  # solid
    assert 0 < len(rows["outcome-1"]) < grid.canvas_width  # dashed: gaps
    legend = grid.text().splitlines()[0]
    assert "━━ af" in legend and "╍╍ c" in legend


def test_without_the_active_outcome_every_curve_is_solid() -> None:
    grid = build_grid([_curve("correct", [0.5] * 41, band=None)], [], 40, "blackmail", 50, 14)
    cells = [c for row in grid.rows[1:] for c in row if c.fg == "outcome-0"]
    assert len(cells) == grid.canvas_width
    assert "━━ correct" in grid.text().splitlines()[0]
