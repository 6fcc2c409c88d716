"""The ranking screen (``R``): every sentence of every trace, by signed importance.

Rows come from ``afscope.analysis`` (one frame for the whole bundle, sorted once per
direction), built in a worker: at 240k sentences reading, joining and sorting take about
a second, which must not freeze the screen ("ranking…" shows meanwhile). Typing filters
with the trace browser's language, so a keystroke is one Polars filter over an already
sorted frame and a redraw of the visible lines only (line API, formatted rows kept in an
LRU cache). The selection is the explorer's own set, so sentences chosen here from
several traces go out in one export through the one export path; the screen dismisses
with what the explorer should do next.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.events import Key
from textual.geometry import Size
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from afscope.analysis.categories import CategoryRules
from afscope.analysis.frame import Choice, refine_filter, sentence_frame
from afscope.analysis.notes import Notes
from afscope.analysis.rank import DIRECTIONS, RankDirection, eligible, order
from afscope.analysis.search import alternative_hits, search_expr
from afscope.bundle.reader import Bundle
from afscope.explore.direction import Direction
from afscope.explore.filters import Filter, parse_filter
from afscope.numbers import number
from afscope.problems import BundleError
from afscope.text import one_line
from afscope.tui.contrast import component_ink
from afscope.tui.failures import UNEXPECTED, describe
from afscope.tui.widgets.footer import KeyFooter
from afscope.tui.widgets.row_table import RowTable

Key_ = tuple[str, int]


@dataclass(frozen=True)
class Columns:
    """Widths of the fixed columns: the sentence text gets the rest of the line."""

    rates: bool
    trace: int
    tags: int

    @classmethod
    def fit(cls, width: int) -> Columns:
        """Narrow terminals drop the rates and shorten trace and tags, so the text (what
        a row is about) keeps about half of an 80-column line."""
        if width >= 120:
            return cls(True, 18, 22)
        if width >= 100:
            return cls(True, 14, 14)
        return cls(False, 16, 9)

    def header(self) -> str:
        rates = f"{'before→after':<12} " if self.rates else ""
        return (
            f" {'rank':>6}   {'value':<7} {rates}{'trace':<{self.trace}} sent.  "
            f"{'tags / categories' if self.tags >= 17 else 'tags':<{self.tags}} text"
        )


def middle(text: str, limit: int) -> str:
    """``text`` on one line, cut in the middle: trace ids often share a long start and
    differ at the end (``deepseek…/problem_2238``), so a cut end makes rows look alike."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    head = (limit - 1) // 3
    return flat[:head] + "…" + flat[len(flat) - (limit - 1 - head) :]


@dataclass(frozen=True)
class RankSource:
    """What the ranking is built from (in the screen's worker)."""

    bundle: Bundle
    choice: Choice
    rules: CategoryRules | None = None
    notes: Notes | None = None
    include_low_evidence: bool = False


@dataclass(frozen=True)
class RankResult:
    """What the explorer does when the screen closes: open a sentence, or export."""

    open: Key_ | None = None
    export: bool = False


class RankTable(RowTable):
    """Ranked rows on the line API: only visible rows are formatted."""

    COMPONENT_CLASSES = {"rank--cursor", "rank--header", "rank--promotes", "rank--suppresses"}
    DEFAULT_CSS = """
    RankTable > .rank--cursor { background: $accent 40%; }
    RankTable > .rank--header { text-style: bold; color: $text-muted; }
    RankTable > .rank--promotes { color: $afscope-promotes; }
    RankTable > .rank--suppresses { color: $afscope-suppresses; }
    """

    def __init__(self, selection: set[Key_]) -> None:
        super().__init__(id="rank-table")
        self.rows = pl.DataFrame()
        self.cursor = 0
        self.selection = selection
        self._cache: LRUCache[int, list[Segment]] = LRUCache(1024)
        self.columns = Columns.fit(80)

    def on_resize(self) -> None:
        """Column widths follow the width; rows formatted for the old one are dropped."""
        columns = Columns.fit(self.size.width)
        if columns != self.columns:
            self.columns = columns
            self._cache.clear()
            self.refresh()

    def set_rows(self, rows: pl.DataFrame, cursor: int = 0) -> None:
        self.rows = rows
        self.cursor = max(0, min(cursor, rows.height - 1))
        self._cache.clear()
        # lines are cropped to the viewport, never scrolled sideways: a virtual width taken
        # from self.size (0 before layout, the full width after) made a horizontal
        # scrollbar appear or not depending on when the rows arrived
        self.virtual_size = Size(0, rows.height + 1)
        self.scroll_to(y=0, animate=False)
        self.refresh()
        self.keep_cursor_visible()

    def key_at(self, index: int) -> Key_ | None:
        if not 0 <= index < self.rows.height:
            return None
        return self.rows["raw_id"][index], self.rows["sentence_idx"][index]

    def forget(self, index: int) -> None:
        self._cache.discard(index)
        self.refresh()

    def _segments(self, index: int) -> list[Segment]:
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        row = self.rows.row(index, named=True)
        kind = Direction.of(row["signed"], row["importance"])
        picked = "●" if (row["raw_id"], row["sentence_idx"]) in self.selection else " "
        low = "?" if row["low_evidence"] else " "
        value = number(row["signed"], sign=True).rjust(6)
        columns = self.columns
        rates = ""
        if columns.rates:
            before = number(row["rate_before"], 2)
            after = number(row["rate_after"], 2)
            rates = f"{before:>5}→{after:<6} "
        trace = middle(row["trace_id"], columns.trace).ljust(columns.trace)
        tags = one_line(", ".join([*row["tags"], *row["categories"]]), columns.tags)
        head = f"{picked}{index + 1:>6} "
        body = (
            f"{value}{low} {rates}{trace} {row['sentence_idx']:>5}  "
            f"{tags.ljust(columns.tags)} {one_line(row['text'])}"
        )
        segments = [
            Segment(head),
            Segment(kind.glyph(), self._direction_style(kind)),
            Segment(" " + body),
        ]
        self._cache.set(index, segments)
        return segments

    def _direction_style(self, kind: Direction) -> Style | None:
        """The configured direction colour, readable on this theme."""
        if kind not in (Direction.PROMOTES, Direction.SUPPRESSES):
            return None
        return component_ink(self, f"rank--{kind.value}", self._cursor_background())

    def _cursor_background(self) -> Color:
        """The cursor row's background: ``$accent 40%`` blended onto the table's (a
        partial style drops the alpha and drew the full accent)."""
        _, background = self.background_colors
        return background + self.get_component_styles("rank--cursor").background

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            header = self.columns.header()
            style = base + component_ink(self, "rank--header")
            return Strip([Segment(header, style)]).crop_extend(0, width, style)
        index = int(self.scroll_y) + y - 1
        if index >= self.rows.height:
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = base + Style(bgcolor=self._cursor_background().rich_color)
        segments = [
            Segment(s.text, style + s.style if s.style else style) for s in self._segments(index)
        ]
        used = sum(cell_len(s.text) for s in segments)
        segments.append(Segment(" " * max(0, width - used), style))
        return Strip(segments).crop_extend(0, width, style)


class RankScreen(Screen[RankResult | None]):
    """Sentences of every trace ranked by signed importance; see the module docstring."""

    AUTO_FOCUS = "#rank-table"
    BINDINGS = [
        Binding("escape", "back", "Back", id="rank_back"),
        Binding("enter", "open", "Open in trace", priority=True, id="rank_open"),
        Binding("down", "move(1)", "Down", show=False, priority=True, id="rank_down"),
        Binding("up", "move(-1)", "Up", show=False, priority=True, id="rank_up"),
        Binding("pagedown", "move(20)", "Page down", show=False, priority=True, id="rank_pgdn"),
        Binding("pageup", "move(-20)", "Page up", show=False, priority=True, id="rank_pgup"),
        Binding("ctrl+t", "direction", "Promotes/suppresses/both", priority=True, id="rank_dir"),
        Binding("space", "select", "Select", id="rank_select"),
        Binding("slash", "search", "Search text", key_display="/", id="rank_search"),
        Binding("ctrl+a", "alternatives", "Search alternatives too", priority=True, id="rank_alt"),
        Binding("ctrl+e", "export", "Export selection", priority=True, id="rank_export"),
    ]

    def __init__(
        self,
        source: RankSource,
        selection: set[Key_],
        *,
        outcomes: list[str] | None = None,
        what: str = "",
        text: str = "",
        direction: RankDirection = "promotes",
    ) -> None:
        super().__init__()
        self.source = source
        self.bundle = source.bundle
        self.frame: pl.DataFrame | None = None
        """Eligible rows once the worker has built them; None while ranking."""
        self.selection = selection
        self.outcomes = outcomes or []
        self.what = what
        self.initial_text = text
        self.direction: RankDirection = direction
        self._sorted: dict[str, pl.DataFrame] = {}
        self.query_text = ""
        self.alternatives = False
        self._alt_keys: pl.DataFrame | None = None
        self._last_filter: tuple[pl.DataFrame, Filter, pl.DataFrame] | None = None
        """The sorted rows, filter and result of the last keystroke (see refine_filter)."""

    def compose(self) -> ComposeResult:
        yield Static(id="rank-status")
        yield Input(
            value=self.initial_text,
            placeholder="filter: condition=free variant=original tag=X words…",
            id="rank-filter",
            select_on_focus=False,
        )
        yield Input(placeholder="search sentence text in every trace (enter)", id="rank-search")
        yield RankTable(self.selection)
        yield KeyFooter({"direction": 120, "alternatives": 140, "search": 100})

    def on_mount(self) -> None:
        self.query_one("#rank-status", Static).update("ranking…")
        self._build(self.direction)

    @property
    def table(self) -> RankTable:
        return self.query_one(RankTable)

    @property
    def ready(self) -> bool:
        """Whether the rows for the current direction are built (else a worker is on it)."""
        return self.frame is not None and self.direction in self._sorted

    @work(thread=True, exclusive=True, group="rank", exit_on_error=False)
    def _build(self, direction: RankDirection, keep: Key_ | None = None) -> None:
        """Read and join the frame (first time only) and sort it for ``direction``."""
        source, frame = self.source, self.frame
        try:
            if frame is None:
                built = sentence_frame(
                    source.bundle, source.choice, rules=source.rules, notes=source.notes
                )
                frame = eligible(built, source.include_low_evidence)
            rows = order(frame, direction)
        except BundleError as exc:
            failed = one_line(f"cannot rank: {exc.problems[0]}", 300)
        except UNEXPECTED as exc:  # never a dead worker and "ranking…" forever
            failed = f"cannot rank: {describe(exc)}"
        else:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._ready, frame, direction, rows, keep)
            return
        self.app.call_from_thread(self._failed, failed)

    def _ready(
        self, frame: pl.DataFrame, direction: RankDirection, rows: pl.DataFrame, keep: Key_ | None
    ) -> None:
        self.frame = frame
        self._sorted[direction] = rows
        if direction == self.direction:
            self.refresh_rows(keep)
        elif self.direction not in self._sorted:  # ctrl+t while the first rows were built
            self._build(self.direction, keep)

    def _failed(self, message: str) -> None:
        self.notify(message, severity="error", markup=False, timeout=8)
        if self.frame is None and self.is_current:
            self.dismiss(None)

    def sorted_rows(self) -> pl.DataFrame:
        """All eligible rows in the current direction's order (sorted once, in the worker,
        then cached: a filter keeps the order, so keystrokes never sort)."""
        return self._sorted[self.direction]

    def visible_rows(self) -> pl.DataFrame:
        parsed = parse_filter(self.filter_text, self.outcomes)
        base = self.sorted_rows()
        last = None
        if self._last_filter is not None and self._last_filter[0] is base:
            last = self._last_filter[1], self._last_filter[2]
        rows = refine_filter(base, parsed, last)
        self._last_filter = (base, parsed, rows)
        if self.query_text:
            rows = rows.filter(search_expr(self.query_text, self._alt_keys))
        return rows

    @property
    def filter_text(self) -> str:
        return self.query_one("#rank-filter", Input).value

    def refresh_rows(self, keep: Key_ | None = None) -> None:
        """Filter and show the rows (a no-op while ranking: the worker calls in when done)."""
        if not self.ready:
            return
        rows = self.visible_rows()
        cursor = 0
        if keep is not None and rows.height:
            hit = rows.with_row_index("_i").filter(
                (pl.col("raw_id") == keep[0]) & (pl.col("sentence_idx") == keep[1])
            )
            cursor = int(hit["_i"][0]) if hit.height else 0
        self.table.set_rows(rows, cursor)
        self._status(rows.height)

    def _status(self, shown: int) -> None:
        if self.frame is None:
            return
        search = ""
        if self.query_text:
            where = "text and alternatives" if self.alternatives else "text"
            search = f" · search {one_line(self.query_text, 30)!r} in {where}"
        self.query_one("#rank-status", Static).update(
            f"{shown} of {self.frame.height} sentences · {self.direction} first · "
            f"{len(self.selection)} selected · {one_line(self.what, 60)}{search}"
        )

    @on(Input.Changed, "#rank-filter")
    def _filter_changed(self) -> None:
        self.refresh_rows()

    def on_key(self, event: Key) -> None:
        """Typing on the table starts the filter with that character."""
        if (
            self.focused is self.table
            and event.is_printable
            and event.character
            not in (
                " ",
                "/",
            )
        ):
            box = self.query_one("#rank-filter", Input)
            box.focus()
            box.insert_text_at_cursor(event.character or "")
            event.stop()
            event.prevent_default()

    def action_back(self) -> None:
        search = self.query_one("#rank-search", Input)
        if search.has_class("visible"):
            search.remove_class("visible")
            self.table.focus()
        elif self.focused is not self.table:
            self.table.focus()
        else:
            self.dismiss(None)

    def action_move(self, delta: int) -> None:
        self.table.move(delta)

    def action_direction(self) -> None:
        keep = self.table.key_at(self.table.cursor)
        self.direction = DIRECTIONS[(DIRECTIONS.index(self.direction) + 1) % len(DIRECTIONS)]
        if self.frame is not None and self.direction not in self._sorted:
            self.query_one("#rank-status", Static).update(f"ranking… ({self.direction} first)")
            self._build(self.direction, keep)
        else:
            self.refresh_rows(keep)

    def action_select(self) -> None:
        key = self.table.key_at(self.table.cursor)
        if key is None:
            return
        self.selection ^= {key}
        self.table.forget(self.table.cursor)
        self.table.move(1)
        self._status(self.table.rows.height)

    def action_open(self) -> None:
        search = self.query_one("#rank-search", Input)
        if self.focused is search:  # enter is a priority binding: submit the search here
            self.run_search(search.value)
            return
        key = self.table.key_at(self.table.cursor)
        if key is not None:
            self.dismiss(RankResult(open=key))

    def action_export(self) -> None:
        if not self.selection:
            self.notify("nothing selected (space selects)", timeout=2)
            return
        self.dismiss(RankResult(export=True))

    # -- search ----------------------------------------------------------------------------
    def action_search(self) -> None:
        search = self.query_one("#rank-search", Input)
        search.add_class("visible")
        search.value = self.query_text
        self.set_focus(search)

    @on(Input.Submitted, "#rank-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search(event.value)

    def run_search(self, value: str) -> None:
        """Keep only sentences containing ``value`` (and alternatives, when toggled on)."""
        self.query_one("#rank-search", Input).remove_class("visible")
        self.table.focus()
        self.query_text = value.strip()
        self._alt_keys = None
        if self.alternatives and self.query_text:
            self._find_alternatives(self.query_text)
        self.refresh_rows()

    def action_alternatives(self) -> None:
        self.alternatives = not self.alternatives
        has = self.bundle is not None and self.bundle.manifest.tables.get("resamples")
        if self.alternatives and not has:
            self.notify("this bundle has no resampled alternatives", timeout=3)
            self.alternatives = False
        self._alt_keys = None
        if self.alternatives and self.query_text:
            self._find_alternatives(self.query_text)
        self.refresh_rows()

    @work(thread=True, exclusive=True, group="rank-alternatives", exit_on_error=False)
    def _find_alternatives(self, query: str) -> None:
        if self.bundle is None:
            return
        try:
            keys = alternative_hits(self.bundle, query)
        except Exception as exc:  # a damaged resamples table: say so, keep the text search
            self.app.call_from_thread(
                self.notify, one_line(f"alternatives not searched: {exc}", 200), markup=False
            )
            return
        self.app.call_from_thread(self._alternatives_ready, query, keys)

    def _alternatives_ready(self, query: str, keys: pl.DataFrame) -> None:
        if query == self.query_text and self.alternatives:
            self._alt_keys = keys
            self.refresh_rows()
