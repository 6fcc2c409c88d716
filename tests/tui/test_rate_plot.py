"""The rate plot in the explorer: cursor column, cached layout, band shading, strip."""

from __future__ import annotations

import pytest
from builders import long_trace_bundle
from pilot import settle

from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.widgets.rate_plot import NO_COLOR_BAND, RatePlot

SIZE = (120, 36)


def _expected_column(app: AfscopeApp, plot: RatePlot) -> int | None:
    assert plot._grid is not None and app.state.data is not None
    return plot._grid.column_of(float(app.state.data.indices[app.state.position]))


async def test_cursor_follows_j_to_the_sentence_column():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plot = app.query_one(RatePlot)
        await pilot.press("g")
        await settle(pilot)
        assert plot.cursor_column == _expected_column(app, plot)
        first = plot.cursor_column
        for _ in range(10):
            await pilot.press("j")
        await settle(pilot)
        assert app.state.position == 10
        column = plot.cursor_column
        assert column == _expected_column(app, plot) and column is not None and first is not None
        assert column > first
        lines = plot.text().splitlines()
        grid = plot._grid
        assert grid is not None and grid.ticks_row is not None and grid.axis_row is not None
        assert lines[grid.axis_row][column] == "┴"  # the cursor meets the axis
        index = str(app.state.data.indices[10])
        assert index in lines[grid.ticks_row][column - 2 : column + 3]  # and is labelled


async def test_moving_the_cursor_reuses_the_cached_plot():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plot = app.query_one(RatePlot)
        builds = plot.builds
        assert builds >= 1
        for _ in range(5):
            await pilot.press("j")
            await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert plot.builds == builds  # the cursor is an overlay: no new layout

        await pilot.resize_terminal(110, 36)
        await settle(pilot)
        assert plot.builds > builds
        builds = plot.builds

        app.theme = "textual-light"
        await settle(pilot)
        assert plot.builds > builds
        builds = plot.builds

        outcome = app.state.settings.outcome
        await pilot.press("o")
        await settle(pilot)
        assert app.state.settings.outcome != outcome
        assert plot.builds > builds


async def test_long_trace_moves_without_layout():
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        app = AfscopeApp(long_trace_bundle(Path(tmp) / "long"))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            plot = app.query_one(RatePlot)
            builds = plot.builds
            await pilot.press("G")
            await settle(pilot)
            assert plot.cursor_column == _expected_column(app, plot)
            assert plot.builds == builds


async def test_direction_strip_shows_the_trace_glyphs():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plot = app.query_one(RatePlot)
        grid = plot._grid
        assert grid is not None and grid.marks_row is not None
        strip = plot.text().splitlines()[grid.marks_row]
        assert set(strip.strip()) <= set("▲△▼▽◆◇ ") and "▲" in strip and "▼" in strip


@pytest.mark.parametrize("how", ["ansi-theme", "no-color"])
async def test_band_is_shaded_where_tints_cannot_show(how, monkeypatch):
    if how == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plot = app.query_one(RatePlot)
        assert (NO_COLOR_BAND in plot.text()) == (how == "no-color")
        if how == "ansi-theme":
            app.theme = "ansi-dark"
            await settle(pilot)
            assert NO_COLOR_BAND in plot.text()
