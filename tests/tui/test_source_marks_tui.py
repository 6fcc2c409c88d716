"""The explorer shows where a Thought Anchors source is doubtful: a dim line where
sentences are missing, ``!`` beside sentences a source warning names, and a note in the
detail panel."""

from __future__ import annotations

import pytest
from pilot import settle
from support import SHARED_DATA
from ta_builders import shifted_folder

from afscope.tui.app import AfscopeApp
from afscope.tui.widgets.panels import DetailPanel
from afscope.tui.widgets.trace_lines import TraceLines

SIZE = (120, 40)


def _lines(app: AfscopeApp) -> list[str]:
    lines = app.query_one(TraceLines)
    return ["".join(s.text for s in lines._render(y)) for y in range(lines.line_count)]


def _line_of(app: AfscopeApp, sentence_idx: int) -> str:
    lines = app.query_one(TraceLines)
    position = app.state.data.indices.index(sentence_idx)
    return "".join(s.text for s in lines._render(lines.first_line_of(position)))


async def test_gap_line_marks_and_detail_notes(tmp_path):
    app = AfscopeApp(shifted_folder(tmp_path / "scenario_1", gap=3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = _lines(app)
        gap = shown.index(next(line for line in shown if "missing" in line))
        assert shown[gap].strip() == "… sentence 3 missing in the source …"
        assert "    2 " in shown[gap - 1] and "    4!" in shown[gap + 1]  # between 2 and 4
        assert "    2 " in _line_of(app, 2) and "!" not in _line_of(app, 2)[:10]
        assert _line_of(app, 5)[7] == "!"  # the evidence slot of the gutter
        app.state.go_to_sentence(5)
        await pilot.press("j")  # to sentence 6; the panels redraw
        await settle(pilot)
        detail = app.query_one(DetailPanel).text.plain
        assert "! alternatives may be misaligned with this sentence" in detail
        assert "! published importance contradicts the published rates" in detail
        await pilot.press("g")
        await settle(pilot)
        assert "! " not in str(app.query_one("#detail").render())


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")
async def test_the_published_scenario_shows_sentence_22_missing():
    folder = SHARED_DATA / "deepseek-r1" / "no_base_solution" / "scenario_0"
    app = AfscopeApp(folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("… sentence 22 missing in the source …" in line for line in _lines(app))
        assert _line_of(app, 24)[7] == "!"
        assert _line_of(app, 21)[7] != "!"


def test_help_explains_the_mark():
    from afscope.tui.glyphs import SOURCE_WARNING
    from afscope.tui.screens.help import LEGEND

    assert "source contradicts itself" in dict(LEGEND)[SOURCE_WARNING]
