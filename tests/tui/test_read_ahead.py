"""``]`` and ``[`` show traces read ahead while the explorer was idle (no worker round
trip), and what is kept stays bounded and never shows stale notes."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from builders import long_trace_bundle
from pilot import settle, steady_browser

from afscope.explore.read_ahead import KEPT_TRACES, ReadAhead, files_stamp
from afscope.explore.source_marks import trace_marks
from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.widgets.panels import TraceHeader
from afscope.tui.widgets.trace_lines import KEPT_WRAPS, TraceLines, wrap_trace

SIZE = (120, 40)


async def test_next_trace_read_ahead_is_shown_without_a_read():
    """After a trace is drawn its neighbours are read; ``]`` then shows the next one at
    once (no worker), with the same lines as a trace read and wrapped on the key."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        ids = app.state.trace_ids
        assert ids[1] in screen._read_ahead and ids[-1] in screen._read_ahead
        loads: list[str] = []
        screen._load_trace = loads.append
        await pilot.press("right_square_bracket")
        assert loads == []
        assert app.state.data.trace_id == ids[1]
        await settle(pilot)
        lines = screen.query_one(TraceLines)
        data = app.state.data
        texts = data.sentences["text"].to_list()
        assert lines._texts == texts
        fresh = wrap_trace(texts, trace_marks(data), lines._wrapped_width, app.console)
        assert lines._lines == fresh[0] and lines.line_starts == fresh[1]
        assert f"trace 2/{len(ids)}" in str(screen.query_one(TraceHeader).render())
        await pilot.press("left_square_bracket")  # back: the trace shown before is kept
        assert loads == [] and app.state.data.trace_id == ids[0]


async def test_traces_kept_stay_bounded():
    """Walking through traces keeps the shown one, the one before and the neighbours."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        for _ in range(6):
            await pilot.press("right_square_bracket")
            await settle(pilot)
            assert len(screen._read_ahead) <= KEPT_TRACES
            assert len(screen.query_one(TraceLines)._wraps) <= KEPT_WRAPS
        ids = app.state.trace_ids
        assert {ids[5], ids[6], ids[7]} <= set(screen._read_ahead._kept)


async def test_a_long_trace_is_read_ahead_and_wrapped(tmp_path: Path):
    """The one-trace bundle: its only neighbour is itself, already shown and kept."""
    app = AfscopeApp(long_trace_bundle(tmp_path / "long", sentences=300))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert len(screen._read_ahead) == 1
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.state.data.trace_id == "long"


def test_read_ahead_drops_the_least_recently_used(tiny_bundle: Path):
    from afscope.bundle.reader import Bundle
    from afscope.explore.read_ahead import trace_bytes
    from afscope.explore.state import ExplorerState

    state = ExplorerState(Bundle.open(tiny_bundle))
    stamp = files_stamp(state.bundle)
    first, second = (state.load(t) for t in state.trace_ids[:2])
    kept = ReadAhead(traces=1)
    kept.keep(first, stamp)
    kept.keep(second, stamp)
    assert first.trace_id not in kept and kept.get(second.trace_id, stamp) is second
    assert kept.size == trace_bytes(second)
    small = ReadAhead(traces=4, max_bytes=trace_bytes(first) - 1)
    small.keep(first, stamp)  # larger than the bound on its own: not kept
    assert len(small) == 0 and small.size == 0
    both = ReadAhead(traces=4, max_bytes=trace_bytes(first) + trace_bytes(second))
    both.keep(first, stamp)
    both.keep(second, stamp)
    assert both.get(first.trace_id, stamp) is first  # now the most recent
    both.keep(second, stamp)  # kept again: counted once
    assert len(both) == 2 and both.size == trace_bytes(first) + trace_bytes(second)


def test_a_trace_read_from_files_changed_since_is_not_used(tiny_bundle: Path):
    """A bundle rewritten while open: what was read before is dropped, so the next read
    reports the damage as it would without read-ahead."""
    from afscope.bundle.reader import Bundle
    from afscope.explore.state import ExplorerState

    state = ExplorerState(Bundle.open(tiny_bundle))
    before = files_stamp(state.bundle)
    data = state.load(state.trace_ids[0])
    kept = ReadAhead()
    kept.keep(data, before)
    table = state.bundle.table_path("sentences")
    assert table is not None
    table.write_bytes(table.read_bytes() + b"\0")
    now = files_stamp(state.bundle)
    assert now != before
    assert kept.get(data.trace_id, now) is None and len(kept) == 0 and kept.size == 0
    table.unlink()
    assert files_stamp(state.bundle) != now


async def test_a_trace_kept_shows_the_notes_written_since(tmp_path: Path):
    """Notes live in the notes file, not in the trace kept: a note written on a trace,
    then left and shown again from memory, is in its detail panel."""
    app = AfscopeApp(sample_bundle_path(), notes_path=tmp_path / "n.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("i", *"kept but current", "enter")
        await settle(pilot)
        shown = app.state.data.trace_id
        await pilot.press("left_square_bracket")
        await settle(pilot)
        screen = app.screen
        assert shown in screen._read_ahead
        loads: list[str] = []
        screen._load_trace = loads.append
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert loads == [] and app.state.data.trace_id == shown
        assert "kept but current" in str(screen.query_one("#detail").text.plain)


async def test_a_read_under_way_does_not_land_after_a_trace_shown_from_memory():
    """``]`` on a trace not read yet starts a read; ``[`` back to one kept shows it at
    once, and the slow read, when it ends, does not replace it."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        state = app.state
        ids = state.trace_ids
        screen._read_ahead = ReadAhead()
        screen._read_ahead.keep(state.data, files_stamp(state.bundle))
        screen._read_neighbours = lambda: None
        release = threading.Event()
        load = state.load

        def slow(trace_id: str):
            if trace_id == ids[1]:
                release.wait(10)
            return load(trace_id)

        state.load = slow
        await pilot.press("right_square_bracket")  # not kept: a read starts and waits
        await pilot.press("left_square_bracket")  # kept: shown at once
        assert state.data.trace_id == ids[0]
        release.set()
        await settle(pilot)
        assert state.data.trace_id == ids[0] and state.trace_index == 0


async def test_browser_rows_are_built_ahead_and_t_waits_for_that_build(monkeypatch):
    """The first trace drawn, the browser's rows are built in the background; ``t``
    pressed before they are ready shows the browser when they are (one build)."""
    import afscope.explore.browser as browser_module
    from afscope.tui.screens.browser import TraceBrowser

    built: list[tuple[str, str]] = []
    release = threading.Event()
    original = browser_module.browser_rows

    def slow(bundle, outcome, metric):
        release.wait(10)
        built.append((outcome, metric))
        return original(bundle, outcome, metric)

    monkeypatch.setattr(browser_module, "browser_rows", slow)
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        while app.state is None or app.state.data is None:
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        screen = app.screen
        assert screen._browser_building == (app.state.settings.outcome, app.state.settings.metric)
        await pilot.press("t")
        assert not isinstance(app.screen, TraceBrowser)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, TraceBrowser)
        assert len(built) == 1


def _screen(app: AfscopeApp) -> str:
    """The screen as SVG, without the export's own id (it differs between exports)."""
    return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


async def test_browser_reopened_looks_as_when_first_opened_and_follows_the_theme():
    """Reopening skips Textual's restyle of the browser's widgets unless the theme
    changed since it was last shown: the same screen as the first open, and the new
    theme's colours after a change."""
    from textual.color import Color

    from afscope.tui.screens.browser import BrowserTable, TraceBrowser

    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await steady_browser(pilot)
        first = _screen(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TraceBrowser)
        assert _screen(app) == first
        await pilot.press("escape")
        await settle(pilot)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        table = app.screen.query_one(BrowserTable)
        surface = app.current_theme.surface
        assert surface is not None
        assert table.styles.background == Color.parse(surface)


async def test_browser_screen_is_mounted_ahead_and_the_first_t_shows_it(
    monkeypatch, tmp_path: Path
):
    """Once its rows are built the browser is composed and mounted while idle, never
    drawn: the explorer stays current, and the first ``t`` shows that kept screen with
    the rows, cursor and look of a browser mounted on the key."""
    from afscope.tui.screens.browser import BrowserTable, TraceBrowser
    from afscope.tui.screens.explorer import ExplorerScreen

    app = AfscopeApp(sample_bundle_path(), notes_path=tmp_path / "ahead.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        browser = screen._browser
        assert isinstance(screen, ExplorerScreen) and isinstance(browser, TraceBrowser)
        assert browser.is_mounted and browser not in app.screen_stack
        await pilot.press("right_square_bracket")  # the cursor follows the trace shown
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is browser
        table = browser.query_one(BrowserTable)
        assert table.rows["raw_id"].to_list() == sorted(app.state.trace_ids)
        assert browser.selected_id() == app.state.trace_ids[1]
        await steady_browser(pilot)
        kept = _screen(app)

    monkeypatch.setattr(ExplorerScreen, "_mount_browser_ahead", lambda self, rows: None)
    app = AfscopeApp(sample_bundle_path(), notes_path=tmp_path / "on_key.json")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen._browser is None
        await pilot.press("right_square_bracket")  # each app its own notes: same trace
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await steady_browser(pilot)
        assert _screen(app) == kept


async def test_t_pressed_before_the_browser_is_mounted_ahead_opens_it_once(monkeypatch):
    """``t`` between the rows being built and the browser mounted ahead: the key mounts
    it, the idle step then leaves it alone (one browser, still shown)."""
    from afscope.tui.screens.browser import TraceBrowser
    from afscope.tui.screens.explorer import ExplorerScreen

    pending: list[tuple[ExplorerScreen, object]] = []
    original = ExplorerScreen._mount_browser_ahead
    monkeypatch.setattr(
        ExplorerScreen, "_mount_browser_ahead", lambda self, rows: pending.append((self, rows))
    )
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        while not pending:
            await pilot.pause(0.02)
        explorer = app.screen
        assert explorer._browser is None
        await pilot.press("t")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, TraceBrowser) and browser is explorer._browser
        original(*pending[0])  # the idle step, after the key
        await settle(pilot)
        assert app.screen is browser and len(app.screen_stack) == 2
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is explorer and explorer._browser is browser


async def test_browser_mounted_ahead_takes_a_theme_changed_before_the_first_t():
    from textual.color import Color

    from afscope.tui.screens.browser import BrowserTable

    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen._browser is not None
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        surface = app.current_theme.surface
        assert surface is not None
        assert app.screen.query_one(BrowserTable).styles.background == Color.parse(surface)


async def test_a_trace_of_another_length_draws_as_after_a_full_layout():
    """``]`` to a trace of another length sets the pane's scroll range and scrollbar
    without laying out the screen (both overflow the pane); the screen is the one a
    layout would give."""
    from textual.geometry import Size

    from afscope.tui.widgets.trace_lines import GUTTER

    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = app.screen.query_one(TraceLines)
        for key in ("right_square_bracket", "right_square_bracket", "left_square_bracket"):
            before = lines.virtual_size.height
            await pilot.press(key)
            await settle(pilot)
            assert lines.virtual_size.height != before  # the sample's traces differ
            assert lines.virtual_size == Size(lines._wrapped_width + GUTTER, lines.line_count)
            bar = lines.vertical_scrollbar
            assert bar.window_virtual_size == lines.line_count
            drawn = _screen(app)
            app.screen.refresh(layout=True)
            await settle(pilot)
            assert _screen(app) == drawn


async def test_browser_mounted_ahead_settles_off_screen_and_the_first_t_only_draws(
    monkeypatch,
):
    """While idle the hidden browser is laid out, rendered once and its update timer
    started, and nothing of it is drawn: the first ``t`` then lays nothing out and its
    first frame is the browser's, as on the later opens."""
    from textual.screen import Screen

    from afscope.tui.screens.browser import BrowserTable, TraceBrowser
    from afscope.tui.widgets.footer import KeyFooter

    drawn: list[Screen] = []
    layouts: list[Screen] = []
    ticks: list[Screen] = []
    display, layout, tick = AfscopeApp._display, Screen._refresh_layout, Screen._on_timer_update

    def record_display(self, screen, renderable):
        if renderable is not None:
            drawn.append(screen)
        display(self, screen, renderable)

    def record_layout(self, size=None, scroll=False):
        layouts.append(self)
        layout(self, size, scroll)

    def record_tick(self):
        ticks.append(self)
        tick(self)

    monkeypatch.setattr(AfscopeApp, "_display", record_display)
    monkeypatch.setattr(Screen, "_refresh_layout", record_layout)
    monkeypatch.setattr(Screen, "_on_timer_update", record_tick)
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        browser = app.screen._browser
        assert isinstance(browser, TraceBrowser) and not browser.is_current
        assert not any(isinstance(screen, TraceBrowser) for screen in drawn)
        assert browser in ticks  # its timer runs: the key's frame needs no first interval
        table, footer = browser.query_one(BrowserTable), browser.query_one(KeyFooter)
        assert table.size.height == SIZE[1] - 5  # status, filter input (3), footer
        assert footer.children and all(key.size.width for key in footer.children)
        assert table._cache.get(0) is not None  # rendered once: the rows in view formatted
        drawn.clear()
        layouts.clear()
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is browser
        assert drawn and drawn[0] is browser
        assert browser not in layouts


async def test_terminal_resized_before_the_first_t_lays_the_browser_out_anew():
    """A browser settled ahead at one size and first shown at another fills the new
    size, as a browser mounted on the key does."""
    from afscope.tui.screens.browser import BrowserTable, TraceBrowser

    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen._browser, TraceBrowser)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TraceBrowser)
        assert app.screen.query_one(BrowserTable).size.height == 30 - 5
        await steady_browser(pilot)
        settled = _screen(app)

    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await steady_browser(pilot)
        assert _screen(app) == settled
