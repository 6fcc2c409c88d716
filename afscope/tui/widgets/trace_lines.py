"""The trace: one wrapped, direction-coloured sentence after another, on the line API.

Only visible lines are rendered (``render_line``), and wrapping is recomputed on resize
only, so a 2,000-sentence trace scrolls as fast as a short one. A new trace's frame is
mostly Textual's own work per line (styles, border, colour filter); the pane's part is
kept small: each line is drawn once at the pane's full width and used as it is, and the
pane's style, width and colours are worked out once per frame or theme, not per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from afscope.explore.scores import SentenceScores
from afscope.explore.source_marks import TraceMarks
from afscope.tui.contrast import TEXT_CONTRAST, component_ink, readable
from afscope.tui.glyphs import CURSOR, LOW_EVIDENCE, SELECTED, SOURCE_WARNING

GUTTER = 10  # cursor, mark, 5-digit index, evidence mark, glyph, then a space
CACHED_LINES = 1024  # rendered lines kept: a few screens, however long the trace
KEPT_WRAPS = 8  # (trace, width) wrappings: the trace shown, its neighbours, a few widths
CURSOR_BLEND = 0.22
TINT_ALPHA = {"promotes": (0.14, 0.3, 0.5), "suppresses": (0.16, 0.32, 0.52)}


@dataclass(frozen=True)
class _Line:
    position: int
    first: bool
    text: str
    gap: bool = False
    """A gap line (sentences missing in the source), drawn dim, part of ``position``."""


def fits_one_line(text: str, width: int) -> bool:
    """Plain ASCII text no wider than the pane: Rich's wrap would return it unchanged, so
    it is not wrapped at all (wrapping every sentence with Rich dominated opening a long
    trace)."""
    return 0 < len(text) <= width and text.isascii() and text.isprintable()


_WORD = re.compile(r" *[^ ]+ *")


def _quick_breaks(text: str, width: int) -> list[int] | None:
    """Where Rich breaks ``text`` when no word is wider than the line and the text does
    not start with a space: each line ends before the first word reaching past the width,
    so a line costs one ``rfind``/``find`` instead of a loop over its words. None
    otherwise (``_word_breaks`` then follows Rich word by word)."""
    if text.startswith(" "):
        return None
    breaks: list[int] = []
    begin = 0
    end = len(text.rstrip(" "))
    while end - begin > width:
        limit = begin + width
        if text[limit] == " ":  # the word ending at the limit fits; the next one starts
            start = limit + 1 + len(text[limit + 1 :]) - len(text[limit + 1 :].lstrip(" "))
        else:
            start = text.rfind(" ", begin, limit) + 1
            if start <= begin:
                return None  # a word wider than the line: Rich folds it
        breaks.append(start)
        begin = start
    return breaks


def _word_breaks(text: str, width: int) -> list[int]:
    """Rich's ``divide_line`` for printable ASCII (a character is a cell)."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start = match.start()
        word = match.group()
        length = len(word.rstrip(" "))
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # fold the word over lines of `width` characters
            pieces = [word[i : i + width] for i in range(0, len(word), width)]
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            offset = len(pieces[-1])
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def wrap_plain(text: str, width: int) -> list[str]:
    """``Text(text).wrap(console, width, overflow="fold")`` as plain strings, for printable
    ASCII (``text.isascii() and text.isprintable()``, not empty): the same breaks as Rich's
    ``divide_line``, without building a Text per sentence (Rich's wrap, control-code
    stripping included, dominated showing a 2,000-sentence trace).
    ``tests/tui/test_wrap.py`` checks it against Rich."""
    breaks = _quick_breaks(text, width)
    if breaks is None:
        breaks = _word_breaks(text, width)
    lines = []
    for begin, end in zip([0, *breaks], [*breaks, len(text)], strict=True):
        line = text[begin:end]
        if len(line) > width:  # trailing spaces beyond the width go, then the rest folds
            excess = len(line) - width
            spaces = len(line) - len(line.rstrip(" "))
            line = line[: len(line) - min(spaces, excess)][:width]
        lines.append(line)
    return lines


Wrapped = tuple[list[_Line], list[int]]
"""A trace's display lines and the first line of each sentence."""


def wrap_trace(texts: list[str], marks: TraceMarks, width: int, console: Console) -> Wrapped:
    """Every sentence wrapped at ``width``, gap lines included. A plain function of the
    text, so a worker can wrap a trace before it is shown."""
    lines: list[_Line] = []
    first: list[int] = []
    gaps = marks.gaps
    for position, text in enumerate(texts):
        if position in gaps:  # drawn after the sentence before (before the first)
            owner = max(0, position - 1)
            lines.append(_Line(owner, False, gaps[position][:width], gap=True))
        first.append(len(lines))
        if fits_one_line(text, width):
            lines.append(_Line(position, True, text))
            continue
        if text and text.isascii() and text.isprintable():
            parts = wrap_plain(text, width)
        else:
            parts = [part.plain for part in Text(text or " ").wrap(console, width, overflow="fold")]
        for n, part in enumerate(parts):
            lines.append(_Line(position, n == 0, part))
    return lines, first


@dataclass(frozen=True)
class Fit:
    """A trace pane's text widths (no scrollbar, scrollbar) and height (``TraceLines.fit``)."""

    full: int
    narrow: int
    height: int


def wrap_to_fit(
    texts: list[str], marks: TraceMarks, fit: Fit, console: Console
) -> tuple[int, Wrapped]:
    """A trace wrapped at the width a pane of ``fit`` settles on: the full width, or the
    width a scrollbar leaves when the lines overflow the height."""
    wrapped = wrap_trace(texts, marks, fit.full, console)
    if len(wrapped[0]) <= fit.height or fit.narrow == fit.full:
        return fit.full, wrapped
    return fit.narrow, wrap_trace(texts, marks, fit.narrow, console)


class TraceLines(ScrollView, can_focus=True, inherit_bindings=False):
    """Scrollable sentences. The screen owns the state and pushes it in with ``show`` and
    ``move_cursor``; a click is posted up as ``Clicked``.

    No bindings of its own (``inherit_bindings=False`` drops ScrollView's scrolling keys),
    so arrows and page keys reach the screen's remappable bindings that move the cursor.
    """

    COMPONENT_CLASSES = {
        "trace--cursor",
        "trace--gutter",
        "trace--high",
        "trace--promotes",
        "trace--suppresses",
        "trace--unsigned",
        "trace--match",
        "trace--gap",
    }

    DEFAULT_CSS = """
    TraceLines { background: $surface; overflow-x: hidden; }
    TraceLines > .trace--cursor { text-style: bold; }
    TraceLines > .trace--gutter { color: $text-muted; }
    TraceLines > .trace--high { text-style: bold; }
    TraceLines > .trace--promotes { color: $afscope-promotes; }
    TraceLines > .trace--suppresses { color: $afscope-suppresses; }
    TraceLines > .trace--unsigned { color: $text; }
    TraceLines > .trace--match { text-style: underline; }
    TraceLines > .trace--gap { color: $text-muted; text-style: italic; }
    """

    class Clicked(Message):
        """A sentence was clicked: the screen decides whether the cursor goes there."""

        def __init__(self, position: int) -> None:
            self.position = position
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._texts: list[str] = []
        self._indices: list[int] = []
        self._marks = TraceMarks()
        self._scores: SentenceScores | None = None
        self._selected: set[int] = set()
        self._matches: set[int] = set()
        self.cursor = 0
        """Where the screen last put the cursor (drawn here, owned by the screen's state)."""
        self._lines: list[_Line] = []
        self._first_line: list[int] = []
        self._wrapped_width = -1
        self._cache: LRUCache[int, Strip] = LRUCache(CACHED_LINES)
        self._trace_key: object = object()
        self._wraps: LRUCache[tuple[object, int], Wrapped] = LRUCache(KEPT_WRAPS)
        """Traces wrapped at the last few widths: while layout settles (a scrollbar
        comes and goes) the width flips between two values; wrap each once. Traces
        wrapped ahead (``keep_wrapped``) wait here for ``set_trace``."""
        self._tints: dict[tuple[str, int, bool], Style] = {}
        self._inks: dict[str, Style] = {}
        self._directions: dict[str, Style] = {}
        """Colours worked out from the theme (tints, inks, direction styles): kept until
        it changes (``_restyle``), not per trace or width (a new trace's tints were up
        to a fifth of its frame)."""
        self._placed = False
        """False until the cursor first moves on this trace (see ``scroll_to_cursor``)."""
        self._frame: tuple[Style, int] | None = None
        """The pane's style and width while a frame is rendered (``render_lines``)."""

    # -- data ---------------------------------------------------------------------------
    def set_trace(
        self,
        indices: list[int],
        texts: list[str],
        marks: TraceMarks | None = None,
        trace_id: str | None = None,
    ) -> None:
        """The sentences, and where the source is doubtful (gap lines, flagged sentences);
        with ``trace_id``, its wrapping is kept for when the trace is shown again."""
        self._indices = indices
        self._texts = texts
        self._marks = marks or TraceMarks()
        self._trace_key = trace_id if trace_id is not None else object()
        self._wrapped_width = -1
        self._placed = False  # a new trace: its first view depends only on the final size
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
        self.scroll_to_cursor()  # if the virtual size changed, _size_updated scrolls again

    def move_cursor(self, cursor: int) -> None:
        """Move the cursor only: re-render the two sentences involved, not the pane."""
        self._placed = True  # from now on the view follows the cursor, moving the least
        old, self.cursor = self.cursor, cursor
        for position in {old, cursor}:
            self._refresh_sentence(position)
        self.scroll_to_cursor()

    def _refresh_sentence(self, position: int) -> None:
        if not self._first_line or not 0 <= position < len(self._first_line):
            return
        start = self._first_line[position]
        end = (
            self._first_line[position + 1]
            if position + 1 < len(self._first_line)
            else len(self._lines)
        )
        for y in range(start, end):
            self._cache.discard(y)
        self.refresh_lines(start, end - start)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def line_starts(self) -> list[int]:
        """The first display line of every sentence at the current width."""
        return self._first_line

    @property
    def page_height(self) -> int:
        return self.scrollable_content_region.height or self.size.height

    def first_line_of(self, position: int) -> int:
        return self._first_line[position] if self._first_line else 0

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
        if not self._placed:
            # The first view of a trace: the top when the cursor's sentence shows there,
            # else that sentence a third of the way down. A function of the settled size
            # alone (layout may pass through other sizes first), so the screen a trace
            # opens on never depends on timing.
            y = 0 if end <= height else max(0, top - height // 3)
            if y != self.scroll_y:
                self.scroll_to(y=y, animate=False)
            return
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif end > self.scroll_y + height:
            self.scroll_to(y=max(top, end - height) if end - top <= height else top, animate=False)

    # -- layout -------------------------------------------------------------------------
    def _text_width(self) -> int:
        width = self.scrollable_content_region.width or self.size.width
        return max(10, width - GUTTER)

    def _rewrap(self) -> None:
        width = self._text_width()
        if width == self._wrapped_width:
            return
        self._wrapped_width = width
        key = (self._trace_key, width)
        cached = self._wraps.get(key)
        if cached is None:
            cached = self._wraps[key] = wrap_trace(
                self._texts, self._marks, width, self.app.console
            )
        self._lines, self._first_line = cached
        self._cache.clear()
        self._set_virtual_size(Size(width + GUTTER, len(self._lines)))

    def _set_virtual_size(self, size: Size) -> None:
        """A new trace's scroll range. Setting ``virtual_size`` lays out the whole screen
        (its reactive asks for a layout: 3-10 ms of ``]`` on the sample, whose traces
        differ in length); when the pane overflows before and after at the same width,
        nothing else moves (the scrollbar stays, only its thumb changes), so the range
        and the thumb are set without a layout."""
        old = self.virtual_size
        tall = self.size.height
        if (
            self.is_mounted
            and size.width == old.width
            and min(size.height, old.height) > tall > 0
            and self.show_vertical_scrollbar
        ):
            self.set_reactive(TraceLines.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
            self.refresh()
        else:
            self.virtual_size = size

    def keep_wrapped(self, trace_id: str, width: int, wrapped: Wrapped) -> None:
        """A trace wrapped ahead of time (in a worker, by ``wrap_trace``), used when
        ``set_trace`` shows ``trace_id`` at ``width``."""
        self._wraps[(trace_id, width)] = wrapped

    @property
    def fit(self) -> Fit:
        """The pane's text width without and with a vertical scrollbar, and its height:
        what ``wrap_to_fit`` needs to wrap another trace as this pane would."""
        full = max(10, (self.content_region.width or self.size.width) - GUTTER)
        bar = self.styles.scrollbar_size_vertical
        return Fit(full, max(10, full - bar), self.scrollable_content_region.height)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())

    def _restyle(self) -> None:
        self._tints.clear()
        self._inks.clear()
        self._directions.clear()
        self._cache.clear()
        self.refresh()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Scroll limits are only final once layout has applied sizes; keeping the cursor
        # in view from here (rather than from a timer) makes the first screen deterministic.
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        self._rewrap()  # a scrollbar appearing narrows the text without a Resize event
        self.scroll_to_cursor()
        return changed

    def on_click(self, event: events.Click) -> None:
        y = event.y + int(self.scroll_y)
        if 0 <= y < len(self._lines):
            self.post_message(self.Clicked(self._lines[y].position))

    # -- rendering ---------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # The pane's style and width, worked out once per frame rather than for every
        # line (``rich_style`` walks every ancestor's styles: per line, it was once a
        # third of a new trace's frame).
        self._frame = (self.rich_style, self.size.width)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    @property
    def _base_style(self) -> Style:
        return self.rich_style if self._frame is None else self._frame[0]

    @property
    def _width(self) -> int:
        return self.size.width if self._frame is None else self._frame[1]

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render(index)
            self._cache.set(index, strip)
        width = self._width
        if strip.cell_length == width:  # drawn to the pane's width (``_render``)
            return strip
        return strip.crop_extend(0, width, self._base_style)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def direction_styles(self) -> dict[str, Style]:
        """The direction colours (``trace--promotes``, ``-suppresses``, ``-unsigned``),
        for the legend; kept until the theme changes, as the pane's own colours are
        (worked out again after every repaint, they were a fifth of ``]``'s key handler)."""
        if not self._directions:
            kinds = ("promotes", "suppresses", "unsigned")
            self._directions = {kind: self._style(f"trace--{kind}") for kind in kinds}
        return dict(self._directions)

    def ink(self, name: str) -> Style:
        """Component ``name``'s colour, readable on this pane and under the cursor."""
        cached = self._inks.get(name)
        if cached is None:
            cached = self._inks[name] = component_ink(self, name, self._cursor_background())
        return cached

    def _tint(self, kind: str, level: int, cursor: bool) -> Style:
        """Background for a sentence: the direction colour blended into the pane's
        background by strength, lighter again under the cursor. Text keeps the theme's
        foreground so it stays readable; terminals without concrete colours (ansi themes)
        get coloured text instead."""
        key = (kind, level, cursor)
        if key not in self._tints:
            _, background = self.background_colors
            colour = self._style(f"trace--{kind}").color if kind in TINT_ALPHA else None
            if background.ansi is not None or (colour is not None and colour.triplet is None):
                style = Style(color=colour) if colour is not None and level else Style()
                if cursor:
                    style += Style(reverse=True)
            else:
                tint = background
                if level and colour is not None and colour.triplet is not None:
                    tint = tint.blend(Color(*colour.triplet), TINT_ALPHA[kind][level - 1])
                if cursor:
                    tint = tint.blend(self._foreground(), CURSOR_BLEND)
                # the theme's text colour, unless the tint leaves it too faint to read
                ink = readable(self._foreground(), tint, minimum=TEXT_CONTRAST)
                style = Style(color=ink.rich_color, bgcolor=tint.rich_color)
            self._tints[key] = style
        return self._tints[key]

    def _foreground(self) -> Color:
        colour = self.rich_style.color
        if colour is None or colour.triplet is None:
            return Color(255, 255, 255)
        return Color(*colour.triplet)

    def _cursor_background(self) -> Color:
        """The cursor line's background: the pane's, blended toward the text colour
        (lighter on dark themes, darker on light ones)."""
        _, background = self.background_colors
        return background.blend(self._foreground(), CURSOR_BLEND)

    # the name shadows Widget._render (unused by ScrollView); tests outside afscope.tui
    # call it, so a rename goes with them
    def _render(self, index: int) -> Strip:  # type: ignore[override]
        base = self._base_style
        if index >= len(self._lines) or self._scores is None:
            return Strip.blank(self._width, base)
        line = self._lines[index]
        pos = line.position
        if line.gap:
            style = base + self.ink("trace--gap")
            return Strip([Segment(" " * GUTTER + line.text, style)])
        scores = self._scores
        kind = scores.kind(pos)
        high = scores.highlighted[pos]
        value = scores.importance[pos]
        level = 0
        if kind in TINT_ALPHA and value is not None:
            ratio = value / scores.peak if scores.peak > 0 else 0.0
            level = 3 if ratio >= 0.67 else 2 if ratio >= 0.34 else 1
        is_cursor = pos == self.cursor
        text_style = base + self._tint(kind, level, is_cursor)
        if high:
            text_style += self._style("trace--high")
        if pos in self._matches:
            text_style += self._style("trace--match")
        gutter_style = base + self.ink("trace--gutter")
        if is_cursor:
            gutter_style += self._tint("none", 0, True) + self._style("trace--cursor")
        cursor = CURSOR if is_cursor else " "
        if line.first:
            mark = SELECTED if pos in self._selected else " "
            evidence = LOW_EVIDENCE if scores.low_evidence[pos] else " "
            if pos in self._marks.flagged:
                evidence = SOURCE_WARNING
            glyph_style = gutter_style
            if kind in TINT_ALPHA:
                glyph_style = gutter_style + self.ink(f"trace--{kind}") + Style(bold=True)
            segments = [
                Segment(f"{cursor}{mark}{self._indices[pos]:>5}{evidence}", gutter_style),
                Segment(kind.glyph(high), glyph_style),
                Segment(" ", gutter_style),
            ]
        else:
            segments = [Segment(cursor + " " * (GUTTER - 1), gutter_style)]
        segments.append(Segment(line.text, text_style))
        # padded to the pane's width, so ``render_line`` uses the line as it is (beyond
        # the wrapping width lies the scrollbar, drawn over it)
        pad = max(self._wrapped_width, self._width - GUTTER) - cell_len(line.text)
        if pad > 0:
            segments.append(Segment(" " * pad, text_style))
        return Strip(segments)
