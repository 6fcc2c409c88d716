"""The read the ``open`` command starts before importing Textual, and its hand-over."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot import settle

from afscope.problems import BundleError
from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.opening import Opening, first_trace
from afscope.tui.screens.error import ErrorScreen


def test_opening_reads_the_trace_list_and_the_first_trace():
    opened, first = Opening(sample_bundle_path()).result()
    assert first is not None
    assert first.trace_id == opened.bundle.trace_ids()[0]
    assert first.sentences.height > 0


def test_opening_raises_what_opening_raised(tmp_path: Path):
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(BundleError):
        Opening(tmp_path).result()


def test_a_first_trace_that_cannot_be_read_is_left_to_the_explorer():
    def fails(trace_id: str):
        raise KeyError(trace_id)

    assert first_trace(fails, ["t1"]) is None
    assert first_trace(fails, []) is None


async def test_the_app_shows_the_trace_read_ahead():
    path = sample_bundle_path()
    app = AfscopeApp(path, opening=Opening(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.state is not None and app.state.data is not None
        assert app.state.data.trace_id == app.state.trace_ids[0]
        assert app.state.scores is not None


async def test_a_failed_read_ahead_is_the_error_screen(tmp_path: Path):
    (tmp_path / "manifest.json").write_text("{}")
    app = AfscopeApp(tmp_path, opening=Opening(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)


def test_the_collector_paused_for_the_start_runs_again_and_leaves_a_callers_choice():
    import gc

    from afscope.tui import collector

    try:
        collector.pause()
        assert not gc.isenabled()
        collector.resume()
        assert gc.isenabled()
        gc.disable()  # off by the caller's choice: neither call turns it on
        collector.pause()
        collector.resume()
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


async def test_the_app_starts_the_paused_collector_after_its_first_frame():
    import gc

    from afscope.tui import collector

    path = sample_bundle_path()
    collector.pause()
    try:
        app = AfscopeApp(path, opening=Opening(path))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        collector.resume()
        gc.enable()
        gc.unfreeze()
