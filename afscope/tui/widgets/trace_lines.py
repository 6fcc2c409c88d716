"""The trace: one wrapped, direction-coloured sentence after another, on the line API.

Only visible lines are rendered (``render_line``), and wrapping is recomputed on resize
only, so a 2,000-sentence trace scrolls as fast as a short one.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from afscope.explore.scores import SentenceScores
from afscope.tui.glyphs import CURSOR, LOW_EVIDENCE, SELECTED, glyph

GUTTER = 9  # cursor, mark, 5-digit index, space, glyph ... then a space


@dataclass(frozen=True)
class _Line:
    position: int
    first: bool
    text: str


class TraceLines(ScrollView, can_focus=True):
    """Scrollable sentences; the app owns the state and calls ``show`` to redraw."""

    COMPONENT_CLASSES = {
        "trace--cursor",
        "trace--gutter",
        "trace--high",
        "trace--promotes-1",
        "trace--promotes-2",
        "trace--promotes-3",
        "trace--suppresses-1",
        "trace--suppresses-2",
        "trace--suppresses-3",
        "trace--unsigned",
        "trace--match",
    }

    DEFAULT_CSS = """
    TraceLines { background: $surface; }
    TraceLines > .trace--cursor { background: $accent 40%; }
    TraceLines > .trace--gutter { color: $text-muted; }
    TraceLines > .trace--high { text-style: bold; }
    TraceLines > .trace--promotes-1 { color: #f4a340; }
    TraceLines > .trace--promotes-2 { color: #f4a340; background: #f08c00 20%; }
    TraceLines > .trace--promotes-3 { color: #ffb347; background: #f08c00 40%; }
    TraceLines > .trace--suppresses-1 { color: #b18cf2; }
    TraceLines > .trace--suppresses-2 { color: #b18cf2; background: #8a5cf6 22%; }
    TraceLines > .trace--suppresses-3 { color: #c4a6ff; background: #8a5cf6 42%; }
    TraceLines > .trace--unsigned { color: $text; }
    TraceLines > .trace--match { text-style: underline; }
    """

    class Clicked(Message):
        def __init__(self, position: int) -> None:
            self.position = position
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._texts: list[str] = []
        self._indices: list[int] = []
        self._scores: SentenceScores | None = None
        self._selected: set[int] = set()
        self._matches: set[int] = set()
        self.cursor = 0
        self._lines: list[_Line] = []
        self._first_line: list[int] = []
        self._wrapped_width = -1
        self._cache: dict[int, Strip] = {}

    # -- data ---------------------------------------------------------------------------
    def set_trace(self, indices: list[int], texts: list[str]) -> None:
        self._indices = indices
        self._texts = texts
        self._wrapped_width = -1
        self._rewrap()

    def show(
        self, scores: SentenceScores, cursor: int, selected: set[int], matches: set[int]
    ) -> None:
        """Redraw with new state and keep the cursor's sentence in view."""
        self._scores = scores
        self.cursor = cursor
        self._selected = selected
        self._matches = matches
        self._cache.clear()
        self.refresh()
        self.scroll_to_cursor()

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def first_line_of(self, position: int) -> int:
        return self._first_line[position] if self._first_line else 0

    def position_at_line(self, y: int) -> int:
        if not self._lines:
            return 0
        return self._lines[max(0, min(y, len(self._lines) - 1))].position

    def scroll_to_cursor(self) -> None:
        if not self._first_line:
            return
        top = self._first_line[self.cursor]
        end = (
            self._first_line[self.cursor + 1]
            if self.cursor + 1 < len(self._first_line)
            else len(self._lines)
        )
        height = self.scrollable_content_region.height or self.size.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif end > self.scroll_y + height:
            self.scroll_to(y=max(top, end - height) if end - top <= height else top, animate=False)

    # -- layout -------------------------------------------------------------------------
    def _text_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width
        return max(10, width - GUTTER - 1)

    def _rewrap(self) -> None:
        width = self._text_width()
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        lines: list[_Line] = []
        first: list[int] = []
        console = self.app.console
        for position, text in enumerate(self._texts):
            first.append(len(lines))
            wrapped = Text(text or " ").wrap(console, width, overflow="fold")
            for n, part in enumerate(wrapped):
                lines.append(_Line(position, n == 0, part.plain))
        self._lines = lines
        self._first_line = first
        self._cache.clear()
        self.virtual_size = Size(width + GUTTER + 1, len(lines))

    def on_resize(self) -> None:
        self._rewrap()
        self.scroll_to_cursor()

    def on_click(self, event) -> None:
        y = event.y + int(self.scroll_y)
        if 0 <= y < len(self._lines):
            self.post_message(self.Clicked(self._lines[y].position))

    # -- rendering ---------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.size.width
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render(index)
            self._cache[index] = strip
        return strip.crop_extend(0, width, self.rich_style)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _render(self, index: int) -> Strip:
        base = self.rich_style
        if index >= len(self._lines) or self._scores is None:
            return Strip.blank(self.size.width, base)
        line = self._lines[index]
        pos = line.position
        scores = self._scores
        kind = scores.kind(pos)
        high = scores.highlighted[pos]
        value = scores.importance[pos]
        level = 0
        if kind in ("promotes", "suppresses") and value is not None:
            ratio = value / scores.peak if scores.peak > 0 else 0.0
            level = 3 if ratio >= 0.67 else 2 if ratio >= 0.34 else 1
        text_style = base
        if level:
            text_style = text_style + self._style(f"trace--{kind}-{level}")
        if high:
            text_style = text_style + self._style("trace--high")
        if pos in self._matches:
            text_style = text_style + self._style("trace--match")
        gutter_style = base + self._style("trace--gutter")
        if pos == self.cursor:
            cursor_style = self._style("trace--cursor")
            text_style = text_style + cursor_style
            gutter_style = gutter_style + cursor_style
        if line.first:
            mark = SELECTED if pos in self._selected else " "
            evidence = LOW_EVIDENCE if scores.low_evidence[pos] else " "
            cursor = CURSOR if pos == self.cursor else " "
            gutter = f"{cursor}{mark}{self._indices[pos]:>5}{evidence}{glyph(kind, high)}"
            glyph_style = gutter_style + (
                self._style(f"trace--{kind}-3") if kind in ("promotes", "suppresses") else Style()
            )
            segments = [
                Segment(gutter[:-1], gutter_style),
                Segment(gutter[-1], glyph_style),
                Segment(" ", gutter_style),
            ]
        else:
            cursor = CURSOR if pos == self.cursor else " "
            segments = [Segment(cursor + " " * (GUTTER - 1), gutter_style)]
        segments.append(Segment(line.text, text_style))
        pad = self._wrapped_width - cell_len(line.text)
        if pad > 0:
            segments.append(Segment(" " * pad, text_style))
        return Strip(segments)
