"""Screenshots at fixed sizes (pytest-textual-snapshot): 80x24 and 160x48.

Update after an intended visual change with ``pytest --snapshot-update tests/tui``.
"""

from __future__ import annotations

import pytest
from pilot import settle, steady_browser
from support import SHARED_DATA
from ta_builders import web_folder

from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp

SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_sample_bundle(snap_compare, size):
    assert snap_compare(AfscopeApp(sample_bundle_path()), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_sample_after_keys(snap_compare, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("o", "n", "space", "K")

    assert snap_compare(AfscopeApp(sample_bundle_path()), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_thought_anchors_folder(snap_compare, size, tmp_path):
    folder = web_folder(tmp_path / "problem_1")
    assert snap_compare(AfscopeApp(folder), terminal_size=size, run_before=settle)


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_published_blackmail_scenario(snap_compare, size):
    folder = SHARED_DATA / "deepseek-r1" / "no_base_solution" / "scenario_0"
    assert snap_compare(AfscopeApp(folder), terminal_size=size, run_before=settle)


def test_trace_browser(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await steady_browser(pilot)

    assert snap_compare(
        AfscopeApp(sample_bundle_path()), terminal_size=(120, 30), run_before=run_before
    )


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_conditions_screen(snap_compare, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)

    assert snap_compare(AfscopeApp(sample_bundle_path()), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_compare_view(snap_compare, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        await pilot.press("j", "j", "tab", "j")
        await settle(pilot)

    assert snap_compare(AfscopeApp(sample_bundle_path()), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=["80x24", "120x36"])
def test_sample_light_theme(snap_compare, size):
    """A light theme: the plot's curves, band, strip and cursor must read on it too."""

    async def run_before(pilot):
        pilot.app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)

    assert snap_compare(AfscopeApp(sample_bundle_path()), terminal_size=size, run_before=run_before)


def test_colorblind_preset(snap_compare, monkeypatch):
    """``colors = "colorblind"``: Okabe-Ito orange and blue for the two directions."""
    monkeypatch.setenv("AFSCOPE_COLORS", "colorblind")
    assert snap_compare(AfscopeApp(sample_bundle_path()), terminal_size=(80, 24), run_before=settle)
