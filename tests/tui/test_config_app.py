"""The user's config in the app: colours, remembered theme, keys, bad files, every theme
readable, and the outcome that follows the trace."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pilot import settle
from support import SHARED_DATA
from ta_builders import scenario_folder, web_folder
from textual.color import Color
from textual.theme import BUILTIN_THEMES
from textual.widget import Widget

from afscope.config import PRESETS, state_path
from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.contrast import MIN_CONTRAST, TEXT_CONTRAST, contrast
from afscope.tui.widgets.rate_plot import RatePlot
from afscope.tui.widgets.trace_lines import GUTTER, TraceLines

SIZE = (120, 36)


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``config.toml`` under a private XDG_CONFIG_HOME (and state under XDG_STATE_HOME)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    path = tmp_path / "config" / "afscope" / "config.toml"
    path.parent.mkdir(parents=True)
    return path


def _colour(widget: Widget, name: str) -> Color:
    colour = widget.get_component_rich_style(name, partial=True).color
    assert colour is not None and colour.triplet is not None
    return Color(*colour.triplet)


def _messages(app: AfscopeApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_colorblind_preset_recolours_the_trace(config_file: Path) -> None:
    config_file.write_text('colors = "colorblind"\n', encoding="utf-8")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = app.query_one(TraceLines)
        assert _colour(lines, "trace--promotes") == Color.parse(PRESETS["colorblind"].promotes)
        assert _colour(lines, "trace--suppresses") == Color.parse("#0072B2")
        plot = app.query_one(RatePlot)  # the plot's direction strip and outcome curves
        assert _colour(plot, "rate-plot--suppresses") == Color.parse("#0072B2")
        outcome = _colour(plot, "rate-plot--outcome-0")
        assert outcome == Color.parse(PRESETS["colorblind"].outcomes[0])
        preset = PRESETS["colorblind"]
        assert outcome not in {Color.parse(preset.promotes), Color.parse(preset.suppresses)}
        # a strongly suppressing sentence is tinted with the preset's blue
        state = app.state
        assert state is not None and state.scores is not None
        kinds = [state.scores.kind(p).value for p in range(state.sentence_count)]
        position = kinds.index("suppresses")
        strip = lines._render(lines.first_line_of(position))
        background = Color.from_rich_color(list(strip)[-1].style.bgcolor)
        assert background.b > background.r  # blended toward blue, not purple-red


async def test_explicit_colours_override_the_preset(config_file: Path) -> None:
    config_file.write_text('colors = "colorblind"\npromotes = "#00aa00"\n', encoding="utf-8")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = app.query_one(TraceLines)
        assert _colour(lines, "trace--promotes") == Color.parse("#00aa00")
        assert _colour(lines, "trace--suppresses") == Color.parse("#0072B2")


async def test_a_theme_picked_in_the_app_is_remembered(config_file: Path) -> None:
    text = '# mine\ntheme = "textual-dark"  # keep\n'
    config_file.write_text(text, encoding="utf-8")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        app.theme = "nord"  # what the palette's "Change theme" does
        await settle(pilot)
    assert config_file.read_text(encoding="utf-8") == text  # the user's file is untouched
    again = AfscopeApp(sample_bundle_path())
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
        assert not any("theme" in m for m in _messages(again))


async def test_keys_remapped_in_the_config_work(config_file: Path) -> None:
    config_file.write_text('[keys]\ndown = "ctrl+n"\ntop_k = "T"\n', encoding="utf-8")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None
        await pilot.press("g", "ctrl+n", "ctrl+n", "j")
        assert app.state.position == 2
        await pilot.press("T")
        assert app.state.settings.mode == "threshold"
        assert app.state.mode_key == "T"


async def test_a_bad_config_warns_and_keeps_the_defaults(config_file: Path) -> None:
    config_file.write_text(
        'theme = "no-such-theme"\ntop_k = 0\ncolors = "sepia"\n[keys]\nnope = "z"\n',
        encoding="utf-8",
    )
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None and app.state.settings.top_k == 5
        assert app.theme == "textual-dark"
        messages = _messages(app)
        assert any(str(config_file) in m and "top_k" in m and "whole number" in m for m in messages)
        assert any("colors" in m and '"colorblind"' in m for m in messages)
        assert any("theme" in m and "no-such-theme" in m for m in messages)
        assert any("unknown binding ids nope" in m for m in messages)
        lines = app.query_one(TraceLines)
        assert _colour(lines, "trace--promotes") == Color.parse(PRESETS["default"].promotes)


async def test_broken_toml_warns_and_the_explorer_still_opens(config_file: Path) -> None:
    config_file.write_text("theme = [\n", encoding="utf-8")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None and app.state.data is not None
        assert any("not valid TOML" in m for m in _messages(app))
        await pilot.press("n")


async def test_environment_settings_reach_the_explorer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFSCOPE_MODE", "threshold")
    monkeypatch.setenv("AFSCOPE_THRESHOLD", "0.3")
    monkeypatch.setenv("AFSCOPE_OUTCOME", "compliance")
    monkeypatch.setenv("AFSCOPE_THEME", "textual-light")
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None
        settings = app.state.settings
        assert (settings.mode, settings.threshold, settings.outcome) == (
            "threshold",
            0.3,
            "compliance",
        )
        assert app.theme == "textual-light"
    assert not state_path(os.environ).exists()  # a configured theme is not "picked"


# -- every built-in theme is readable -------------------------------------------------------
def _gutter_pairs(
    lines: TraceLines, concrete: bool = True, text: bool = False
) -> list[tuple[str, Any, Any]]:
    """(text, colour, background) of every gutter segment on screen: indices, glyphs
    (as Textual colours, or as Rich's own when ``concrete`` is False); with ``text`` the
    sentences' segments instead."""
    pairs: list[tuple[str, Any, Any]] = []
    for y in range(lines.size.height):
        x = 0
        for segment in lines.render_line(y):
            in_gutter, x = x < GUTTER, x + segment.cell_length
            if in_gutter == text:
                continue
            style = segment.style
            if not segment.text.strip() or style is None or style.color is None:
                continue
            assert style.bgcolor is not None
            if not concrete:
                pairs.append((segment.text, style.color, style.bgcolor))
                continue
            pairs.append(
                (
                    segment.text,
                    Color.from_rich_color(style.color),
                    Color.from_rich_color(style.bgcolor),
                )
            )
    return pairs


async def test_indices_and_glyphs_are_readable_on_every_builtin_theme() -> None:
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = app.query_one(TraceLines)
        for theme in sorted(BUILTIN_THEMES):
            app.theme = theme
            await settle(pilot)
            if "ansi" in theme:  # the terminal's palette: indices in its default colours
                pairs = _gutter_pairs(lines, concrete=False)
                indices = [(c, b) for text, c, b in pairs if text.strip(" ▶●?").isdigit()]
                assert indices, theme
                assert all(c.is_system_defined and b.is_system_defined for c, b in indices)
                continue
            pairs = _gutter_pairs(lines)
            assert len(pairs) > 20, theme
            assert {"·", "▲", "▼"} & {text for text, _, _ in pairs}, theme
            for text, colour, background in pairs:
                ratio = contrast(colour, background)
                assert ratio >= MIN_CONTRAST, f"{theme}: {text!r} {colour.hex} on {background.hex}"
            for words, colour, background in _gutter_pairs(lines, text=True):
                ratio = contrast(colour, background)
                assert ratio >= TEXT_CONTRAST, (
                    f"{theme}: {words!r} {colour.hex} on {background.hex}"
                )
            # the unsigned (KL) glyph's ink too, which the sample's metrics do not show
            _, pane = lines.background_colors
            unsigned = lines.ink("trace--unsigned").color
            assert unsigned is not None
            assert contrast(Color.from_rich_color(unsigned), pane) >= MIN_CONTRAST, theme


# -- the outcome follows the trace ----------------------------------------------------------
async def test_a_mixed_folder_starts_on_an_outcome_the_trace_has(tmp_path: Path) -> None:
    web_folder(tmp_path / "m" / "correct_base_solution" / "problem_1")
    scenario_folder(tmp_path / "m" / "yes_base_solution" / "scenario_3")
    app = AfscopeApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None and app.state.settings.outcome == "correct"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.state.settings.outcome == "blackmail"
        assert "outcome: blackmail (this trace has no correct)" in _messages(app)
        await pilot.press("g", "n")
        assert app.state.scores is not None and app.state.scores.highlighted[app.state.position]


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")
async def test_the_shared_thought_anchors_folder_shows_glyphs_on_both_traces() -> None:
    app = AfscopeApp(SHARED_DATA)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None
        for _ in app.state.trace_ids:
            assert app.state.scores is not None and app.state.scores.peak > 0
            assert app.state.highlighted_count == 5
            await pilot.press("g", "n")
            assert app.state.scores.highlighted[app.state.position]
            await pilot.press("right_square_bracket")
            await settle(pilot)


async def test_hostile_config_values_are_shown_literally(config_file: Path) -> None:
    config_file.write_text(
        '"\\u001b[2J[bold]k" = 1\ntheme = "\\u001b]0;x\\u0007[@click=app.quit]t"\n',
        encoding="utf-8",
    )
    app = AfscopeApp(sample_bundle_path())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.state is not None and app.state.data is not None  # still running
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 2
        for note in warnings:
            assert "\x1b" not in note.message and "\x07" not in note.message
            assert not note.markup
