"""The ranking (R) and statistics-by-tag (S) screens, driven with Pilot; snapshots."""

from __future__ import annotations

import threading
from pathlib import Path

import polars as pl
import pytest
from pilot import settle

from afscope.analysis.categories import load_rules
from afscope.analysis.notes import load_notes
from afscope.problems import BundleError, Problem
from afscope.sample import sample_bundle_path
from afscope.text import one_line
from afscope.tui.app import AfscopeApp
from afscope.tui.screens import rank as rank_module
from afscope.tui.screens.explorer import ExplorerScreen
from afscope.tui.screens.rank import RankScreen, middle
from afscope.tui.screens.tag_stats import TagChart, TagStatsScreen

RULES = Path(__file__).parents[2] / "sample_data" / "alignment_faking_categories.toml"
SIZES = [(80, 24), (160, 48)]


async def test_rank_filter_toggle_enter_and_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    notes = tmp_path / "notes.json"
    app = AfscopeApp(sample_bundle_path(), notes_path=notes)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RankScreen)
        total = screen.table.rows.height
        await pilot.press(*"condition=paid")
        await settle(pilot)
        rows = screen.table.rows
        assert 0 < rows.height < total and set(rows["condition"].to_list()) == {"paid"}
        assert rows["signed"][0] == max(v for v in rows["signed"].to_list() if v is not None)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen.direction == "suppresses" and screen.table.rows["signed"][0] < 0
        await pilot.press("escape")
        start = screen.table.cursor
        first, second = screen.table.key_at(start), screen.table.key_at(start + 1)
        await pilot.press("space", "space")  # two sentences (space moves down)
        await pilot.press("escape")  # back to the explorer
        await settle(pilot)
        assert app.state is not None and {first, second} <= app.state.selection
        await pilot.press("R")
        await settle(pilot)
        await pilot.press(*"variant=ablated", "escape", "down", "down")
        target = app.screen.table.key_at(app.screen.table.cursor)
        await pilot.press("enter")
        await settle(pilot)
        assert app.state.data is not None
        assert (app.state.data.trace_id, app.state.sentence_idx) == target
        # select across traces, then export through the one export path
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        exported = list(tmp_path.glob("*.md"))
        assert len(exported) == 1
        text = exported[0].read_text()
        assert f"{first[0]}" in text and f"{second[0]}" in text
    saved = load_notes(notes)
    assert {first, second} <= saved.selection and saved.last == target


async def test_rank_builds_in_a_worker_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """While the rows are built the screen answers keys and shows "ranking…"; what was
    typed meanwhile applies when they arrive."""
    release = threading.Event()
    build = rank_module.sentence_frame

    def slow_frame(*args: object, **kwargs: object) -> pl.DataFrame:
        assert release.wait(10)
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rank_module, "sentence_frame", slow_frame)
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        release.clear()
        await pilot.press("R")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RankScreen) and not screen.ready
        assert "ranking…" in str(screen.query_one("#rank-status").render())
        await pilot.press(*"condition=paid")  # the UI thread is free: keys are handled
        assert screen.filter_text == "condition=paid" and screen.table.rows.height == 0
        release.set()
        await settle(pilot)
        rows = screen.table.rows
        assert screen.ready and rows.height and set(rows["condition"].to_list()) == {"paid"}
        assert "sentences" in str(screen.query_one("#rank-status").render())


@pytest.mark.parametrize(
    "error",
    [RuntimeError("boom"), BundleError([Problem("sentences.parquet", "unreadable")])],
    ids=["unexpected", "bundle"],
)
async def test_rank_failure_is_a_notification(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def broken(*args: object, **kwargs: object) -> pl.DataFrame:
        raise error

    monkeypatch.setattr(rank_module, "sentence_frame", broken)
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ExplorerScreen)  # back where R was pressed
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("cannot rank: ") for m in messages), messages
        assert any(("boom" in m) or ("unreadable" in m) for m in messages)


def test_middle_keeps_both_ends_of_long_ids() -> None:
    long = "deepseek-r1-distill-llama-8b/correct_base_solution/problem_4164"
    assert middle(long, 18) == "deeps…problem_4164"
    assert middle("20-ablated-paid", 15) == "20-ablated-paid"


@pytest.mark.parametrize("width", [80, 160])
async def test_rank_rows_are_readable(width: int) -> None:
    """Every width shows the whole sample trace id, the header over its column and at
    least 25 characters of the sentence itself."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        table = app.screen.table
        header, first = (str(table.render_line(y).text) for y in (0, 1))
        row = table.rows.row(0, named=True)
        assert row["trace_id"] in first
        assert header.index("trace") == first.index(row["trace_id"])
        assert one_line(row["text"])[:25] in first


async def test_search_text_across_traces() -> None:
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("slash", *"monitored", "enter")
        await settle(pilot)
        texts = app.screen.table.rows["text"].to_list()
        assert texts and all("monitored" in t.lower() for t in texts)
        before = len(texts)
        await pilot.press("ctrl+a")  # extend to resampled alternatives
        await settle(pilot)
        assert app.screen.table.rows.height >= before


async def test_stats_screen_keys_and_enter_opens_ranking() -> None:
    app = AfscopeApp(sample_bundle_path(), category_rules=load_rules(RULES))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TagStatsScreen) and screen.by == "tags"
        assert screen.stats["group"][0] == "value_conflict"
        await pilot.press("b")
        await settle(pilot)
        assert screen.by == "categories"
        await pilot.press("c")
        await settle(pilot)
        assert "difference" in screen.stats.columns
        await pilot.press("enter")
        await settle(pilot)
        rank = app.screen
        assert isinstance(rank, RankScreen)
        assert rank.filter_text == "category=value_conflict"
        assert all("value_conflict" in c for c in rank.table.rows["categories"].to_list())


async def test_stats_chart_shows_every_group_at_80x24() -> None:
    """More groups than chart rows: the chart shows a window that follows the table cursor
    and says so; every label in it is drawn (none overwritten by a neighbour)."""
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TagStatsScreen)
        chart = screen.query_one(TagChart)
        groups = screen.stats["group"].to_list()
        assert len(groups) > chart.capacity  # the case this test is about
        seen: set[str] = set()
        for cursor in range(len(groups)):
            start, end = chart.window
            assert start <= cursor < end
            drawn = str(chart.render())
            assert f"groups {start + 1}-{end} of {len(groups)}" in drawn
            for group in groups[start:end]:
                assert one_line(group, 20) in drawn  # 80 columns: labels of 20
                seen.add(group)
            await pilot.press("down")
            await pilot.pause()
        assert seen == set(groups)


async def test_category_and_note_persist_and_show(tmp_path: Path) -> None:
    notes = tmp_path / "n.json"
    app = AfscopeApp(sample_bundle_path(), notes_path=notes)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("c", *"turning point", "enter")
        await settle(pilot)
        await pilot.press("i", *"[bold]not markup", "enter")
        await settle(pilot)
        key = (app.state.data.trace_id, app.state.sentence_idx)
        detail = app.screen.query_one("#detail").text.plain
        assert "[bold]not markup" in str(detail)
    saved = load_notes(notes)
    assert saved.sentences[key].categories == ["turning point"]
    assert saved.sentences[key].note == "[bold]not markup"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_rank_snapshot(snap_compare, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.pause(0.3)

    assert snap_compare(AfscopeApp(sample_bundle_path()), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
def test_stats_snapshot(snap_compare, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)

    assert snap_compare(AfscopeApp(sample_bundle_path()), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize(
    ("key", "screen", "essential"),
    [
        ("R", RankScreen, {"Back", "Open in trace", "Select", "Export selection"}),
        ("S", TagStatsScreen, {"Back", "Rank this tag", "By tags/categories/notes", "Outcome"}),
    ],
)
async def test_footers_keep_the_essential_keys_at_80_columns(key, screen, essential) -> None:
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        keys = [k for k in app.screen.query("FooterKey") if k.display]
        shown = {k for k in keys if not k.has_class("-command-palette")}
        assert essential <= {k.description for k in shown}
        palette = [k for k in keys if k.has_class("-command-palette")]
        end = palette[0].region.x if palette else 80
        assert all(k.region.right <= end + 1 for k in shown)  # none cut by the palette key
