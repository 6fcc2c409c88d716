"""The trace browser: a filterable, sortable table of every trace on the line API."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Input, Static

from afscope.explore.browser import SORTABLE, STRONGEST_FIRST, filter_rows, sort_rows
from afscope.numbers import MISSING, number
from afscope.tui.widgets.footer import KeyFooter
from afscope.tui.widgets.row_table import RowTable

HEADERS = (
    ("trace_id", "trace", 22),
    ("prompt_variant", "variant", 9),
    ("condition", "condition", 9),
    ("n_sentences", "sent.", 5),
    ("rollouts", "rollouts", 8),
    ("peak", "peak", 5),
    ("peak_promotes", "▲peak", 5),
    ("peak_suppresses", "▼peak", 5),
    ("labels", "labels", 24),
    ("query", "query", 0),
)
SIGNED = {"peak_promotes", "peak_suppresses"}
NAMES = {
    "trace_id": "trace id",
    "prompt_variant": "variant",
    "n_sentences": "sentences",
    "peak": "peak |importance|",
    "peak_promotes": "strongest promoting (▲peak)",
    "peak_suppresses": "strongest suppressing (▼peak)",
}
"""The sort column as the status line names it."""


def sort_order(column: str, descending: bool) -> str:
    """How a sort reads: strongest peaks first, most rollouts first, ids ascending."""
    if column not in STRONGEST_FIRST:
        return "descending" if descending else "ascending"
    first = descending == STRONGEST_FIRST[column]
    if column.startswith("peak"):
        return "strongest first" if first else "weakest first"
    return "most first" if first else "fewest first"


def cell_text(value, width: int, signed: bool = False) -> str:
    if isinstance(value, float):
        text = number(value, 2, sign=signed)
    elif isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:,}"
    else:
        text = MISSING if value is None else str(value)
    if width and cell_len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width) if width else text


class BrowserTable(RowTable):
    COMPONENT_CLASSES = {"browser--cursor", "browser--header"}
    DEFAULT_CSS = """
    BrowserTable { background: $surface; }
    BrowserTable > .browser--cursor { background: $accent 40%; }
    BrowserTable > .browser--header { text-style: bold; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__(id="browser-table")
        self.rows = pl.DataFrame()
        self.cursor = 0
        self._columns: list[list] = []
        self._cache: LRUCache[int, str] = LRUCache(1024)  # formatted rows near the view
        self._frame_style: Style | None = None

    def set_rows(self, rows: pl.DataFrame, cursor: int = 0) -> None:
        """Show ``rows``; cells are formatted only when their line is drawn (the same
        frame again keeps its formatted lines: only the cursor moves)."""
        if rows is not self.rows:
            self.rows = rows
            self._columns = [rows[key].to_list() for key, _, _ in HEADERS]
            self._cache.clear()
            fixed = sum(width + 2 for _, _, width in HEADERS[:-1])
            longest = rows["query"].str.len_chars().max() if rows.height else 0
            self.virtual_size = Size(fixed + int(longest or 0), rows.height + 1)  # type: ignore[arg-type]
        self.cursor = max(0, min(cursor, rows.height - 1))
        self.refresh()
        self.keep_cursor_visible()

    def _line(self, index: int) -> str:
        line = self._cache.get(index)
        if line is None:
            line = "  ".join(
                cell_text(column[index], width, key in SIGNED)
                for column, (key, _, width) in zip(self._columns, HEADERS, strict=True)
            )
            self._cache.set(index, line)
        return line

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_style = self.rich_style  # once per frame: it walks every ancestor
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x = int(self.scroll_x)
        base = self.rich_style if self._frame_style is None else self._frame_style
        if y == 0:
            header = "  ".join(cell_text(title, w) for _, title, w in HEADERS)
            style = base + self.get_component_rich_style("browser--header", partial=True)
            return Strip([Segment(header, style)]).crop_extend(scroll_x, scroll_x + width, style)
        index = int(self.scroll_y) + y - 1
        if index >= self.rows.height:
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = style + self.get_component_rich_style("browser--cursor", partial=True)
        line = self._line(index)
        return Strip(
            [Segment(line + " " * max(0, width + scroll_x - cell_len(line)), style)]
        ).crop_extend(scroll_x, scroll_x + width, style)


_Shown = tuple[pl.DataFrame, tuple[str, str, bool], pl.DataFrame, list[str]]
"""All rows, (filter, sort column, descending), the rows shown and their ids."""


@dataclass(frozen=True)
class CompareWith:
    """The browser's answer when a trace was marked to compare with the current one."""

    trace_id: str


class TraceBrowser(Screen["str | CompareWith | None"]):
    """Dismisses with the chosen trace id, ``CompareWith`` (ctrl+o) or None."""

    BINDINGS = [
        Binding("escape", "dismiss_none", "Back"),
        Binding("enter", "choose", "Open", priority=True),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("pagedown", "move(20)", "Page down", show=False, priority=True),
        Binding("pageup", "move(-20)", "Page up", show=False, priority=True),
        Binding("ctrl+s", "cycle_sort", "Sort by"),
        Binding("ctrl+r", "reverse_sort", "Reverse"),
        Binding("ctrl+o", "compare", "Compare with current", priority=True, id="browser_compare"),
    ]

    def __init__(self, rows: pl.DataFrame, current: str | None) -> None:
        super().__init__()
        self.all_rows = rows
        self.sort_column = "trace_id"
        self.descending = False
        self.current = current
        self._shown: _Shown | None = None
        """The rows shown, with what they came from (all rows; filter and sort): opening
        the browser again on the same rows, filter and sort reuses them."""
        self._styled_for: str | None = None
        """The theme this screen was last shown (and styled) with."""

    def compose(self) -> ComposeResult:
        yield Static(id="browser-status")
        yield Input(
            placeholder="type to filter by id, variant, condition, query, labels",
            id="browser-filter",
        )
        yield BrowserTable()
        yield KeyFooter()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown again on the theme it was styled for: skip Textual's restyle of every
        widget here (their styles are as they were; restyling them was 5-8 ms of ``t``).
        Runs before ``Screen``'s own handler, which reads ``refresh_styles``."""
        theme = self.app.theme
        if self._styled_for == theme:
            event.refresh_styles = False
        self._styled_for = theme

    def on_mount(self) -> None:
        self._refresh_rows(keep=self.current)
        self.query_one(Input).focus()
        # the table has no height until laid out: bring the current trace into view then
        self.call_after_refresh(self.table.keep_cursor_visible)

    def on_idle(self) -> None:
        """Mounted ahead and hidden: finish off screen what showing it would otherwise do
        on the key. Textual updates only the current screen (its ``_on_idle`` and update
        timer check ``is_current``), so a screen mounted ahead kept a layout pending, had
        never rendered, and its update timer, never started, first ticks one frame
        (1/60 s) after it is resumed: about 30 ms of the first ``t``. Here, on
        Textual 8.2's internals (pinned in pyproject): lay it out, render it once
        without drawing (the widgets' line caches, styles and formatted rows are then
        warm) and start its timer, whose tick while hidden draws nothing. Runs only
        while a layout is pending on a hidden browser; the current one is Textual's."""
        if self.is_current or not self.is_attached or not self._layout_required:
            return
        self._refresh_layout()
        self._layout_required = False
        self._compositor.render_update(full=True)
        self._update_timer.resume()

    def reopen(self, rows: pl.DataFrame, current: str | None) -> None:
        """Show ``rows`` afresh, as a new browser would (no filter, sorted by trace, the
        cursor on ``current``): the explorer keeps one browser mounted between opens, as
        mounting its widgets again was most of the time ``t`` took."""
        self.all_rows = rows
        self.sort_column = "trace_id"
        self.descending = False
        self.current = current
        search = self.query_one(Input)
        with search.prevent(Input.Changed):
            search.value = ""
        self.table.scroll_to(0, 0, animate=False)
        self._refresh_rows(keep=current)
        search.focus()

    @property
    def table(self) -> BrowserTable:
        return self.query_one(BrowserTable)

    def _refresh_rows(self, keep: str | None = None) -> None:
        text = self.query_one(Input).value
        view = (text, self.sort_column, self.descending)
        if self._shown is None or self._shown[0] is not self.all_rows or self._shown[1] != view:
            rows = sort_rows(filter_rows(self.all_rows, text), self.sort_column, self.descending)
            self._shown = (self.all_rows, view, rows, rows["raw_id"].to_list())
        rows, ids = self._shown[2], self._shown[3]
        cursor = 0
        if keep is not None:
            cursor = ids.index(keep) if keep in ids else 0
        self.table.set_rows(rows, cursor)
        order = sort_order(self.sort_column, self.descending)
        column = NAMES.get(self.sort_column, self.sort_column)
        self.query_one("#browser-status", Static).update(
            f"{rows.height} of {self.all_rows.height} traces · sorted by {column} ({order}) · "
            "peaks for the active outcome and metric",
            layout=False,  # one line high in CSS: a new text never moves anything
        )

    @on(Input.Changed, "#browser-filter")
    def _filter_changed(self) -> None:
        self._refresh_rows()

    def action_move(self, delta: int) -> None:
        self.table.move(delta)

    def action_cycle_sort(self) -> None:
        self.sort_column = SORTABLE[(SORTABLE.index(self.sort_column) + 1) % len(SORTABLE)]
        self.descending = STRONGEST_FIRST.get(self.sort_column, False)
        self._refresh_rows(keep=self.selected_id())

    def action_reverse_sort(self) -> None:
        self.descending = not self.descending
        self._refresh_rows(keep=self.selected_id())

    def selected_id(self) -> str | None:
        table = self.table
        if table.rows.height == 0:
            return None
        return table.rows["raw_id"][table.cursor]

    def action_choose(self) -> None:
        self.dismiss(self.selected_id())

    def action_compare(self) -> None:
        """Mark the row under the cursor as the second trace of the compare view."""
        trace_id = self.selected_id()
        if trace_id is not None:
            self.dismiss(CompareWith(trace_id))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
