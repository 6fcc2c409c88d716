"""In a browser session (``afscope serve``: ``App.is_web``) an export is a download."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from pilot import settle
from textual.app import App

from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.screens.export_dialog import ExportDialog

SIZE = (120, 40)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_served_export_is_delivered_to_the_browser_not_written(in_tmp):
    delivered: list[tuple[str, dict]] = []

    def deliver_text(self, path_or_file, **kwargs):
        delivered.append((path_or_file.read(), kwargs))
        return "key"

    app = AfscopeApp(sample_bundle_path())
    with (
        patch.object(App, "is_web", property(lambda self: True)),
        patch.object(App, "deliver_text", deliver_text),
    ):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            trace = app.state.data.trace_id
            idx = app.state.data.indices[app.state.position]
            await pilot.press("space", "e")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ExportDialog)
            assert "download" in str(dialog.query_one("Label").render())
            dialog.query_one("#export-path").value = "sub/dir/found it.md"
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, ExportDialog)
    assert len(delivered) == 1
    text, options = delivered[0]
    assert options["save_filename"] == "found_it.md"
    assert options["mime_type"] == "text/markdown"
    assert f"## Trace {trace}" in text and f"### Sentence {idx}:" in text
    assert "Exported by afscope" in text
    assert list(in_tmp.iterdir()) == []  # nothing written on the server


async def test_terminal_export_still_writes_the_file(in_tmp):
    with patch.object(App, "deliver_text") as deliver:
        app = AfscopeApp(sample_bundle_path())
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("space", "e")
            await pilot.pause()
            app.screen.query_one("#export-path").value = "here.md"
            await pilot.press("enter")
            await settle(pilot)
    deliver.assert_not_called()
    assert "Exported by afscope" in (in_tmp / "here.md").read_text()


async def test_returning_to_an_earlier_width_reuses_its_wrapping():
    """textual-serve resizes the terminal as a browser connects; a width seen before reuses
    its cached wrapping (this once raised UnboundLocalError in TraceLines._rewrap)."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = app.screen.query_one("TraceLines")
        before = lines.virtual_size
        lines._wrapped_width = -1  # as if another width had been drawn since
        lines._rewrap()  # the current width is cached: no rewrap, same size
        assert lines.virtual_size == before and len(lines._lines) == before.height
