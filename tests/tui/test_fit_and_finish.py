"""Keyboard only: the help screen scrolls, the detail pane takes focus and scrolls, the
footer keeps export/help/quit at 80 columns, the plot hides, the legend and the search
count are on the main screen."""

from __future__ import annotations

from itertools import pairwise

import pytest
from pilot import settle

from afscope.explore.detail import Effect, MetricValue, RateChange, SentenceDetail
from afscope.explore.settings import ViewSettings
from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.screens.browser import cell_text
from afscope.tui.screens.help import HelpScreen
from afscope.tui.widgets.legend import Legend, legend_text
from afscope.tui.widgets.panels import (
    FOCUSED_TITLE,
    TITLE,
    DetailPanel,
    TraceHeader,
    detail_text,
)
from afscope.tui.widgets.rate_plot import RatePlot
from afscope.tui.widgets.trace_lines import TraceLines


async def test_help_scrolls_with_the_keyboard_and_lists_each_key_once():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        box = help_screen.box
        text = help_screen.query_one("#help-text").render().plain
        # the legend comes first: above the fold
        assert text.index("Glyphs") < text.index("Keys")
        assert box.max_scroll_y > 0
        await pilot.press("pagedown")
        assert box.scroll_y > 0
        page = box.scroll_y
        await pilot.press("j")
        assert box.scroll_y == page + 1
        await pilot.press("k", "k")
        assert box.scroll_y == page - 1
        await pilot.press("G")
        assert box.scroll_y == box.max_scroll_y
        await pilot.press("g")
        assert box.scroll_y == 0
        await pilot.press("space")
        assert box.scroll_y > 0
        await pilot.press("home")
        assert box.scroll_y == 0
        await pilot.press("down", "end")
        assert box.scroll_y == box.max_scroll_y
        await pilot.press("pageup")
        assert 0 < box.scroll_y < box.max_scroll_y
        rows = [line.split() for line in text.splitlines()]
        keys = [row[0].rstrip(",") for row in rows if row]
        assert "n/N" not in keys
        assert keys.count("n") == 1 and keys.count("N") == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_tab_focuses_the_detail_which_scrolls_and_escape_returns():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        detail = app.query_one(DetailPanel)
        trace = app.query_one(TraceLines)
        assert app.focused is trace and detail.border_title == TITLE
        assert detail.max_scroll_y > 0  # the sample's detail is taller than the pane
        height = detail.region.height
        position = app.state.position
        await pilot.press("tab")
        assert app.focused is detail and detail.border_title == FOCUSED_TITLE
        await pilot.press("j", "j")
        assert detail.scroll_y == 2
        assert app.state.position == position  # scrolls the detail, not the cursor
        await pilot.press("G")
        assert detail.scroll_y == detail.max_scroll_y
        await pilot.press("k")
        assert detail.scroll_y == detail.max_scroll_y - 1
        await pilot.press("g")
        assert detail.scroll_y == 0
        await pilot.press("pagedown")
        assert detail.scroll_y > 0
        await pilot.press("escape")
        assert app.focused is trace and detail.border_title == TITLE
        # a cursor move shows the new sentence from its top, in a pane of the same size
        await pilot.press("shift+tab")
        assert isinstance(app.focused, TraceHeader)
        await pilot.press("tab", "j")
        await settle(pilot)
        assert app.state.position == position + 1
        assert detail.scroll_y == 0 and detail.region.height == height
        assert f"sentence {app.state.sentence_idx}" in detail.text.plain


async def test_detail_height_stays_put_across_moves():
    """The detail pane's size comes from CSS: moving the cursor never changes it (a new
    height would force a layout of the whole screen)."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        detail = app.query_one(DetailPanel)
        regions = set()
        heights = set()
        await pilot.press("g")
        await settle(pilot)
        layouts = []
        screen = app.screen
        layout = screen._refresh_layout
        screen._refresh_layout = lambda *a, **k: layouts.append(1) or layout(*a, **k)
        for key in "jnjnjnjnjnjn":  # plain and high-importance sentences: unlike details
            await pilot.press(key)
            await settle(pilot)
            regions.add(detail.region)
            heights.add(detail.virtual_size.height)
        assert len(regions) == 1
        assert len(heights) > 1  # while the texts differ in length
        assert not layouts  # the moves repainted panes, never laid out the screen


@pytest.mark.parametrize("width", [80, 100, 110, 120, 160])
async def test_footer_keeps_export_help_and_quit_at_every_width(width):
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        keys = [key for key in app.screen.query("FooterKey") if key.display]
        palette = [key for key in keys if key.has_class("-command-palette")]
        bindings = sorted((k for k in keys if k not in palette), key=lambda k: k.region.x)
        descriptions = {key.description for key in bindings}
        assert {"Next important", "Outcome", "Plot", "Export", "Help", "Quit"} <= descriptions
        if width >= 120:
            assert {"Metric", "Traces", "Search", "Select"} <= descriptions
        # each shown key lies on screen, before the palette key, none overlapping the next
        end = palette[0].region.x if palette else width
        assert bindings[-1].region.right <= end + 1  # its trailing space may sit under it
        for left, right in pairwise(bindings):
            assert left.region.width > 0 and left.region.right <= right.region.x


async def test_p_hides_and_shows_the_plot_for_the_session():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        plot = app.query_one(RatePlot)
        detail = app.query_one(DetailPanel)
        assert plot.region.height > 0
        tall = detail.region.height
        await pilot.press("p")
        await settle(pilot)
        assert plot.region.height == 0 and detail.region.height > tall
        await pilot.press("right_square_bracket")  # another trace: still hidden
        await settle(pilot)
        assert plot.region.height == 0
        await pilot.press("p")
        await settle(pilot)
        assert plot.region.height > 0 and plot._curves


async def test_legend_line_explains_glyphs_in_the_width():
    for size in ((80, 24), (120, 36), (160, 48)):
        app = AfscopeApp(sample_bundle_path())
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            legend = app.query_one(Legend)
            text = legend.text.plain
            assert "▲ promotes" in text and "▼ suppresses" in text and "· negligible" in text
            assert "△▽" in text
            assert len(text) <= legend.content_region.width
            if size[0] >= 160:
                assert "hollow: not high importance" in text
                assert "source doubtful" not in text  # the sample has no source warnings
                assert "smaller |importance|" in text
            await pilot.press("m", "m")  # resampling, then the first KL metric if any
            await settle(pilot)
            metric = app.state.settings.metric
            signed = {m.name: m.signed for m in app.state.bundle.manifest.metrics}[metric]
            assert ("◆ unsigned" in legend.text.plain) == (not signed)


async def test_search_count_shows_right_after_enter():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"rlhf", "enter")
        count = len(app.state.matches)
        assert count > 1
        header = app.query_one(TraceHeader).render().plain
        assert f"{count} matches for /rlhf" in header.splitlines()[2][:80]
        assert any(f"{count} matches" in str(n.message) for n in app._notifications)


async def test_query_is_cut_with_an_ellipsis_at_80_columns():
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        query_line = app.query_one(TraceHeader).render().plain.splitlines()[1]
        assert "…" in query_line and "alignment_faking=yes" in query_line
        assert len(query_line) <= 78


def test_browser_cells_and_detail_text_never_show_negative_zero():
    assert cell_text(-0.0, 5, signed=True).strip() == "0.00"
    assert cell_text(-0.3, 5, signed=True).strip() == "-0.30"
    assert cell_text(0.42, 5, signed=True).strip() == "+0.42"
    assert cell_text(3526, 8).strip() == "3,526"
    assert cell_text(None, 5).strip() == "-"
    detail = SentenceDetail(
        sentence_idx=4,
        text="x",
        tags=[],
        rates=[RateChange("a", 0.5, 10, 0.5, 10, (0.24, 0.76), (0.24, 0.76))],
        metrics=[MetricValue("a", "m", 0.0, -0.0, -0.0, 0.0, False)],
        incoming=[Effect(2, -0.0001, None)],
    )
    text = detail_text(detail, ViewSettings("a", "m")).plain
    assert "-0.0" not in text
    assert "a/m: 0.000 [0.00, 0.00] negligible" in text
    assert "a rate 0.50 → 0.50, n=10" in text and "95% [0.24, 0.76] → [0.24, 0.76]" in text


async def test_detail_and_help_keys_can_be_remapped_without_a_warning():
    keymap = {"detail_down": "J", "help_page_down": "f", "plot": "P"}
    app = AfscopeApp(sample_bundle_path(), keymap=keymap)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not any("unknown" in str(n.message) for n in app._notifications)
        await pilot.press("tab", "J")
        assert app.query_one(DetailPanel).scroll_y == 1
        await pilot.press("escape", "P")
        await settle(pilot)
        assert app.query_one(RatePlot).region.height == 0
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("f")
        assert app.screen.box.scroll_y > 0


def test_legend_names_the_source_warning_mark_only_where_a_trace_has_one():
    plain = legend_text(200).plain
    doubtful = legend_text(200, doubtful=True).plain
    assert "!" not in plain and "! source doubtful" in doubtful
    assert doubtful.index("! source doubtful") < doubtful.index("● selected")
    for width in (80, 100, 120):
        assert len(legend_text(width, doubtful=True).plain) <= width
