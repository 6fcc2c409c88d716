"""The header and detail panels: literal ``rich.text.Text`` built from explorer models.

Model text is already cleaned of escape sequences; it is still never parsed as markup.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from afscope.explore.detail import SentenceDetail
from afscope.explore.settings import ViewSettings
from afscope.numbers import number
from afscope.text import one_line
from afscope.tui.glyphs import SOURCE_WARNING


def search_status(query: str, matches: int) -> str:
    """``3 matches for /refuse`` while a search is active, else empty."""
    if not query:
        return ""
    return f"{matches} match{'' if matches == 1 else 'es'} for /{one_line(query, 24)}"


def header_text(
    trace: dict[str, Any],
    labels: dict[str, bool | None],
    settings: ViewSettings,
    position: str,
    highlighted: int,
    width: int,
    search: str = "",
) -> Text:
    """Three lines, each cut to ``width``: the trace, its query and labels, and the view
    (outcome / metric, then ``search`` - the match count, first so it is seen at 80
    columns - the highlight rule and ``position``)."""
    described = [
        one_line(str(trace.get(key) or "")) for key in ("model", "prompt_variant", "condition")
    ]
    if described[1] == described[0]:  # Thought Anchors data: the model is the variant
        del described[1]
    # what the source does not say is left out, not shown as a row of dashes
    parts = [one_line(str(trace.get("trace_id", ""))), *(p for p in described if p)]
    # label names come from column names (``outcome.<name>``): as untrusted as model text
    label_text = " ".join(
        f"{one_line(o)}={'yes' if v else 'no' if v is not None else '-'}" for o, v in labels.items()
    )
    text = Text(no_wrap=True, overflow="ellipsis")  # three lines, each cut to the width
    text.append(parts[0], style="bold")
    if len(parts) > 1:
        text.append("  " + " · ".join(parts[1:]))
    text.append("\n")
    text.append("query: ", style="dim")
    # the query gives way to the labels, and says so with an ellipsis when cut
    room = max(10, width - cell_len(label_text) - 11)
    text.append(one_line(str(trace.get("query") or "-"), room))
    text.append("  " + label_text)
    text.append("\n")
    text.append(one_line(settings.outcome), style="bold")
    text.append(" / ", style="dim")
    text.append(one_line(settings.metric), style="bold")
    if search:
        text.append(f"  {search}", style="reverse")
    text.append(f"  {highlighted} high: {settings.describe()}")
    text.append(f"  {position}", style="dim")
    if settings.include_low_evidence:
        text.append(" incl. low-evidence", style="dim")
    return text


def detail_text(detail: SentenceDetail, settings: ViewSettings) -> Text:
    """The detail panel's text: the sentence, each outcome's rate before -> after with its
    Wilson interval and n, every metric's signed value with its interval, the resampled
    alternatives and the sentence-to-sentence effects (the active outcome/metric bold)."""
    text = Text()
    text.append(f"sentence {detail.sentence_idx}", style="bold")
    if detail.tags:
        text.append("  tags: " + ", ".join(detail.tags), style="dim")
    text.append("\n")
    for note in detail.source_notes:
        text.append(f"{SOURCE_WARNING} {one_line(note)}\n", style="bold")
    text.append(detail.text)
    text.append("\n\n")
    for change in detail.rates:
        active = change.outcome == settings.outcome
        text.append(f"{one_line(change.outcome)} rate ", style="bold" if active else "")
        text.append(change.describe() + "\n")
        if intervals := change.describe_intervals():
            text.append(f"  {intervals}\n", style="dim")
    for value in detail.metrics:
        active = value.outcome == settings.outcome and value.metric == settings.metric
        name = f"{one_line(value.outcome)}/{one_line(value.metric)}"
        evidence = "  LOW EVIDENCE" if value.low_evidence else ""
        line = f"{value.kind.glyph()} {name}: {value.describe()}{evidence}\n"
        text.append(line, style="bold" if active else "")
    if detail.metrics and all(v.ci_low is None for v in detail.metrics):
        text.append("(no importance intervals in this source)\n", style="dim")
    if detail.resample_count:
        text.append(f"\nresampled here: {detail.resample_count} rollouts", style="dim")
        if detail.overdetermined:
            text.append(" - mostly restate this sentence (looks overdetermined)")
        text.append("\n")
        for alt in detail.alternatives:
            share = "" if alt.share is None else f", {settings.outcome} {alt.share:.0%}"
            text.append(f"  {alt.count}x{share}: ", style="dim")
            text.append(one_line(alt.text, 200) + "\n")
    for title, effects in (
        ("strongest incoming", detail.incoming),
        ("strongest outgoing", detail.outgoing),
    ):
        if effects:
            listed = ", ".join(f"#{e.other_idx} {number(e.score, 2, sign=True)}" for e in effects)
            text.append(f"{title}: {listed}\n", style="dim")
    return text


class TraceHeader(Widget, can_focus=True):
    """Trace metadata and the active view settings; enter (or a click) posts ``Activated``
    (the explorer opens the trace browser).

    A fixed-height widget that repaints without asking for a new layout, so updating it
    on every cursor move stays cheap.
    """

    BINDINGS = [Binding("enter", "activate", "Traces", id="header_activate")]

    class Activated(Message):
        """The header was chosen (enter or a click)."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text(text)

    def update(self, text: Text) -> None:
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text

    def action_activate(self) -> None:
        self.post_message(self.Activated())

    def on_click(self) -> None:
        self.post_message(self.Activated())


TITLE = "detail (tab)"
FOCUSED_TITLE = "▶ detail: j/k scroll · esc back"


class DetailPanel(ScrollView, can_focus=True):
    """Detail of the selected sentence: a pane whose size comes from CSS and whose text
    scrolls inside it (``j``/``k``, page keys, ``g``/``G`` while it has focus; ``escape``
    posts ``Leave``).

    A new sentence replaces the wrapped lines and the scroll range without asking for a
    layout: the pane's size never depends on its text, so a cursor move repaints this pane
    and not the whole screen.
    """

    BINDINGS = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail_down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail_up"),
        Binding("ctrl+d,pagedown", "page_down", "Page down", show=False, id="detail_page_down"),
        Binding("ctrl+u,pageup", "page_up", "Page up", show=False, id="detail_page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="detail_top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="detail_bottom"),
        Binding("escape", "leave", "Back to the trace", show=False, id="detail_back"),
    ]

    DEFAULT_CSS = """
    DetailPanel { overflow-x: hidden; overflow-y: auto; scrollbar-gutter: stable; }
    """

    class Leave(Message):
        """``escape`` in the panel: the screen gives focus back to the trace."""

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, focusable: bool = True
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.can_focus = focusable
        self._text = Text()
        self._strips: list[Strip] = []
        self._wrapped_width = -1

    @property
    def text(self) -> Text:
        """What the panel shows (tests and the screen read it; the lines are wrapped)."""
        return self._text

    def show(self, text: Text) -> None:
        """Show ``text`` from its first line."""
        self._text = text
        self._wrapped_width = -1
        self._rewrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _rewrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._wrapped_width:
            return
        self._wrapped_width = width
        console = self.app.console
        self._strips = [
            Strip(list(line.render(console)), line.cell_len)
            for line in self._text.wrap(console, width, overflow="fold")
        ]
        size = Size(width, len(self._strips))
        if size != self.virtual_size:
            # the scroll range only: the pane keeps its size, so no layout is needed
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        self._rewrap()  # a new width (a resize, the plot shown or hidden) wraps again
        return changed

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self._strips):
            return Strip.blank(width, self.rich_style)
        return (
            self._strips[index].apply_style(self.rich_style).crop_extend(0, width, self.rich_style)
        )

    def on_mount(self) -> None:
        self._title()

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._title()

    def _title(self) -> None:
        """Says how to reach the pane, and once focused how to use and leave it (shown
        where the pane has a top border)."""
        if self.can_focus:
            self.border_title = FOCUSED_TITLE if self.has_focus else TITLE

    def action_leave(self) -> None:
        self.post_message(self.Leave())
