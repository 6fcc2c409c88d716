"""Each key's effect on the explorer's state, driven with Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import HOSTILE, hostile_bundle, long_trace_bundle
from pilot import settle

from afscope.explore.browser import SORTABLE, STRONGEST_FIRST
from afscope.explore.scores import most_important, next_highlight, score_sentences
from afscope.explore.settings import THRESHOLD_STEP
from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.screens.browser import TraceBrowser
from afscope.tui.screens.error import ErrorScreen
from afscope.tui.screens.help import HelpScreen
from afscope.tui.widgets.footer import KeyFooter
from afscope.tui.widgets.rate_plot import RatePlot
from afscope.tui.widgets.trace_lines import TraceLines

SIZE = (120, 40)


def _line_text(app: AfscopeApp, y: int) -> str:
    lines = app.query_one(TraceLines)
    return "".join(segment.text for segment in lines._render(y))


async def test_opens_the_sample_on_its_most_important_sentence():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state.data is not None and app.state.data.trace_id == app.state.trace_ids[0]
        assert app.state.settings.outcome == "alignment_faking"
        assert app.state.settings.metric == "counterfactual"
        expected = most_important(score_sentences(app.state.data, app.state.settings))
        assert app.state.position == expected
        assert app.state.scores.importance[app.state.position] == app.state.scores.peak
        assert app.focused is app.query_one(TraceLines)


async def test_movement_keys():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        last = app.state.data.sentences.height - 1
        await pilot.press("g")
        assert app.state.position == 0
        await pilot.press("j", "j", "down")
        assert app.state.position == 3
        await pilot.press("k", "up")
        assert app.state.position == 1
        await pilot.press("G")
        assert app.state.position == last
        await pilot.press("j")
        assert app.state.position == last
        await pilot.press("g", "ctrl+d")
        down = app.state.position
        assert down > 1
        await pilot.press("ctrl+u")
        assert app.state.position < down


async def test_next_and_previous_important():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        first = next_highlight(app.state.scores, 0, 1)
        assert first is not None
        await pilot.press("n")
        assert app.state.position == first
        assert app.state.scores.highlighted[app.state.position]
        second = next_highlight(app.state.scores, first, 1)
        await pilot.press("n")
        assert app.state.position == second
        await pilot.press("N")
        assert app.state.position == first


async def test_threshold_and_top_k():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state.settings.mode == "top_k"  # the default: the strongest five
        assert sum(app.state.scores.highlighted) == 5
        await pilot.press("plus")
        assert app.state.settings.top_k == 4 and sum(app.state.scores.highlighted) == 4
        await pilot.press("K")
        assert app.state.settings.mode == "threshold"
        start = app.state.settings.threshold
        before = sum(app.state.scores.highlighted)
        await pilot.press("plus")
        assert app.state.settings.threshold == pytest.approx(start + THRESHOLD_STEP)
        assert sum(app.state.scores.highlighted) <= before
        await pilot.press("minus", "minus")
        assert app.state.settings.threshold == pytest.approx(start - THRESHOLD_STEP)
        assert sum(app.state.scores.highlighted) >= before


async def test_outcome_and_metric_cycle_and_recolour():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = list(app.state.scores.importance)
        await pilot.press("o")
        assert app.state.settings.outcome == "compliance"
        assert app.state.scores.importance != before
        await pilot.press("o")
        assert app.state.settings.outcome == "alignment_faking"
        await pilot.press("m")
        assert app.state.settings.metric == "resampling"
        await pilot.press("m")
        assert app.state.settings.metric == "counterfactual"


async def test_trace_switching_keeps_settings_and_selection():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o", "space")
        chosen = (app.state.data.trace_id, app.state.data.indices[app.state.position])
        assert app.state.selection == {chosen}
        assert "●" in _line_text(app, app.query_one(TraceLines).first_line_of(app.state.position))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.state.data.trace_id == app.state.trace_ids[1]
        assert app.state.settings.outcome == "compliance"
        await pilot.press("space")
        assert len(app.state.selection) == 2
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.state.data.trace_id == chosen[0]
        assert chosen in app.state.selection
        lines = app.query_one(TraceLines)
        line = _line_text(app, lines.first_line_of(app.state.data.indices.index(chosen[1])))
        assert "●" in line
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.state.data.trace_id == app.state.trace_ids[-1]


async def test_trace_browser_filters_sorts_and_opens():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, TraceBrowser)
        assert browser.table.rows.height == 20
        await pilot.press(*"orig paid")
        assert browser.table.rows["raw_id"].to_list() == [
            "08-original-paid",
            "09-original-paid",
            "10-original-paid",
        ]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TraceBrowser)
        assert app.state.data.trace_id == "09-original-paid"


async def test_next_trace_shows_its_lines_before_the_panels():
    """``]``: the new trace's lines and header go out in the first frame; the detail and
    the plot's grid for the new trace follow after it (they were a quarter of the key)."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        seen: list[tuple[str, str | None]] = []
        ready = screen._trace_ready

        def spy(data):
            ready(data)
            seen.append((data.trace_id, screen._curves_key and screen._curves_key[0]))

        screen._trace_ready = spy
        before = app.state.data.trace_id
        await pilot.press("right_square_bracket")
        await settle(pilot)
        after = app.state.data.trace_id
        assert seen == [(after, before)]  # lines shown; plot still the old trace's
        assert screen._curves_key[0] == after  # then the panels for the new one
        assert app.state.trace_index + 1 == 2


async def test_browser_is_kept_between_opens_and_reopens_as_new():
    """``t`` shows the same mounted browser each time (mounting it was most of ``t``'s
    time), reset as a new one would be: no filter, sorted by trace, cursor on the trace
    now shown."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, TraceBrowser)
        await pilot.press(*"orig paid")
        await pilot.press("ctrl+s", "ctrl+r", "down", "enter")
        await settle(pilot)
        opened = app.state.data.trace_id
        await pilot.press("right_square_bracket")
        await settle(pilot)
        shown = app.state.data.trace_id
        assert shown != opened
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is first
        assert first.query_one("#browser-filter").value == ""
        assert (first.sort_column, first.descending) == ("trace_id", False)
        assert first.table.rows.height == 20
        assert first.selected_id() == shown
        assert first.query_one("#browser-filter").has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TraceBrowser)
        assert app.state.data.trace_id == shown


async def test_browser_sorts_by_peaks_and_rollouts():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        browser = app.screen
        seen = []
        for _ in SORTABLE:
            await pilot.press("ctrl+s")
            column = browser.sort_column
            seen.append(column)
            if column not in STRONGEST_FIRST:
                continue
            values = browser.table.rows[column].to_list()
            present = [v for v in values if v is not None]  # traces without one go last
            assert values == present + [None] * (len(values) - len(present)), column
            # each numeric column starts with its strongest value (most negative for ▼peak)
            assert present == sorted(present, reverse=STRONGEST_FIRST[column]), column
            status = str(browser.query_one("#browser-status").render())
            assert "strongest first" in status or "most first" in status
        assert {"rollouts", "peak_promotes", "peak_suppresses"} <= set(seen)
        while browser.sort_column != "peak_suppresses":
            await pilot.press("ctrl+s")
        strongest = browser.table.rows["peak_suppresses"][0]
        await pilot.press("ctrl+r")
        assert browser.table.rows["peak_suppresses"].drop_nulls()[-1] == strongest
        await pilot.press("escape")
        assert not isinstance(app.screen, TraceBrowser)


async def test_search_and_next_match():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g", "slash", *"rlhf", "enter")
        assert app.state.search_query == "rlhf"
        assert app.state.matches
        texts = app.state.data.sentences["text"].to_list()
        assert all("rlhf" in texts[m].lower() for m in app.state.matches)
        assert app.state.position == app.state.matches[0]
        if len(app.state.matches) > 1:
            await pilot.press("semicolon")
            assert app.state.position == app.state.matches[1]
            await pilot.press("comma")
            assert app.state.position == app.state.matches[0]
        await pilot.press("slash", "escape")
        assert app.focused is app.query_one(TraceLines)
        # letters that are also explorer keys go into the search box, not to the bindings
        await pilot.press("slash", "L", "K", "n")
        assert app.query_one("#search").value == "LKn"
        assert not app.state.settings.include_low_evidence and app.state.settings.mode == "top_k"


async def test_help_screen_and_quit():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_command_palette_switches_metric_and_goes_to_sentence():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Metric: resampling")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.settings.metric == "resampling"
        await pilot.press("ctrl+p", *"#12")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.data.indices[app.state.position] == 12


async def test_bad_bundle_shows_an_error_screen_and_exits_2(tmp_path):
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "manifest.json").write_text("{broken")
    app = AfscopeApp(bundle)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert any("unreadable JSON" in str(p) for p in app.problems)
        await pilot.press("q")
    assert app.return_code == 2


async def test_hostile_text_is_shown_literally_and_without_escapes(tmp_path):
    app = AfscopeApp(hostile_bundle(tmp_path / "evil"))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        lines = app.query_one(TraceLines)
        shown = "\n".join(_line_text(app, y) for y in range(lines.line_count))
        assert "\x1b" not in shown and "\x07" not in shown and "\x00" not in shown
        assert "[bold red]not bold[/bold red]" in shown
        assert "Title attack  and clear  screen." in shown
        header = str(app.query_one("#header").render())
        assert "\x1b" not in header and "[b]q[/b]" in header
        await pilot.press("g", "j", "j")
        await settle(pilot)
        detail = app.query_one("#detail").text.plain
        assert "\x1b" not in detail
        assert HOSTILE[2] in detail


async def test_two_thousand_sentence_trace(tmp_path):
    app = AfscopeApp(long_trace_bundle(tmp_path / "long"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state.data.sentences.height == 2000
        lines = app.query_one(TraceLines)
        assert lines.line_count >= 2000
        await pilot.press("G")
        assert app.state.position == 1999
        assert lines.scroll_y > 1900
        assert "1999" in _line_text(app, lines.first_line_of(1999))
        await pilot.press("g", "n")
        assert app.state.scores.highlighted[app.state.position]
        plot = app.query_one(RatePlot)
        assert len(plot._curves[0].x) <= plot.size.width


async def test_narrow_terminal_stacks_the_panes():
    """At 80x24 the trace gets the room (the plot starts hidden); p stacks the plot in."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-narrow")
        assert app.query_one(TraceLines).region.height >= 10
        assert app.query_one(RatePlot).region.height == 0
        await pilot.press("p")
        await settle(pilot)
        trace = app.query_one(TraceLines).region
        plot = app.query_one(RatePlot).region
        assert plot.height >= 8 and plot.y >= trace.y + trace.height - 1
        assert trace.height >= 6
        assert app.query_one("#detail").region.x > plot.x  # beside the plot


async def test_opens_a_thought_anchors_folder(tmp_path):
    from ta_builders import web_folder

    app = AfscopeApp(web_folder(tmp_path / "problem_1"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state.data.trace_id == "problem_1"
        assert app.state.settings.outcome == "correct"
        # the most important sentence is 3 (|direction| 0.7), drawn as suppressing
        assert app.state.data.indices[app.state.position] == 3
        assert app.state.scores.kind(app.state.position) == "suppresses"


def test_sample_path_exists():
    assert Path(sample_bundle_path()).is_dir()


async def test_browser_rows_built_once_per_outcome_and_footer_kept(monkeypatch):
    import afscope.explore.browser as browser_module
    import afscope.tui.screens.explorer as explorer_module

    built: list[tuple[str, str]] = []
    original = browser_module.browser_rows

    def counting(bundle, outcome, metric):
        built.append((outcome, metric))
        return original(bundle, outcome, metric)

    monkeypatch.setattr(browser_module, "browser_rows", counting)
    monkeypatch.setattr(explorer_module, "browser_rows", counting, raising=False)

    def footer_actions(app) -> list[str]:
        footer = app.screen.query_one(KeyFooter)
        return [a for w in footer.children if (a := getattr(w, "action", None)) is not None]

    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer_keys = footer_actions(app)
        assert "export" in explorer_keys
        for _ in range(2):
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, TraceBrowser)
            assert app.screen.table.rows.height == 20
            assert "dismiss_none" in footer_actions(app)
            await pilot.press("escape")
            await settle(pilot)
            assert footer_actions(app) == explorer_keys
        assert len(built) == 1  # the second `t` reused the rows
        await pilot.press("o")  # another outcome: its own rows
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TraceBrowser)
        assert len(built) == 2 and built[0] != built[1]
