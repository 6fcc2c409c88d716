"""``]`` and ``[``: the frame that shows the new trace holds only its lines, scrollbar and
header, drawn with the collector held; what follows (the collector, detail and plot, the
neighbours read ahead) comes after that frame, and keys pressed faster than frames still
end on the last trace's panels."""

from __future__ import annotations

import gc

from pilot import settle

from afscope.sample import sample_bundle_path
from afscope.tui import collector
from afscope.tui.app import AfscopeApp
from afscope.tui.widgets.panels import DetailPanel, TraceHeader
from afscope.tui.widgets.trace_lines import TraceLines

SIZE = (120, 36)


async def _quiet(pilot) -> None:
    """Wait until no worker runs, then for the debounced panels."""
    for _ in range(200):
        await pilot.pause(0.02)
        if not any(worker.is_running for worker in pilot.app.workers):
            break
    await pilot.pause(0.15)


def test_the_collector_held_for_a_frame_runs_again_and_leaves_a_callers_choice():
    try:
        collector.hold()
        assert not gc.isenabled()
        collector.hold()  # twice before a frame: one release starts it
        collector.release()
        assert gc.isenabled()
        collector.release()
        assert gc.isenabled()
        gc.disable()  # off by the caller's choice: neither call turns it on
        collector.hold()
        collector.release()
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_next_trace_frame_comes_before_the_panels_with_the_collector_held():
    """The new trace's lines are drawn while the collector is held; the detail and plot
    for it are drawn after that frame, with the collector running again."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        lines = screen.query_one(TraceLines)
        events: list[tuple[str, object, bool]] = []
        render_lines = lines.render_lines

        def lines_drawn(crop):
            events.append(("lines", lines._trace_key, gc.isenabled()))
            return render_lines(crop)

        draw_panels = screen._draw_panels

        def panels_drawn():
            events.append(("panels", app.state.data.trace_id, gc.isenabled()))
            draw_panels()

        lines.render_lines = lines_drawn
        screen._draw_panels = panels_drawn
        assert gc.isenabled()
        await pilot.press("right_square_bracket")
        await settle(pilot)
        shown = app.state.data.trace_id
        assert shown == app.state.trace_ids[1]
        first_lines = events.index(("lines", shown, False))
        panels = [n for n, event in enumerate(events) if event[:2] == ("panels", shown)]
        assert panels and first_lines < panels[0]
        assert events[panels[0]][2]  # the collector runs again before the panels
        assert screen._curves_key is not None and screen._curves_key[0] == shown
        assert gc.isenabled() and not collector._FRAME.stopped


async def test_keys_faster_than_frames_end_on_the_last_traces_panels():
    """``]`` held down: several traces are shown before a frame is drawn; once the
    screen settles it shows the last one, its detail and plot, and the collector runs."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        ids = app.state.trace_ids
        for _ in range(5):  # no frame between them; reads of traces not kept cancel
            screen.action_trace(1)  # the one before (``settle`` would raise on that)
        assert not gc.isenabled()
        await _quiet(pilot)
        last = app.state.data
        assert last.trace_id == ids[5]
        assert gc.isenabled() and not collector._FRAME.stopped
        assert f"trace 6/{len(ids)}" in str(screen.query_one(TraceHeader).render())
        assert screen._curves_key is not None and screen._curves_key[0] == ids[5]
        detail = screen.query_one(DetailPanel).text.plain
        screen._draw_panels()  # drawn again for the trace shown: nothing was stale
        assert screen.query_one(DetailPanel).text.plain == detail
        assert detail.startswith(f"sentence {last.indices[app.state.position]} ")


async def test_trace_strips_are_as_wide_as_the_pane():
    """Lines are drawn to the pane's width (under the scrollbar too), so they are used as
    they are; a line drawn at another width is still cut or padded to it."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = app.screen.query_one(TraceLines)
        width = lines.size.width
        top = int(lines.scroll_y)
        for y in range(lines.size.height):
            assert lines.render_line(y).cell_length == width
        narrow = lines._render(top).crop(0, width - 3)
        lines._cache.set(top, narrow)
        padded = lines.render_line(0)
        assert padded.cell_length == width
        assert padded.text == narrow.text + "   "


async def test_trace_colours_are_kept_across_traces_until_the_theme_changes():
    """Tints and the legend's direction colours depend on the theme alone: ``]`` reuses
    them, and draws the same lines as colours worked out afresh; a theme change works
    them out again."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = app.screen.query_one(TraceLines)
        tints = dict(lines._tints)
        directions = lines.direction_styles()
        assert tints
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert all(lines._tints[key] is style for key, style in tints.items())
        assert lines.direction_styles() == directions
        assert _screen_lines(lines) == _afresh(lines)
        app.theme = "textual-light"
        await settle(pilot)
        assert any(lines._tints.get(key) != style for key, style in tints.items())
        assert _screen_lines(lines) == _afresh(lines)


def _screen_lines(lines: TraceLines) -> list[list[tuple[str, object]]]:
    return [
        [(segment.text, segment.style) for segment in lines.render_line(y)]
        for y in range(lines.size.height)
    ]


def _afresh(lines: TraceLines) -> list[list[tuple[str, object]]]:
    """The lines drawn again with every kept colour worked out anew."""
    lines._restyle()
    return _screen_lines(lines)


async def test_the_collector_runs_again_when_the_app_quits_before_the_frame():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.action_trace(1)
        assert not gc.isenabled()
        app.exit()
    assert gc.isenabled() and not collector._FRAME.stopped
