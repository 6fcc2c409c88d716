"""Names from the input (trace ids, label columns, file names) never act as markup or
escape sequences: in the command palette, the header and import warnings."""

from __future__ import annotations

from pathlib import Path

from builders import MARKUP_IDS, markup_ids_bundle
from pilot import settle
from ta_builders import web_folder
from textual.widgets import Static

from afscope.tui.app import AfscopeApp
from afscope.tui.screens.error import ErrorScreen
from afscope.tui.widgets.panels import TraceHeader

SIZE = (120, 30)
DANGEROUS = ("\x1b", "\x07", "\x9b")


def _palette_prompts(app: AfscopeApp) -> list[str]:
    from textual.command import CommandList

    commands = app.screen.query_one(CommandList)
    return [
        str(commands.get_option_at_index(i).prompt).splitlines()[0]
        for i in range(commands.option_count)
    ]


async def test_palette_shows_markup_trace_ids_literally(tmp_path: Path) -> None:
    app = AfscopeApp(markup_ids_bundle(tmp_path / "b"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")  # discovery lists every trace: "run-x[/]" used to crash
        await pilot.pause(0.3)
        prompts = _palette_prompts(app)
        for trace_id in MARKUP_IDS:
            assert f"Go to trace {trace_id}" in prompts
        await pilot.press(*"click")
        await pilot.pause(0.3)
        prompts = _palette_prompts(app)
        assert prompts[0] == "Go to trace [@click=app.quit]x"
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running  # the id was not a live quit action
        assert app.state is not None and app.state.data is not None
        assert app.state.data.trace_id == "[@click=app.quit]x"


async def test_header_shows_markup_ids_and_labels_literally(tmp_path: Path) -> None:
    app = AfscopeApp(markup_ids_bundle(tmp_path / "b"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = str(app.query_one(TraceHeader).render())
        assert "x=no" in header  # the first trace's label
        assert app.state is not None and app.state.data is not None
        assert app.state.data.trace_id in header  # literal, brackets and all


async def test_escape_laden_label_column_is_refused_cleanly(tmp_path: Path) -> None:
    """A label column for an undeclared outcome never reaches the header: the open path
    refuses the bundle, and the error screen names it without its escape sequences."""
    app = AfscopeApp(markup_ids_bundle(tmp_path / "b", hostile_label=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        text = app.screen.query_one("#error-text", Static).render().plain  # type: ignore[union-attr]
        assert not any(c in text for c in DANGEROUS)
        assert "is not declared in manifest.json" in text
        assert app.screen._problems[0].file.endswith("traces.parquet")


async def test_import_warnings_are_cleaned_and_never_markup(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    web_folder(root / "problem_1")
    broken = root / "problem_2\x1b]2;PWNED\x07\x9b31m [@click=app.quit]q [bold]b"
    broken.mkdir(parents=True)
    (broken / "chunks.json").write_text("{not json", encoding="utf-8")
    app = AfscopeApp(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert warnings, "the broken folder is reported"
        for note in warnings:
            assert not note.markup
            assert not any(c in note.message for c in DANGEROUS)
        assert any("problem_2 [@click=app.quit]q [bold]b" in n.message for n in warnings)
        assert app.is_running
