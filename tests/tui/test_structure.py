"""How the TUI is wired: remappable keys, events up as messages, no import circles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pilot import settle

import afscope
from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.keymap import KEYMAP_ENV
from afscope.tui.screens.browser import TraceBrowser
from afscope.tui.screens.explorer import ExplorerScreen
from afscope.tui.screens.help import HelpScreen
from afscope.tui.widgets.panels import TraceHeader
from afscope.tui.widgets.trace_lines import TraceLines

SIZE = (120, 40)
PACKAGE = Path(afscope.__file__).resolve().parent


async def test_a_keymap_remaps_explorer_keys_and_help_shows_them() -> None:
    app = AfscopeApp(sample_bundle_path(), keymap={"down": "ctrl+n", "next_important": "x"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None
        await pilot.press("g", "ctrl+n", "ctrl+n")
        assert app.state.position == 2
        await pilot.press("j")  # no longer bound
        assert app.state.position == 2
        await pilot.press("x")
        assert app.state.scores is not None and app.state.scores.highlighted[app.state.position]
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("#help-text").render())
        assert "ctrl+n" in shown and "Down" in shown
        assert "k, ↑" in shown  # bindings the key map leaves alone keep their keys


async def test_the_keymap_file_comes_from_the_environment(tmp_path, monkeypatch) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text(
        'up = "w,ctrl+k"\nno_such_action = "z"\ncompare_switch = "ctrl+w"\nbrowser_compare = "C"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(KEYMAP_ENV, str(keys))
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None
        await pilot.press("G", "w")
        assert app.state.position == app.state.sentence_count - 2
        messages = [n.message for n in app._notifications]
        # ids of the other screens (compare view, browser) are known: only the typo warns
        assert any(m.endswith("unknown binding ids no_such_action") for m in messages)


async def test_an_unreadable_keymap_is_a_warning(tmp_path, monkeypatch) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text("down = [", encoding="utf-8")
    monkeypatch.setenv(KEYMAP_ENV, str(keys))
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("cannot read the key map" in n.message for n in app._notifications)
        await pilot.press("g", "j")
        assert app.state is not None and app.state.position == 1


@pytest.mark.parametrize("how", ["enter", "click"])
async def test_the_header_opens_the_browser_through_a_message(how: str) -> None:
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if how == "enter":
            app.query_one(TraceHeader).focus()
            await pilot.press("enter")
        else:
            await pilot.click(TraceHeader)
        await settle(pilot)
        assert isinstance(app.screen, TraceBrowser)


async def test_clicking_a_sentence_moves_the_cursor_there() -> None:
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None
        await pilot.press("g")
        lines = app.query_one(TraceLines)
        await pilot.click(TraceLines, offset=(20, lines.first_line_of(3)))
        assert app.state.position == 3
        assert lines.cursor == 3


async def test_narrow_layout_follows_textual_breakpoints() -> None:
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-wide") and not app.screen.has_class("-narrow")
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert app.screen.has_class("-narrow")


def test_widgets_never_call_the_app() -> None:
    """Widgets post messages; only screens and the app decide what happens."""
    offenders = []
    for path in (PACKAGE / "tui" / "widgets").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for needle in ("app.action_", '"app.', "'app.", "screen_stack"):
            if needle in source:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def _imports() -> dict[str, set[str]]:
    """afscope module -> afscope modules it imports (TYPE_CHECKING imports included)."""
    modules = {
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
        for p in PACKAGE.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_no_import_circle_through_the_explorer_or_the_tui() -> None:
    graph = _imports()
    circles = []
    for start in graph:
        if not start.startswith(("afscope.tui", "afscope.explore")):
            continue
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            module = todo.pop()
            if module == start:
                circles.append(start)
                break
            if module not in seen:
                seen.add(module)
                todo.extend(graph[module])
    assert circles == []


def test_every_explorer_binding_has_an_id() -> None:
    ids = [b.id for b in ExplorerScreen.BINDINGS]  # type: ignore[union-attr]
    # 27 explorer keys + conditions, compare + rank, tag_stats, category, note
    # + next_pane, prev_pane, plot
    assert None not in ids and len(ids) == len(set(ids)) == 36
