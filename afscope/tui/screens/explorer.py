"""The explorer screen: draws an ``ExplorerState`` and turns keys into its transitions.

How the TUI is put together, and how a screen (say, a ranking of sentences across
traces) is added without touching the others:

- A screen is a ``Screen`` subclass in ``afscope/tui/screens/``. It gets what it shows in
  its constructor (the headless ``ExplorerState``, or rows computed from it in
  ``afscope/explore/``), composes its own widgets and puts its layout in ``app.tcss``
  under its own ids.
- Its keys are its ``BINDINGS``, each with an ``id`` so users can remap it (see
  ``afscope.tui.keymap``); its palette commands are its ``COMMANDS``.
- State flows down: the screen changes the state through its methods and pushes the
  result into widgets (``show(...)``). Events flow up: widgets post Messages (a click,
  the header chosen) and the screen handles them with ``@on``; nothing calls
  ``app.action_*``. Problems that end the session go to the app as ``ShowProblems``.
- It is opened with ``push_screen`` from the screen that offers it, with a callback for
  its result (as this screen opens the trace browser and the export dialog).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical
from textual.events import Key, Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from afscope.explore.detail import sentence_detail
from afscope.explore.plot_data import Curve, rate_curves
from afscope.explore.read_ahead import FilesStamp, ReadAhead, files_stamp, read_ahead
from afscope.explore.source_marks import trace_marks
from afscope.explore.state import ExplorerState, Redraw
from afscope.explore.trace_data import TraceData
from afscope.problems import BundleError, Problem
from afscope.sample import source_label
from afscope.text import one_line
from afscope.tui import collector
from afscope.tui.commands import ExplorerCommands
from afscope.tui.failures import UNEXPECTED, describe, unexpected_problem
from afscope.tui.messages import ShowProblems
from afscope.tui.screens.analysis_actions import Analysis
from afscope.tui.widgets.footer import KeyFooter
from afscope.tui.widgets.legend import Legend
from afscope.tui.widgets.panels import (
    DetailPanel,
    TraceHeader,
    detail_text,
    header_text,
    search_status,
)
from afscope.tui.widgets.rate_plot import RatePlot
from afscope.tui.widgets.trace_lines import Fit, TraceLines, Wrapped, wrap_to_fit

if TYPE_CHECKING:  # the other screens, the export code and the analyses load on first use
    from afscope.analysis.conditions import ConditionRates
    from afscope.tui.exporting import ExportJob
    from afscope.tui.screens.browser import TraceBrowser

NARROW = 100
"""Below this many columns the panes stack (the ``-narrow`` breakpoint class)."""
SHORT = 32
"""Below this many rows a narrow screen starts with the plot hidden (``p`` shows it),
so the trace keeps room for more than a handful of lines."""
FOOTER_HIDE_BELOW = {
    "toggle_selection": 120,
    "cycle_metric": 110,
    "open_browser": NARROW,
    "search": NARROW,
}
"""Footer keys left out below these widths (columns), so export, help and quit stay on
screen at any width; ``?`` lists them all."""
PANEL_DELAY = 0.06
"""Detail and plot follow the cursor once keys pause this long, so a held key scrolls
without rebuilding the plot for every line."""


class ExplorerScreen(Screen[None]):
    """One trace at a time: the trace, its rate curves and the selected sentence."""

    AUTO_FOCUS = "#trace"
    COMMANDS = {ExplorerCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="up"),
        Binding("n", "jump(1)", "Next important", key_display="n/N", id="next_important"),
        Binding("N", "jump(-1)", "Previous important", show=False, id="prev_important"),
        Binding(
            "tab", "app.focus_next", "Next pane (trace, detail, header)", show=False, id="next_pane"
        ),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="prev_pane"),
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
        Binding("p", "toggle_plot", "Plot", tooltip="Hide or show the rate plot", id="plot"),
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
        Binding("C", "conditions", "Conditions", show=False, id="conditions"),
        Binding("V", "compare", "Compare with counterpart", show=False, id="compare"),
        Binding("R", "rank", "Rank sentences across traces", show=False, id="rank"),
        Binding("S", "tag_stats", "Statistics by tag", show=False, id="tag_stats"),
        Binding("c", "category", "Category for the sentence", show=False, id="category"),
        Binding("i", "note", "Note on the sentence", show=False, id="note"),
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, state: ExplorerState | None = None) -> None:
        super().__init__()
        self._state = state
        self._panel_timer: Timer | None = None
        self._curves: list[Curve] = []
        self._curves_key: tuple[str, int] | None = None
        self._analysis: Analysis | None = None
        self._plot_wanted: bool | None = None
        """``p``'s choice for this session; None until pressed (then the size decides)."""
        self._first: TraceData | None = None
        """A trace the app read while opening the source (shown without a worker)."""
        self._browser: TraceBrowser | None = None
        """The trace browser once opened: kept mounted (installed) between opens."""
        self._browser_rows: dict[tuple[str, str], tuple[pl.DataFrame, FilesStamp]] = {}
        """The browser's rows per (outcome, metric), with the stamp of the files they were
        built from: built once, as the bundle does not change while it is open (10,000
        traces: a few queries each time ``t`` is pressed), and again if it did."""
        self._read_ahead = ReadAhead()
        """Traces read while idle (the shown one's neighbours) and the last ones shown:
        ``]`` and ``[`` show them without a worker round trip."""
        self._first_drawn = False
        self._browser_building: tuple[str, str] | None = None
        """The (outcome, metric) whose rows a worker is building."""
        self._browser_wanted = False
        """``t`` was pressed while rows were built ahead: show the browser when they are."""

    @property
    def state(self) -> ExplorerState:
        """The state drawn here; actions run only once there is one (``check_action``)."""
        assert self._state is not None, "the explorer has nothing to show yet"
        return self._state

    @property
    def started(self) -> bool:
        return self._state is not None

    def start(self, state: ExplorerState, first: TraceData | None = None) -> None:
        """Show ``state`` (the app calls this once the source is open); ``first`` is a
        trace already read, used when it is the one to show first."""
        self._state = state
        self._first = first
        self.refresh_bindings()
        if self.is_mounted:
            self._show_first_trace()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Until a source is open only help and quit do anything (the rest are hidden)."""
        return self.started or action in ("help", "app.quit", "quit")

    @classmethod
    def binding_ids(cls) -> set[str]:
        """Every id a key map can remap on this screen (its header and detail pane) and
        its help screen."""
        from afscope.tui.screens.help import HelpScreen

        bindings = (*cls.BINDINGS, *TraceHeader.BINDINGS, *DetailPanel.BINDINGS)
        ids = {b.id for b in (*bindings, *HelpScreen.BINDINGS) if isinstance(b, Binding)}
        return {i for i in ids if i is not None}

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TraceHeader("opening…", id="header")
        with Horizontal(id="main"):
            yield TraceLines(id="trace")
            with Vertical(id="side"):
                yield RatePlot(id="plot")
                yield DetailPanel(id="detail")
        yield Legend(id="legend")
        yield Input(placeholder="search this trace (enter to find, escape to close)", id="search")
        yield KeyFooter(FOOTER_HIDE_BELOW)

    def on_mount(self) -> None:
        self._fit_plot()
        if self.started:
            self._show_first_trace()

    # -- panes -----------------------------------------------------------------------------
    @property
    def plot_shown(self) -> bool:
        """``p``'s choice, else shown unless the screen is both narrow and short."""
        if self._plot_wanted is not None:
            return self._plot_wanted
        width, height = self.app.size
        return not (width < NARROW and height < SHORT)

    def _fit_plot(self) -> None:
        side = self.query_one("#side")
        if side.has_class("-no-plot") == (not self.plot_shown):
            return
        side.set_class(not self.plot_shown, "-no-plot")
        if self.plot_shown and self.started:
            self.call_after_refresh(self._draw_panels)  # the plot needs its size first

    def on_resize(self, event: Resize) -> None:
        self._fit_plot()

    def action_toggle_plot(self) -> None:
        """``p``: hide or show the rate plot (kept for the session)."""
        self._plot_wanted = not self.plot_shown
        self._fit_plot()

    @on(DetailPanel.Leave)
    def _leave_detail(self) -> None:
        self.query_one(TraceLines).focus()

    def _show_first_trace(self) -> None:
        if self._analysis is None:
            self._analysis = Analysis(self)
            self._analysis.open_notes()
            if self._analysis.pending is not None:
                self._open_first(self._analysis.pending[0])
                return
        if self.state.data is not None:
            self._trace_ready(self.state.data)
        elif self.state.trace_ids:
            self._open_first(self.state.trace_ids[0])

    def _open_first(self, trace_id: str) -> None:
        """The first trace: the one the app already read, else loaded like any other."""
        first, self._first = self._first, None
        if first is not None and first.trace_id == trace_id and self.state.choose_trace(trace_id):
            self._trace_ready(first)
        else:
            self.open_trace(trace_id)

    # -- loading ---------------------------------------------------------------------------
    def open_trace(self, trace_id: str) -> None:
        """Show a trace: at once when it was read ahead, else loaded in a worker (the
        view updates when it arrives)."""
        if not self.state.choose_trace(trace_id):
            return
        data = self._read_ahead.get(trace_id, files_stamp(self.state.bundle))
        if data is None:
            self._load_trace(trace_id)
            return
        self.workers.cancel_group(self, "trace")  # an earlier read must not land after it
        self._trace_ready(data)

    @work(thread=True, exclusive=True, group="trace", exit_on_error=False)
    def _load_trace(self, trace_id: str) -> None:
        stamp = files_stamp(self.state.bundle)  # before the read: a change during it shows
        try:
            data = self.state.load(trace_id)
        except BundleError as exc:
            self.post_message(ShowProblems(f"cannot read trace {trace_id}", exc.problems))
            return
        except KeyError:
            problem = Problem(str(self.state.bundle.root), f"no trace {trace_id!r}")
            self.post_message(ShowProblems(f"cannot read trace {trace_id}", [problem]))
            return
        except UNEXPECTED as exc:  # anything else: the error screen, never a dead worker
            problem = unexpected_problem(self.state.bundle.root, exc)
            self.post_message(ShowProblems(f"cannot read trace {trace_id}", [problem]))
            return
        if not get_current_worker().is_cancelled:  # else another trace was shown since
            self.app.call_from_thread(self._loaded, data, stamp)

    def _loaded(self, data: TraceData, stamp: FilesStamp) -> None:
        self._read_ahead.keep(data, stamp)  # ``[`` after ``]`` comes back to it
        self._trace_ready(data)

    def _after_first_trace(self) -> None:
        """Once start-up is over: build the browser's rows ahead. (What start-up built is
        already out of the collector's sight: ``afscope.tui.collector``.)"""
        self._prepare_browser()

    def _read_neighbours(self) -> None:
        """Read the next and previous traces once the shown one is drawn, so ``]`` and
        ``[`` find them in memory (wrapped for this pane) instead of waiting on a read."""
        if not self.is_mounted or self.state.data is None:
            return
        steps = (self.state.neighbour_trace(step) for step in (1, -1))
        wanted = [t for t in dict.fromkeys(steps) if t is not None and t not in self._read_ahead]
        if wanted:
            self._read_traces(wanted, self.query_one(TraceLines).fit)

    @work(thread=True, exclusive=True, group="read_ahead", exit_on_error=False)
    def _read_traces(self, trace_ids: list[str], fit: Fit) -> None:
        worker = get_current_worker()
        console = self.app.console
        for trace_id in trace_ids:
            if worker.is_cancelled:
                return
            try:
                stamp = files_stamp(self.state.bundle)
                data = read_ahead(self.state, trace_id)
                texts = data.sentences["text"].to_list()
                width, wrapped = wrap_to_fit(texts, trace_marks(data), fit, console)
            except UNEXPECTED:  # only a guess: the key reads it again and says what failed
                return
            self.app.call_from_thread(self._kept_ahead, data, stamp, width, wrapped)

    def _kept_ahead(self, data: TraceData, stamp: FilesStamp, width: int, wrapped: Wrapped) -> None:
        self._read_ahead.keep(data, stamp)
        self.query_one(TraceLines).keep_wrapped(data.trace_id, width, wrapped)

    def _trace_ready(self, data: TraceData) -> None:
        collector.hold()  # no collection inside the new trace's frame (``collector``)
        try:
            self.query_one(TraceLines).set_trace(
                data.indices, data.sentences["text"].to_list(), trace_marks(data), data.trace_id
            )
            redraw = self.state.show_trace(data)
            # The new trace's lines and header reach the screen first; after that frame
            # the collector runs again, detail and plot (the plot's grid for the new
            # trace) are drawn and the neighbours are read ahead. Queued after the
            # widgets' refreshes: the screen runs such callbacks when it is idle with no
            # widget waiting to repaint, so queued before them they ran before the frame.
            self._apply(redraw & ~Redraw.PANELS)
            self.call_after_refresh(collector.release)
            if Redraw.PANELS in redraw:
                self.call_after_refresh(self._draw_panels)
            self.call_after_refresh(self._read_neighbours)
            if not self._first_drawn:
                self._first_drawn = True
                self.call_after_refresh(self._after_first_trace)
        except UNEXPECTED as exc:  # on the UI thread: an escape here would be a traceback
            collector.release()
            problem = unexpected_problem(self.state.bundle.root, exc)
            self.post_message(ShowProblems(f"cannot show trace {data.trace_id}", [problem]))
            return
        if self._analysis is not None:
            pending = self._analysis.take_pending(data.trace_id)
            if pending is not None:
                self._apply(self.state.go_to_sentence(pending))
            self.call_after_refresh(self._analysis.save)  # the place, after the frame

    # -- drawing ---------------------------------------------------------------------------
    def _apply(self, redraw: Redraw | None) -> bool:
        """Draw what a transition changed; False when it found nothing to do (no target)."""
        if redraw is None:
            return False
        state = self.state
        for notice in state.take_notices():  # names come from the data: never markup
            self.notify(one_line(notice, 300), markup=False, timeout=5)
        if state.data is None or state.scores is None:
            return True
        lines = self.query_one(TraceLines)
        if Redraw.TRACE in redraw:
            lines.show(state.scores, state.position, state.marked_positions(), set(state.matches))
        elif Redraw.CURSOR in redraw:
            lines.move_cursor(state.position)
        if Redraw.HEADER in redraw:
            self._draw_header()
            self._draw_legend()
        if Redraw.PANELS in redraw:
            self._draw_panels()
        elif Redraw.CURSOR in redraw:
            if self._panel_timer is not None:
                self._panel_timer.stop()
            self._panel_timer = self.set_timer(PANEL_DELAY, self._draw_panels)
        return True

    def _draw_header(self) -> None:
        state = self.state
        if state.data is None:
            return
        where = f"trace {state.trace_index + 1}/{len(state.trace_ids)}"
        self.query_one(TraceHeader).update(
            header_text(
                state.data.trace,
                state.labels(),
                state.settings,
                where,
                state.highlighted_count,
                self.size.width,
                search_status(state.search_query, len(state.matches)),
            )
        )

    def _draw_legend(self) -> None:
        """The legend in the trace's own direction colours (one source for both)."""
        styles = self.query_one(TraceLines).direction_styles()
        metric = self.state.settings.metric
        specs = self.state.bundle.manifest.metrics
        unsigned = any(spec.name == metric and not spec.signed for spec in specs)
        data = self.state.data
        doubtful = data is not None and bool(trace_marks(data).flagged)
        self.query_one(Legend).show(styles, unsigned, doubtful)

    def _draw_panels(self) -> None:
        """Detail and plot: the costly part of a redraw (layout and plot building)."""
        if self._panel_timer is not None:
            self._panel_timer.stop()
        self._panel_timer = None
        data = self.state.data
        if data is None or not self.is_mounted:
            return
        try:
            self._draw_detail_and_plot(data)
        except UNEXPECTED as exc:  # odd numbers must not take the explorer down: say so
            self.notify(
                f"cannot draw this sentence: {describe(exc)}", severity="error", markup=False
            )

    def _draw_detail_and_plot(self, data: TraceData) -> None:
        settings = self.state.settings
        if data.sentences.height:
            detail = sentence_detail(data, self.state.position, settings.outcome)
            text = detail_text(detail, settings)
            if self._analysis is not None:
                text = text + self._analysis.detail_lines()
            self.query_one(DetailPanel).show(text)
            marker: float | None = float(data.indices[self.state.position])
        else:
            self.query_one(DetailPanel).show(Text("this trace has no sentences"))
            marker = None
        plot = self.query_one(RatePlot)
        if not self.plot_shown:
            return  # drawn when shown again
        width = max(20, plot.size.width or 60)
        x_max = float(max(data.indices)) if data.indices else 1.0
        key = (data.trace_id, width)
        if self._curves_key != key:  # curves change with the trace and width, not the cursor
            self._curves = rate_curves(data, width - 8)
            self._curves_key = key
        plot.show(
            self._curves,
            marker,
            x_max,
            settings.outcome,
            scores=self.state.scores,
            indices=data.indices,
        )

    # -- the cursor ------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        self._apply(self.state.move(delta))

    def action_jump(self, step: int) -> None:
        if not self._apply(self.state.jump(step)):
            self.notify("no more highlighted sentences that way", timeout=2)

    def action_edge(self, end: int) -> None:
        self._apply(self.state.edge(end))

    def action_half_page(self, direction: int) -> None:
        lines = self.query_one(TraceLines)
        half = max(1, lines.size.height // 2)
        self._apply(self.state.half_page(direction, lines.line_starts, half))

    def go_to_sentence(self, sentence_idx: int) -> None:
        if not self._apply(self.state.go_to_sentence(sentence_idx)):
            self.notify(f"no sentence {sentence_idx} in this trace", severity="warning")

    @on(TraceLines.Clicked)
    def _clicked(self, event: TraceLines.Clicked) -> None:
        if self.started:
            self._apply(self.state.move_to(event.position))

    # -- view settings ---------------------------------------------------------------------
    def action_threshold(self, direction: int) -> None:
        self._apply(self.state.threshold(direction))

    def action_toggle_top_k(self) -> None:
        self._apply(self.state.toggle_top_k())

    def action_toggle_low_evidence(self) -> None:
        self._apply(self.state.toggle_low_evidence())

    def action_cycle_outcome(self) -> None:
        self._apply(self.state.cycle_outcome())

    def action_cycle_metric(self) -> None:
        self._apply(self.state.cycle_metric())

    def set_outcome(self, outcome: str) -> None:
        self._apply(self.state.set_outcome(outcome))

    def set_metric(self, metric: str) -> None:
        self._apply(self.state.set_metric(metric))

    # -- traces ----------------------------------------------------------------------------
    def action_trace(self, step: int) -> None:
        trace_id = self.state.neighbour_trace(step)
        if trace_id is not None:
            self.open_trace(trace_id)

    def action_open_browser(self) -> None:
        self.open_browser()

    @on(TraceHeader.Activated)
    def open_browser(self) -> None:
        if not self.started:
            return
        key = self._browser_key
        built = self._browser_rows.get(key)
        if built is not None and built[1] == files_stamp(self.state.bundle):
            self._show_browser(built[0])
        elif self._browser_building == key:
            self._browser_wanted = True  # built ahead, not yet done: shown when it is
        else:
            self._browser_building = key
            self._build_browser(*key, show=True)

    @property
    def _browser_key(self) -> tuple[str, str]:
        return (self.state.settings.outcome, self.state.settings.metric)

    def _prepare_browser(self) -> None:
        """Build the browser's rows while idle after the first trace, so the first ``t``
        does not wait on a query over every trace (60-80 ms at 10,000 traces)."""
        key = self._browser_key
        if key not in self._browser_rows and self._browser_building is None:
            self._browser_building = key
            self._build_browser(*key, show=False)

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def _build_browser(self, outcome: str, metric: str, show: bool) -> None:
        from afscope.explore.browser import browser_rows

        key = (outcome, metric)
        stamp = files_stamp(self.state.bundle)
        try:
            rows = browser_rows(self.state.bundle, outcome, metric)
        except BundleError as exc:
            failed = one_line(f"cannot build the trace list: {exc.problems[0]}", 300)
        except UNEXPECTED as exc:
            failed = f"cannot build the trace list: {describe(exc)}"
        else:
            self.app.call_from_thread(self._browser_built, key, (rows, stamp), show)
            return
        self.app.call_from_thread(self._browser_failed, key, failed, show)

    def _browser_built(
        self, key: tuple[str, str], built: tuple[pl.DataFrame, FilesStamp], show: bool
    ) -> None:
        self._browser_rows[key] = built
        if self._browser_building == key:
            self._browser_building = None
        if show or self._take_browser_wanted(key):
            self._show_browser(built[0])
        else:
            self.call_after_refresh(self._mount_browser_ahead, built[0])

    def _mount_browser_ahead(self, rows: pl.DataFrame) -> None:
        """Compose, style and lay out the browser while idle, so the first ``t`` reopens
        a kept screen like the later ones (mounting it was 30-90 ms of that key). Textual
        mounts a screen only when it is pushed: pushed and popped in one call, under one
        batched update, it is never drawn, and the explorer, left current, is not
        restyled (the browser is opaque); hidden, it then settles while idle
        (``TraceBrowser.on_idle``). Skipped if the browser exists already (``t``
        pressed meanwhile) or another screen is on top."""
        if self._browser is not None or self.app.screen is not self:
            return
        browser = self._new_browser(rows)
        with self.app.batch_update():
            self.app.push_screen(browser)
            self.app.pop_screen()

    def _browser_failed(self, key: tuple[str, str], failed: str, show: bool) -> None:
        if self._browser_building == key:
            self._browser_building = None
        if show or self._take_browser_wanted(key):  # built ahead: said only when asked for
            self.notify(failed, severity="error", markup=False, timeout=8)

    def _take_browser_wanted(self, key: tuple[str, str]) -> bool:
        wanted, self._browser_wanted = self._browser_wanted, False
        return wanted and key == self._browser_key

    def _show_browser(self, rows: pl.DataFrame) -> None:
        from afscope.tui.screens.browser import CompareWith

        current = self.state.data.trace_id if self.state.data is not None else None

        def chosen(choice: str | CompareWith | None) -> None:
            if isinstance(choice, CompareWith):
                self._open_compare(choice.trace_id, "picked in the trace browser")
            elif choice is not None:
                self.open_trace(choice)

        browser = self._browser
        if browser is not None and browser in self.app.screen_stack:
            return  # already open (two ``t`` presses before the rows were built)
        if browser is None:
            browser = self._new_browser(rows)
        else:
            browser.reopen(rows, current)
        self.app.push_screen(browser, chosen)

    def _new_browser(self, rows: pl.DataFrame) -> TraceBrowser:
        """The browser, installed so it is kept mounted between opens."""
        from afscope.tui.screens.browser import TraceBrowser

        current = self.state.data.trace_id if self.state.data is not None else None
        browser = self._browser = TraceBrowser(rows, current)
        self.app.install_screen(browser, f"trace-browser-{id(self)}")
        return browser

    # -- conditions and compare -------------------------------------------------------
    def action_conditions(self) -> None:
        self._build_conditions()

    @work(thread=True, exclusive=True, group="conditions", exit_on_error=False)
    def _build_conditions(self) -> None:
        from afscope.analysis.conditions import condition_rates

        try:
            result = condition_rates(self.state.bundle)
        except BundleError as exc:
            failed = one_line("conditions: " + "; ".join(map(str, exc.problems)), 300)
            self.app.call_from_thread(
                self.notify, failed, severity="error", markup=False, timeout=8
            )
            return
        self.app.call_from_thread(self._show_conditions, result)

    def _show_conditions(self, result: ConditionRates) -> None:
        from afscope.tui.screens.conditions import ConditionsScreen

        source = source_label(self.state.source or self.state.bundle.root)
        self.app.push_screen(ConditionsScreen(result, source))

    def action_compare(self) -> None:
        """``V``: the current trace beside its counterpart (same query, other tier, else
        other prompt variant), or beside a trace picked in the browser."""
        from afscope.analysis.pairs import counterpart

        data = self.state.data
        if data is None:
            return
        found = counterpart(self.state.bundle.traces, data.trace_id)
        if found is None:
            self.notify(
                "no trace asks the same query in the other tier or prompt variant: "
                "pick one and press ctrl+o",
                timeout=5,
            )
            self.open_browser()
            return
        self._open_compare(*found)

    def _open_compare(self, other_id: str, why: str) -> None:
        if self.state.data is not None:
            self._load_compare(self.state.data, other_id, why)

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _load_compare(self, data: TraceData, other_id: str, why: str) -> None:
        from afscope.analysis.compare import CompareState
        from afscope.tui.screens.compare import CompareScreen

        try:
            other = self.state.load(other_id)
        except (BundleError, KeyError) as exc:
            failed = one_line(f"cannot open trace {other_id}: {exc}", 300)
            self.app.call_from_thread(self.notify, failed, severity="error", markup=False)
            return
        compare = CompareState.for_pair(self.state, data, other, why)
        self.app.call_from_thread(self.app.push_screen, CompareScreen(compare))

    # -- search ----------------------------------------------------------------------------
    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("visible")
        search.value = self.state.search_query
        # focus now, not via call_later: keys typed right after "/" are already queued
        # and must reach the input, not the explorer's bindings
        self.set_focus(search)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._close_search()
        if not self.started:
            return
        self._apply(self.state.search(event.value))
        if not event.value or self.state.data is None:
            return
        count = len(self.state.matches)
        if count:  # said at once (the header says it too, where it may be cut)
            matches = search_status(event.value, count)
            self.notify(f"{matches} · ; next · , previous", markup=False, timeout=3)
        else:
            self.notify(f"no sentence contains {event.value!r}", markup=False)

    def _close_search(self) -> None:
        self.query_one("#search", Input).remove_class("visible")
        self.query_one(TraceLines).focus()

    def on_key(self, event: Key) -> None:
        if event.key != "escape" or not self.started:
            return
        if self.query_one("#search", Input).has_class("visible"):
            self._close_search()
            event.stop()
        elif self.state.range_anchor is not None:
            self._apply(self.state.range_cancel())
            event.stop()

    def action_search_step(self, step: int) -> None:
        if not self._apply(self.state.search_step(step)):
            self.notify("no search matches (press / to search)", timeout=2)

    # -- selection and export --------------------------------------------------------------
    def action_toggle_selection(self) -> None:
        self._apply(self.state.toggle_selection())
        self.analysis.save()

    def action_range_select(self) -> None:
        """First v anchors a range at the cursor; the second adds the range to the selection."""
        self._apply(self.state.range_mark())
        if self.state.range_anchor is not None:
            self.notify("range: move, then v again to select it (escape cancels)", timeout=3)

    def action_select_highlighted(self) -> None:
        from afscope.tui.exporting import plural

        if self.state.scores is None:
            return
        self._apply(self.state.select_highlighted())
        count = self.state.highlighted_count
        self.notify(f"selected {plural(count, 'high-importance sentence')}", timeout=2)

    def _export_job(
        self, choice: dict[str, list[int]], context: int = 0, path: Path | None = None
    ) -> ExportJob:
        from afscope.tui.exporting import ExportJob

        notes = self._analysis.notes if self._analysis is not None else None
        job = ExportJob.of(self.state, choice, notes.annotations() if notes is not None else None)
        return replace(job, context=context, path=path)

    def action_export(self) -> None:
        from afscope.tui.exporting import default_file_name
        from afscope.tui.screens.export_actions import ask_and_export

        choice = self.state.export_choice()
        if choice and self.state.data is not None:
            name = default_file_name(self.state.data.trace_id)
            ask_and_export(self, self._export_job(choice), name)

    def action_copy(self) -> None:
        from afscope.tui.screens.export_actions import copy_export

        choice = self.state.export_choice()
        if choice:
            copy_export(self, self._export_job(choice))

    # -- across traces: ranking, statistics by tag, the researcher's notes -----------------
    @property
    def analysis(self) -> Analysis:
        if self._analysis is None:
            self._analysis = Analysis(self)
        return self._analysis

    def action_rank(self) -> None:
        self.analysis.open_rank()

    def action_tag_stats(self) -> None:
        self.analysis.open_stats()

    def action_category(self) -> None:
        self.analysis.categorise()

    def action_note(self) -> None:
        self.analysis.write_note()

    def open_sentence(self, trace_id: str, sentence_idx: int) -> None:
        """Show ``sentence_idx`` of ``trace_id`` (loading the trace first if needed)."""
        data = self.state.data
        if data is not None and data.trace_id == trace_id:
            self.go_to_sentence(sentence_idx)
            self.redraw_trace()
            return
        self.analysis.pending = (trace_id, sentence_idx)
        self.open_trace(trace_id)

    def redraw_panels(self) -> None:
        self._apply(Redraw.PANELS)

    def redraw_trace(self) -> None:
        self._apply(Redraw.TRACE | Redraw.HEADER)

    def on_unmount(self) -> None:
        collector.release()  # a key's frame that never came (the app quit first)
        if self._analysis is not None and self.started:
            self._analysis.save()

    # -- help ------------------------------------------------------------------------------
    def action_help(self) -> None:
        from afscope.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self._bindings_in_effect()))

    def _bindings_in_effect(self) -> list[Binding]:
        """This screen's bindings with the user's key map applied, for the help screen."""

        def keys_by_id(pairs: list[tuple[str, Binding]]) -> dict[str, list[str]]:
            keys: dict[str, list[str]] = {}
            for key, binding in pairs:
                if binding.id is not None:
                    keys.setdefault(binding.id, []).append(key)
            return keys

        default = keys_by_id(
            [(k, b) for k, bs in BindingsMap(self.BINDINGS).key_to_bindings.items() for b in bs]
        )
        in_effect = keys_by_id(
            [(k, a.binding) for k, a in self.active_bindings.items() if a.node is self]
        )
        shown: list[Binding] = []
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            keys = in_effect.get(binding.id or "")
            if keys and sorted(keys) != sorted(default.get(binding.id or "", [])):
                binding = replace(binding, key=",".join(keys), key_display=None)
            shown.append(binding)
        return shown
