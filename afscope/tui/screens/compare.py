"""The compare view (``V``): two traces side by side, one rate plot overlaying both.

It draws a headless ``CompareState`` (``afscope.analysis.compare``): each side is an
``ExplorerState`` drawn by the explorer's own ``TraceLines``, so colours, marks and
selection behave as in the explorer. ``tab`` switches the active side; ``s`` toggles
scrolling both sides together (aligned by relative position). Navigation bindings share
the explorer's ids, so a key map remaps them here too.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from afscope.analysis.compare import CompareState, SideRedraw
from afscope.explore.detail import sentence_detail
from afscope.explore.plot_data import rate_curves
from afscope.explore.source_marks import trace_marks
from afscope.explore.state import ExplorerState, Redraw
from afscope.text import one_line
from afscope.tui.exporting import (
    ExportJob,
    default_file_name,
)
from afscope.tui.screens.export_actions import ask_and_export, copy_export
from afscope.tui.widgets.footer import KeyFooter
from afscope.tui.widgets.panels import DetailPanel, detail_text
from afscope.tui.widgets.rate_plot import RatePlot
from afscope.tui.widgets.trace_lines import TraceLines

SIDES = ("L", "R")
"""Side names in labels: the plot's legend and the headers say L and R, not colours."""
PANEL_DELAY = 0.06
FOOTER_HIDE_BELOW = {"toggle_selection": 120, "toggle_sync": 100}
"""Footer keys left out below these widths (columns): export and back stay at 80."""


class CompareScreen(Screen[None]):
    """Left and right trace; the active side follows the keys."""

    AUTO_FOCUS = "#compare-trace-0"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="up"),
        Binding("g,home", "edge(0)", "First sentence", show=False, id="first"),
        Binding("G,end", "edge(1)", "Last sentence", show=False, id="last"),
        Binding("n", "jump(1)", "Next important", key_display="n/N", id="next_important"),
        Binding("N", "jump(-1)", "Previous important", show=False, id="prev_important"),
        Binding("tab", "switch", "Other side", priority=True, id="compare_switch"),
        Binding("s", "toggle_sync", "Sync scroll", id="compare_sync"),
        Binding("o", "cycle_outcome", "Outcome", id="outcome"),
        Binding("m", "cycle_metric", "Metric", show=False, id="metric"),
        Binding("space", "toggle_selection", "Select", id="select"),
        Binding("e", "export", "Export", id="export"),
        Binding("y", "copy", "Copy Markdown", show=False, id="copy"),
        Binding("escape,q,V", "back", "Back", id="compare_back"),
    ]

    def __init__(self, compare: CompareState) -> None:
        super().__init__()
        self.compare = compare
        self._panel_timer: Timer | None = None

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="compare-status", markup=False)
        with Horizontal(id="compare-main"):
            for side in (0, 1):
                with Vertical(id=f"compare-side-{side}", classes="compare-side"):
                    yield Static(id=f"compare-head-{side}", classes="compare-head", markup=False)
                    yield TraceLines(id=f"compare-trace-{side}")
        with Horizontal(id="compare-bottom"):
            yield RatePlot(id="compare-plot")
            for side in (0, 1):
                yield DetailPanel(
                    id=f"compare-detail-{side}", classes="compare-detail", focusable=False
                )
        yield KeyFooter(FOOTER_HIDE_BELOW)

    def on_mount(self) -> None:
        for side, state in enumerate(self.compare.sides):
            if state.data is not None:
                self._lines(side).set_trace(
                    state.data.indices,
                    state.data.sentences["text"].to_list(),
                    trace_marks(state.data),
                )
        # after the first layout: the plot and the panels need their sizes
        self.call_after_refresh(self._draw, SideRedraw(Redraw.FULL, Redraw.FULL))

    def _lines(self, side: int) -> TraceLines:
        return self.query_one(f"#compare-trace-{side}", TraceLines)

    # -- drawing ---------------------------------------------------------------------------
    def _draw(self, redraw: SideRedraw | None) -> None:
        if redraw is None:
            return
        panels = False
        for side, state in enumerate(self.compare.sides):
            change = redraw[side]
            if state.scores is None:
                continue
            lines = self._lines(side)
            if Redraw.TRACE in change:
                lines.show(state.scores, state.position, state.marked_positions(), set())
            elif Redraw.CURSOR in change:
                lines.move_cursor(state.position)
            panels |= bool(change & (Redraw.CURSOR | Redraw.PANELS))
        self._draw_heads()
        if any(Redraw.PANELS in redraw[s] for s in (0, 1)):
            self._draw_panels()
        elif panels:
            if self._panel_timer is not None:
                self._panel_timer.stop()
            self._panel_timer = self.set_timer(PANEL_DELAY, self._draw_panels)

    def _draw_heads(self) -> None:
        compare = self.compare
        status = Text(no_wrap=True, overflow="ellipsis")
        status.append("compare", style="bold")
        if compare.why:
            status.append(f" ({compare.why})", style="dim")
        status.append(f"  {one_line(compare.settings.outcome)}", style="bold")
        status.append(f" / {one_line(compare.settings.metric)}")
        status.append(f"  sync {'on' if compare.synced else 'off'}", style="dim")
        status.append("  plot: active side solid with its band, the other dashed", style="dim")
        self.query_one("#compare-status", Static).update(status)
        for side, state in enumerate(compare.sides):
            self.query_one(f"#compare-head-{side}", Static).update(self._head(side, state))
            self.query_one(f"#compare-side-{side}").set_class(side == compare.active, "-active")

    def _head(self, side: int, state: ExplorerState) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        active = side == self.compare.active
        text.append(("▶ " if active else "  ") + SIDES[side] + " ", style="bold")
        if state.data is None:
            return text
        trace = state.data.trace
        text.append(one_line(str(trace.get("trace_id", ""))), style="bold" if active else "")
        parts = [trace.get("prompt_variant"), trace.get("condition")]
        text.append("  " + " · ".join(one_line(str(p or "-")) for p in parts), style="dim")
        labels = " ".join(
            f"{one_line(o)}={'yes' if v else 'no' if v is not None else '-'}"
            for o, v in state.labels().items()
        )
        where = f"  {state.position + 1}/{state.sentence_count}" if state.sentence_count else ""
        text.append(f"{where}  {labels}", style="dim")
        return text

    def _draw_panels(self) -> None:
        if self._panel_timer is not None:
            self._panel_timer.stop()
        self._panel_timer = None
        if not self.is_mounted:
            return
        compare = self.compare
        outcome = compare.settings.outcome
        plot = self.query_one(RatePlot)
        width = max(20, plot.size.width or 60)
        curves, x_max, marker, active_label = [], 1.0, None, None
        for side, state in enumerate(compare.sides):
            data = state.data
            panel = self.query_one(f"#compare-detail-{side}", DetailPanel)
            if data is None or not data.sentences.height:
                panel.show(Text("this trace has no sentences"))
                continue
            detail = sentence_detail(data, state.position, state.settings.outcome)
            head = Text(f"{SIDES[side]}: ", style="bold")
            panel.show(head + detail_text(detail, state.settings))
            label = f"{SIDES[side]} {one_line(data.trace_id, 24)}"
            for curve in rate_curves(data, width - 8):
                if curve.outcome == outcome:
                    curves.append(replace(curve, outcome=label, slot=None))  # by side
            x_max = max(x_max, float(max(data.indices)))
            if side == compare.active:
                marker, active_label = float(data.indices[state.position]), label
        plot.show(curves, marker, x_max, active_label)

    # -- keys ------------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        self._draw(self.compare.move(delta))

    def action_edge(self, end: int) -> None:
        self._draw(self.compare.edge(end))

    def action_jump(self, step: int) -> None:
        redraw = self.compare.jump(step)
        if redraw is None:
            self.notify("no more highlighted sentences that way", timeout=2)
        self._draw(redraw)

    def action_switch(self) -> None:
        self._draw(self.compare.switch())
        self._lines(self.compare.active).focus()

    def action_toggle_sync(self) -> None:
        self._draw(self.compare.toggle_sync())
        state = "together (aligned by relative position)" if self.compare.synced else "apart"
        self.notify(f"the two sides scroll {state}", timeout=2)

    def action_cycle_outcome(self) -> None:
        self._draw(self.compare.cycle_outcome())

    def action_cycle_metric(self) -> None:
        self._draw(self.compare.cycle_metric())

    def action_toggle_selection(self) -> None:
        self._draw(self.compare.toggle_selection())

    def action_back(self) -> None:
        self.dismiss(None)

    # -- export (through the explorer's one call site into the export core) ---------------
    def _job(self) -> ExportJob:
        return ExportJob.of(self.compare.current, self.compare.export_choice())

    def action_export(self) -> None:
        left = self.compare.sides[0].data
        name = default_file_name(f"compare-{left.trace_id if left else 'traces'}")
        ask_and_export(self, self._job(), name)

    def action_copy(self) -> None:
        copy_export(self, self._job())
