"""Selecting sentences and exporting them from the TUI."""

from __future__ import annotations

import pytest
from pilot import settle

from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.screens.export_dialog import ExportDialog

SIZE = (120, 40)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_range_and_high_importance_selection():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        trace = app.state.data.trace_id
        await pilot.press("g", "j", "v", "j", "j", "j")
        assert app.state.range_anchor == 1 and not app.state.selection
        await pilot.press("v")
        assert app.state.range_anchor is None
        assert app.state.selection == {(trace, i) for i in (1, 2, 3, 4)}
        await pilot.press("v", "j", "escape")
        assert app.state.range_anchor is None and len(app.state.selection) == 4
        await pilot.press("a")
        high = {
            (trace, idx)
            for idx, h in zip(app.state.data.indices, app.state.scores.highlighted, strict=True)
            if h
        }
        assert high and high <= app.state.selection


async def test_export_dialog_writes_markdown_with_context(in_tmp):
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        idx = app.state.data.indices[app.state.position]
        await pilot.press("space", "right_square_bracket")
        await settle(pilot)
        await pilot.press("space", "e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        field = dialog.query_one("#export-path")
        assert field.value.startswith("02-original-free-") and field.value.endswith(".md")
        field.value = "notes.md"
        dialog.query_one("#export-context").value = True
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        text = (in_tmp / "notes.md").read_text()
        assert "## Trace 01-original-free" in text and "## Trace 02-original-free" in text
        assert f"### Sentence {idx}:" in text and "*Context, sentence" in text
        assert [p.name for p in in_tmp.iterdir()] == ["notes.md"]


async def test_export_asks_before_overwriting_an_earlier_export(in_tmp):
    earlier = "# afscope export\n\nold\n\nExported by afscope 0.1.0 from x.\n"
    (in_tmp / "notes.md").write_text(earlier)
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#export-path").value = "notes.md"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert "exists" in str(dialog.query_one("#export-warning").render())
        assert (in_tmp / "notes.md").read_text() == earlier
        await pilot.press("enter")
        await settle(pilot)
        text = (in_tmp / "notes.md").read_text()
        assert text.startswith("# afscope export") and "old" not in text


async def test_export_never_overwrites_a_file_it_did_not_write(in_tmp):
    (in_tmp / "notes.md").write_text("keep me")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#export-path").value = "notes.md"
        await pilot.press("enter")
        await pilot.pause()
        assert "not an earlier afscope export" in str(dialog.query_one("#export-warning").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        assert (in_tmp / "notes.md").read_text() == "keep me"


async def test_export_failure_is_a_notification_not_a_crash(in_tmp):
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-path").value = "missing-folder/notes.md"
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("export failed" in m and "cannot write here" in m for m in messages)


async def test_cancel_and_copy_to_clipboard():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportDialog)
        await pilot.press("y")
        idx = app.state.data.indices[app.state.position]
        assert app.clipboard.startswith("# afscope export")
        assert f"### Sentence {idx}:" in app.clipboard
        messages = [n.message for n in app._notifications]
        assert "copied 1 sentence as Markdown (OSC 52)" in messages


async def test_dialog_checkboxes_show_their_state_without_colour(in_tmp, monkeypatch):
    """Under NO_COLOR a checkbox reads [x] or [ ]: its state never rests on colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        box = app.screen.query_one("#export-context")
        assert str(box.render()).startswith("[ ] include one sentence")
        await pilot.press("tab", "tab", "space")
        await pilot.pause()
        assert box.value and str(box.render()).startswith("[x] include one sentence")
        app.screen.query_one("#export-path").value = "ctx.md"
        await pilot.press("enter")  # on a checkbox, enter exports (space toggles)
        await settle(pilot)
        assert not isinstance(app.screen, ExportDialog)
        assert "*Context, sentence" in (in_tmp / "ctx.md").read_text()


async def test_dialog_exports_the_compact_style_with_the_command_that_reproduces_it(in_tmp):
    """A selection across traces, compact: one row per sentence, and the provenance names
    the bundled sample and the ``afscope export --select`` line that writes it again."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.state.data.trace_id
        await pilot.press("space", "right_square_bracket")
        await settle(pilot)
        second = app.state.data.trace_id
        await pilot.press("space", "j", "space", "e")
        await pilot.pause()
        dialog = app.screen
        assert dialog.query_one("#export-summary").render().plain == (
            "Export 3 sentences from 2 traces to Markdown"
        )
        dialog.query_one("#export-path").value = "paper.md"
        dialog.query_one("#export-compact").value = True
        dialog.query_one("#export-alternatives").value = True
        await pilot.press("enter")
        await settle(pilot)
        text = (in_tmp / "paper.md").read_text()
        rows = [line for line in text.splitlines() if line.startswith(f"| {first} ")]
        rows += [line for line in text.splitlines() if line.startswith(f"| {second} ")]
        assert len(rows) == 3
        assert "from bundled sample." in text and "site-packages" not in text
        command = text.split("Reproduce: `", 1)[1].split("`", 1)[0]
        assert command.startswith(f"afscope export --select {first}=")
        assert f"--select {second}=" in command and "--style compact" in command
        assert "--alternatives 3" in command
        messages = [n.message for n in app._notifications]
        assert "exported 3 sentences to paper.md" in messages


async def test_category_and_note_go_out_with_the_sentence(tmp_path):
    """What the researcher adds with c and i is exported with the sentence (copy, y)."""
    app = AfscopeApp(sample_bundle_path(), notes_path=tmp_path / "n.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", *"turning point", "enter")
        await settle(pilot)
        await pilot.press("i", *"see <b>the | RLHF</b> line", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "- categories: turning point" in app.clipboard
        assert "- note: see \\<b>the | RLHF\\</b> line" in app.clipboard
