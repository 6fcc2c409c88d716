"""The header and detail panels: literal ``rich.text.Text`` built from explorer models.

Model text is already cleaned of escape sequences; it is still never parsed as markup.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from afscope.explore.detail import SentenceDetail
from afscope.explore.direction import Direction
from afscope.explore.settings import ViewSettings
from afscope.text import one_line
from afscope.tui.glyphs import SOURCE_WARNING


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def header_text(
    trace: dict[str, Any],
    labels: dict[str, bool | None],
    settings: ViewSettings,
    position: str,
    highlighted: int,
    width: int,
) -> Text:
    parts = [
        one_line(str(trace.get("trace_id", ""))),
        one_line(str(trace.get("model") or "-")),
        one_line(str(trace.get("prompt_variant") or "-")),
        one_line(str(trace.get("condition") or "-")),
    ]
    if parts[2] == parts[1] != "-":  # Thought Anchors data: the model is the variant
        del parts[2]
    # label names come from column names (``outcome.<name>``): as untrusted as model text
    label_text = " ".join(
        f"{one_line(o)}={'yes' if v else 'no' if v is not None else '-'}" for o, v in labels.items()
    )
    text = Text(no_wrap=True, overflow="ellipsis")  # three lines, each cut to the width
    text.append(parts[0], style="bold")
    text.append("  " + " · ".join(parts[1:]))
    text.append("\n")
    text.append("query: ", style="dim")
    query = one_line(str(trace.get("query") or "-"))
    text.append(query[: max(10, width - len(label_text) - 12)])
    text.append("  " + label_text)
    text.append("\n")
    text.append(one_line(settings.outcome), style="bold")
    text.append(" / ", style="dim")
    text.append(one_line(settings.metric), style="bold")
    text.append(f"  {highlighted} high: {settings.describe()}")
    text.append(f"  {position}", style="dim")
    if settings.include_low_evidence:
        text.append(" incl. low-evidence", style="dim")
    return text


def detail_text(detail: SentenceDetail, settings: ViewSettings) -> Text:
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
        text.append(
            f"{change.outcome}: ", style="bold" if change.outcome == settings.outcome else ""
        )
        text.append(
            f"rate {_num(change.before)} (n={change.n_before or '?'}) -> "
            f"{_num(change.after)} (n={change.n_after or '?'})\n"
        )
    for value in detail.metrics:
        active = value.outcome == settings.outcome and value.metric == settings.metric
        kind = Direction.of(value.direction, value.importance)
        glyph = kind.glyph()
        signed = "" if value.direction is None else f" ({value.direction:+.3f})"
        interval = (
            ""
            if value.ci_low is None or value.ci_high is None
            else f" 95% [{value.ci_low:+.2f}, {value.ci_high:+.2f}]"
        )
        evidence = "  LOW EVIDENCE" if value.low_evidence else ""
        line = (
            f"{glyph} {value.outcome}/{value.metric}: {value.importance:.3f}{signed} "
            f"{kind.word}{interval}{evidence}\n"
        )
        text.append(line, style="bold" if active else "")
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
            listed = ", ".join(f"#{e.other_idx} {e.score:+.2f}" for e in effects)
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


class DetailPanel(Static):
    """Detail of the selected sentence (scrolls inside its container)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._height = -1

    def show(self, text: Text) -> None:
        """Replace the text; ask for a new layout only when its wrapped height changes,
        since a layout repaints the whole screen."""
        width = max(1, self.content_region.width or self.size.width or 40)
        height = len(text.wrap(self.app.console, width))
        self.update(text, layout=height != self._height)
        self._height = height
