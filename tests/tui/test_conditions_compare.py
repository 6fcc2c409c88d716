"""The conditions screen (C) and the compare view (V) driven with Pilot."""

from __future__ import annotations

import pytest
from pilot import settle

from afscope.analysis.conditions import condition_rates
from afscope.analysis.pairs import TIER, aligned_position
from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.screens.browser import TraceBrowser
from afscope.tui.screens.compare import CompareScreen
from afscope.tui.screens.conditions import ConditionsScreen
from afscope.tui.screens.export_dialog import ExportDialog

SIZE = (120, 40)


async def _compare(pilot) -> CompareScreen:
    await settle(pilot)
    await pilot.press("V")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    return screen


async def test_C_shows_the_same_numbers_as_the_command():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConditionsScreen)
        expected = condition_rates(app.state.bundle)
        assert screen.result.rates.equals(expected.rates)
        assert screen.result.differences.equals(expected.differences)
        await pilot.press("escape")
        assert not isinstance(app.screen, ConditionsScreen)


async def test_V_pairs_the_trace_with_the_same_query_in_the_other_tier():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _compare(pilot)
        left, right = (s.data for s in screen.compare.sides)
        assert left.trace_id == "01-original-free" and right.trace_id == "08-original-paid"
        assert left.trace["query"] == right.trace["query"]
        assert screen.compare.why == TIER
        await pilot.press("escape")
        assert not isinstance(app.screen, CompareScreen)


async def test_tab_switches_sides_and_sync_aligns_by_relative_position():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _compare(pilot)
        left, right = screen.compare.sides
        assert screen.compare.active == 0 and screen.compare.synced
        await pilot.press("j", "j", "j", "j", "j", "j")
        assert left.position == 6
        assert right.position == aligned_position(6, left.sentence_count, right.sentence_count)
        await pilot.press("tab")
        assert screen.compare.active == 1
        await pilot.press("G")
        assert right.position == right.sentence_count - 1
        assert left.position == left.sentence_count - 1  # last lines up with last
        await pilot.press("s")
        assert not screen.compare.synced
        await pilot.press("g")
        assert right.position == 0 and left.position == left.sentence_count - 1
        assert screen.query_one("#compare-side-1").has_class("-active")


async def test_export_from_compare_holds_both_sides_selections(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        screen = await _compare(pilot)
        await pilot.press("s", "j", "space", "tab", "j", "j", "space", "e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-path").value = "pair.md"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        text = (tmp_path / "pair.md").read_text()
        assert "## Trace 01-original-free" in text and "## Trace 08-original-paid" in text
        assert "### Sentence 1" in text and "### Sentence 2" in text
        assert screen.compare.export_choice() == {
            "01-original-free": [1],
            "08-original-paid": [2],
        }


async def test_without_a_counterpart_the_browser_picks_the_second_trace():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.open_trace("04-original-free")
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, TraceBrowser)
        browser.query_one("#browser-filter").value = "12-ablated"
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        ids = [s.data.trace_id for s in screen.compare.sides]
        assert ids == ["04-original-free", "12-ablated-free"]


@pytest.mark.parametrize("key", ["C", "V"])
async def test_keys_are_listed_on_the_help_screen(key):
    from afscope.tui.screens.explorer import ExplorerScreen

    assert any(b.key == key for b in ExplorerScreen.BINDINGS)


@pytest.mark.parametrize("width", [80, 120])
async def test_compare_footer_keeps_export_and_back_at_80_columns(width: int) -> None:
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        keys = [k for k in app.screen.query("FooterKey") if k.display]
        shown = {k.description for k in keys if not k.has_class("-command-palette")}
        assert {"Other side", "Export", "Back"} <= shown
        assert ("Select" in shown) == (width >= 120)
        for key in keys:  # every shown key lies on the screen
            assert key.region.x >= 0 and key.region.right <= width + 1
