"""The afscope explorer app: state, key routing and workers; drawing lives in widgets.

Data flows one way: a worker opens the source (bundle or Thought Anchors folder), another
loads one trace at a time (``afscope.explore``), and the UI thread only turns the
resulting models into widgets. Nothing here reads files on the UI thread.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from afscope.bundle.reader import Bundle
from afscope.bundle.schema import OUTCOME_PREFIX
from afscope.explore.browser import browser_rows
from afscope.explore.detail import sentence_detail
from afscope.explore.plot_data import Curve, rate_curves
from afscope.explore.scores import SentenceScores, most_important, next_highlight, score_sentences
from afscope.explore.search import find_positions, next_match
from afscope.explore.settings import ViewSettings, default_settings
from afscope.explore.trace_data import TraceData, load_trace
from afscope.problems import BundleError, Problem
from afscope.readers import open_source
from afscope.tui.commands import ExplorerCommands
from afscope.tui.screens.browser import TraceBrowser
from afscope.tui.screens.error import ErrorScreen
from afscope.tui.screens.help import HelpScreen
from afscope.tui.selection_actions import SelectionActions
from afscope.tui.widgets.panels import DetailPanel, TraceHeader, detail_text, header_text
from afscope.tui.widgets.rate_plot import RatePlot
from afscope.tui.widgets.trace_lines import TraceLines

NARROW = 100
PANEL_DELAY = 0.06


class AfscopeApp(SelectionActions, App[None]):
    """Explore one result bundle (or Thought Anchors folder) trace by trace."""

    TITLE = "afscope"
    CSS_PATH = "app.tcss"
    AUTO_FOCUS = "#trace"
    COMMANDS = App.COMMANDS | {ExplorerCommands}
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="up"),
        Binding("n", "jump(1)", "Next important", key_display="n/N", id="next_important"),
        Binding("N", "jump(-1)", "Previous important", show=False, id="prev_important"),
        Binding(
            "plus,equals_sign",
            "threshold(1)",
            "Stricter highlight",
            show=False,
            key_display="+",
            id="raise",
        ),
        Binding(
            "minus", "threshold(-1)", "Looser highlight", show=False, key_display="-", id="lower"
        ),
        Binding("K", "toggle_top_k", "Threshold / top-k mode", show=False, id="top_k"),
        Binding(
            "L", "toggle_low_evidence", "Count low-evidence values", show=False, id="low_evidence"
        ),
        Binding("o", "cycle_outcome", "Outcome", id="outcome"),
        Binding("m", "cycle_metric", "Metric", id="metric"),
        Binding("g,home", "edge(0)", "First sentence", show=False, id="first"),
        Binding("G,end", "edge(1)", "Last sentence", show=False, id="last"),
        Binding("ctrl+d,pagedown", "half_page(1)", "Half page down", show=False, id="half_down"),
        Binding("ctrl+u,pageup", "half_page(-1)", "Half page up", show=False, id="half_up"),
        Binding(
            "left_square_bracket",
            "trace(-1)",
            "Previous trace",
            show=False,
            key_display="[",
            id="prev_trace",
        ),
        Binding(
            "right_square_bracket",
            "trace(1)",
            "Next trace",
            show=False,
            key_display="]",
            id="next_trace",
        ),
        Binding("t", "open_browser", "Traces", id="browser"),
        Binding("slash", "search", "Search", key_display="/", id="search"),
        Binding(
            "semicolon",
            "search_step(1)",
            "Next match",
            show=False,
            key_display=";",
            id="next_match",
        ),
        Binding(
            "comma",
            "search_step(-1)",
            "Previous match",
            show=False,
            key_display=",",
            id="prev_match",
        ),
        Binding("space", "toggle_selection", "Select", id="select"),
        Binding("v", "range_select", "Select a range (v, move, v)", show=False, id="range"),
        Binding(
            "a", "select_highlighted", "Select all high-importance", show=False, id="select_high"
        ),
        Binding("e", "export", "Export", id="export"),
        Binding("y", "copy", "Copy Markdown", show=False, id="copy"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, path: str | Path | None = None, *, bundle: Bundle | None = None) -> None:
        super().__init__()
        self.source_path = Path(path) if path is not None else None
        self.bundle: Bundle | None = bundle
        self.trace_ids: list[str] = []
        self.outcomes: list[str] = []
        self.metrics: list[str] = []
        self.trace_index = 0
        self.data: TraceData | None = None
        self.settings: ViewSettings | None = None
        self.scores: SentenceScores | None = None
        self.position = 0
        self.selection: set[tuple[str, int]] = set()
        self.search_query = ""
        self.matches: list[int] = []
        self.problems: list[Problem] = []
        self._panel_timer: Timer | None = None
        self._curves: list[Curve] = []
        self._curves_key: tuple[str, int] | None = None
        self.range_anchor: int | None = None
        self.last_copied = ""

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TraceHeader("opening…", id="header")
        with Horizontal(id="main"):
            yield TraceLines(id="trace")
            with Vertical(id="side"):
                yield RatePlot(id="plot")
                with VerticalScroll(id="detail-scroll"):
                    yield DetailPanel(id="detail")
        yield Input(placeholder="search this trace (enter to find, escape to close)", id="search")
        yield Footer()

    @property
    def _main(self) -> Screen:
        """The explorer's own screen (queries must not hit a modal on top of it)."""
        return self.screen_stack[0]

    def on_mount(self) -> None:
        self._fit_layout(self.size.width)
        if self.bundle is not None:
            self._bundle_ready(self.bundle, [])
        else:
            self._open_source()

    def on_resize(self, event) -> None:
        self._fit_layout(event.size.width)

    def _fit_layout(self, width: int) -> None:
        self._main.set_class(width < NARROW, "narrow")

    # -- workers -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_source(self) -> None:
        path = self.source_path
        try:
            if path is None:
                from afscope.sample import sample_bundle_path

                path = sample_bundle_path()
            opened = open_source(path)
            opened.bundle.traces  # noqa: B018 - read the trace list off the UI thread
        except BundleError as exc:
            self.call_from_thread(self._failed, f"cannot open {path}", exc.problems)
            return
        except (OSError, ValueError) as exc:
            self.call_from_thread(
                self._failed, f"cannot open {path}", [Problem(str(path), str(exc))]
            )
            return
        self.call_from_thread(self._bundle_ready, opened.bundle, opened.problems)

    def _failed(self, title: str, problems: list[Problem]) -> None:
        self.problems = problems
        self.push_screen(ErrorScreen(title, problems))

    def _bundle_ready(self, bundle: Bundle, problems: list[Problem]) -> None:
        self.bundle = bundle
        self.problems = problems
        self.trace_ids = bundle.trace_ids()
        self.outcomes = bundle.outcomes
        self.metrics = bundle.metrics
        self.settings = default_settings(self.outcomes, self.metrics)
        for problem in problems[:5]:
            self.notify(str(problem), severity="warning", markup=False)
        if not self.trace_ids:
            self._failed("the bundle holds no traces", [Problem(str(bundle.root), "no traces")])
            return
        self.open_trace(self.trace_ids[0])

    def open_trace(self, trace_id: str) -> None:
        """Load a trace in a worker; the view updates when it arrives."""
        if trace_id in self.trace_ids:
            self.trace_index = self.trace_ids.index(trace_id)
            self._load_trace(trace_id)

    @work(thread=True, exclusive=True, group="trace", exit_on_error=False)
    def _load_trace(self, trace_id: str) -> None:
        assert self.bundle is not None
        try:
            data = load_trace(self.bundle, trace_id)
        except BundleError as exc:
            self.call_from_thread(self._failed, f"cannot read trace {trace_id}", exc.problems)
            return
        self.call_from_thread(self._trace_ready, data)

    def _trace_ready(self, data: TraceData) -> None:
        self.data = data
        self.matches = find_positions(data.sentences, self.search_query)
        self._main.query_one(TraceLines).set_trace(data.indices, data.sentences["text"].to_list())
        self._rescore()
        assert self.scores is not None
        self.position = most_important(self.scores)
        self._redraw()

    # -- drawing -----------------------------------------------------------------------
    def _rescore(self) -> None:
        if self.data is not None and self.settings is not None:
            self.scores = score_sentences(self.data, self.settings)

    def _redraw(self) -> None:
        """Everything: after a new trace, new settings or a new selection."""
        data, scores = self.data, self.scores
        if data is None or scores is None:
            return
        self._main.query_one(TraceLines).show(
            scores, self.position, self._selected_positions(), set(self.matches)
        )
        self._draw_header()
        self._draw_panels()

    def _draw_header(self) -> None:
        data, settings, scores = self.data, self.settings, self.scores
        if data is None or settings is None or scores is None:
            return
        labels = {
            c.removeprefix(OUTCOME_PREFIX): data.trace.get(c)
            for c in data.trace
            if c.startswith(OUTCOME_PREFIX)
        }
        where = f"trace {self.trace_index + 1}/{len(self.trace_ids)}"
        if self.search_query:
            where += f" · {len(self.matches)} matches for search"
        self._main.query_one(TraceHeader).update(
            header_text(
                data.trace, labels, settings, where, sum(scores.highlighted), self.size.width
            )
        )

    def _draw_panels(self) -> None:
        """Detail and plot: the costly part of a redraw (layout and plot building)."""
        self._panel_timer = None
        data, settings = self.data, self.settings
        if data is None or settings is None or not self.is_running:
            return
        if data.sentences.height:
            detail = sentence_detail(data, self.position, settings.outcome)
            self._main.query_one(DetailPanel).show(detail_text(detail, settings))
            marker = float(data.indices[self.position])
        else:
            self._main.query_one(DetailPanel).show(Text("this trace has no sentences"))
            marker = None
        plot = self._main.query_one(RatePlot)
        width = max(20, plot.size.width or 60)
        x_max = float(max(data.indices)) if data.indices else 1.0
        key = (data.trace_id, width)
        if self._curves_key != key:  # curves change with the trace and width, not the cursor
            self._curves = rate_curves(data, width - 8)
            self._curves_key = key
        plot.show(self._curves, marker, x_max, settings.outcome)

    def _set_position(self, position: int) -> None:
        """Move the cursor now; the detail and plot follow once keys pause (PANEL_DELAY),
        so holding j scrolls smoothly instead of rebuilding the plot for every line."""
        if self.data is None or self.data.sentences.height == 0:
            return
        self.position = max(0, min(self.data.sentences.height - 1, position))
        if self.range_anchor is not None:  # the range preview changes with every move
            self._redraw()
            return
        self._main.query_one(TraceLines).move_cursor(self.position)
        if self._panel_timer is not None:
            self._panel_timer.stop()
        self._panel_timer = self.set_timer(PANEL_DELAY, self._draw_panels)

    # -- actions -----------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        self._set_position(self.position + delta)

    def action_jump(self, step: int) -> None:
        if self.scores is None:
            return
        target = next_highlight(self.scores, self.position, step)
        if target is None:
            self.notify("no more highlighted sentences that way", timeout=2)
            return
        self._set_position(target)

    def _change_settings(self, settings: ViewSettings) -> None:
        self.settings = settings
        self._rescore()
        self._redraw()

    def action_threshold(self, direction: int) -> None:
        if self.settings is not None:
            self._change_settings(
                self.settings.raised() if direction > 0 else self.settings.lowered()
            )

    def action_toggle_top_k(self) -> None:
        if self.settings is not None:
            self._change_settings(self.settings.toggled_mode())

    def action_toggle_low_evidence(self) -> None:
        if self.settings is not None:
            self._change_settings(
                replace(self.settings, include_low_evidence=not self.settings.include_low_evidence)
            )

    def action_cycle_outcome(self) -> None:
        if self.settings is not None:
            self._change_settings(self.settings.cycle_outcome(self.outcomes))

    def action_cycle_metric(self) -> None:
        if self.settings is not None:
            self._change_settings(self.settings.cycle_metric(self.metrics))

    def set_outcome(self, outcome: str) -> None:
        if self.settings is not None and outcome in self.outcomes:
            self._change_settings(replace(self.settings, outcome=outcome))

    def set_metric(self, metric: str) -> None:
        if self.settings is not None and metric in self.metrics:
            self._change_settings(replace(self.settings, metric=metric))

    def action_edge(self, end: int) -> None:
        if self.data is not None:
            self._set_position(self.data.sentences.height - 1 if end else 0)

    def action_half_page(self, direction: int) -> None:
        lines = self._main.query_one(TraceLines)
        half = max(1, lines.size.height // 2)
        target = lines.first_line_of(self.position) + direction * half
        position = lines.position_at_line(target)
        if position == self.position:
            position += direction
        self._set_position(position)

    def action_trace(self, step: int) -> None:
        if self.trace_ids:
            index = (self.trace_index + step) % len(self.trace_ids)
            self.open_trace(self.trace_ids[index])

    def go_to_sentence(self, sentence_idx: int) -> None:
        if self.data is None:
            return
        indices = self.data.indices
        if sentence_idx in indices:
            self._set_position(indices.index(sentence_idx))
        else:
            self.notify(f"no sentence {sentence_idx} in this trace", severity="warning")

    def action_quit_bad_input(self) -> None:
        """Leave from the error screen: the CLI exits 2, as for any bad input."""
        self.exit(return_code=2)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(list(self.BINDINGS)))  # type: ignore[arg-type]

    def action_search(self) -> None:
        search = self._main.query_one("#search", Input)
        search.add_class("visible")
        search.value = self.search_query
        # focus now, not via call_later: keys typed right after "/" are already queued
        # and must reach the input, not the explorer's bindings
        self._main.set_focus(search)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.search_query = event.value
        self._close_search()
        if self.data is None:
            return
        self.matches = find_positions(self.data.sentences, self.search_query)
        if not self.matches:
            if self.search_query:
                self.notify(f"no sentence contains {self.search_query!r}", markup=False)
            self._redraw()
            return
        target = next_match(self.matches, self.position - 1, 1)
        self._set_position(self.position if target is None else target)

    def _close_search(self) -> None:
        search = self._main.query_one("#search", Input)
        search.remove_class("visible")
        self._main.query_one(TraceLines).focus()

    def on_key(self, event) -> None:
        if event.key == "escape" and self._main.query_one("#search", Input).has_class("visible"):
            self._close_search()
            event.stop()
        elif event.key == "escape" and self.range_anchor is not None:
            self.range_anchor = None
            self._redraw()
            event.stop()

    def action_search_step(self, step: int) -> None:
        target = next_match(self.matches, self.position, step)
        if target is None:
            self.notify("no search matches (press / to search)", timeout=2)
            return
        self._set_position(target)

    @on(TraceLines.Clicked)
    def _clicked(self, event: TraceLines.Clicked) -> None:
        self._set_position(event.position)

    def action_open_browser(self) -> None:
        if self.bundle is None or self.settings is None:
            return
        self._build_browser(self.settings.outcome, self.settings.metric)

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def _build_browser(self, outcome: str, metric: str) -> None:
        assert self.bundle is not None
        rows = browser_rows(self.bundle, outcome, metric)
        self.call_from_thread(self._show_browser, rows)

    def _show_browser(self, rows) -> None:
        current = self.data.trace_id if self.data is not None else None

        def chosen(trace_id: str | None) -> None:
            if trace_id is not None:
                self.open_trace(trace_id)

        self.push_screen(TraceBrowser(rows, current), chosen)
