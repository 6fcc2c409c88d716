"""The ``?`` screen: the glyph legend, the panes, every key once, the prefix convention.

It scrolls with the keyboard (``j``/``k``, arrows, page keys, ``space``, ``g``/``G``,
home/end) and starts with the legend, so the glyphs are above the fold.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

from afscope.explore.direction import NEGLIGIBLE, Direction
from afscope.tui.glyphs import CURSOR, LOW_EVIDENCE, SELECTED, SOURCE_WARNING
from afscope.tui.widgets.rate_plot import X_LABEL


def _pair(kind: Direction) -> str:
    return f"{kind.glyph(True)} {kind.glyph(False)}"


LEGEND = (
    (
        _pair(Direction.PROMOTES),
        "promotes the active outcome (orange); filled = high importance (top k or threshold)",
    ),
    (
        _pair(Direction.SUPPRESSES),
        "suppresses it (purple; blue with colors = colorblind); filled = high importance",
    ),
    (_pair(Direction.UNSIGNED), "unsigned metric (KL): magnitude only"),
    (Direction.NEGLIGIBLE.glyph(), f"negligible (|importance| < {NEGLIGIBLE:g})"),
    (LOW_EVIDENCE, "low evidence: too few rollouts to say; not counted as high importance"),
    (SOURCE_WARNING, "the source contradicts itself here (see the detail; afscope validate)"),
    (CURSOR, "the selected sentence"),
    (SELECTED, "selected for export"),
)
SHADING = (
    "A sentence's background is its direction's colour, stronger for a larger "
    "|importance| (relative to the trace's largest); high-importance sentences are bold."
)
PANES = (
    "tab / shift+tab move between the trace, the detail panel and the header. In the "
    "detail: j/k, arrows, page keys, g/G scroll; escape returns to the trace. p hides or "
    "shows the rate plot (it starts hidden on small terminals)."
)


def key_names(binding: Binding) -> str:
    """Every key of ``binding``, once each (``j, ↓``), from the keys in effect: not the
    footer's abbreviation (``n/N`` names two bindings and would list ``N`` twice)."""
    return ", ".join(format_key(key) for key in binding.key.split(",") if key)


def help_text(bindings: list[Binding]) -> Text:
    text = Text()
    text.append("Glyphs\n", style="bold")
    for glyph, meaning in LEGEND:
        text.append(f"  {glyph:<6}", style="bold")
        text.append(meaning + "\n")
    text.append(f"  {SHADING}\n")
    text.append("\nPanes\n", style="bold")
    text.append(f"  {PANES}\n")
    text.append("\nKeys\n", style="bold")
    for binding in bindings:
        if not binding.description:
            continue
        text.append(f"  {key_names(binding):<22}", style="bold")
        text.append((binding.tooltip or binding.description) + "\n")
    text.append(
        "  ctrl+p                command palette: go to trace / sentence, outcome, metric\n"
    )
    text.append("\nRates\n", style="bold")
    text.append(
        f"  x axis: {X_LABEL}.\n  The rate after sentence i is the rate at the next "
        "position.\n  Bands: 95% interval (Wilson) where rollout counts are known.\n"
        "  Plot: the active outcome solid over its band, the others dashed; under the x axis\n"
        "  each sentence's direction glyph; the vertical bar is the selected sentence.\n"
    )
    text.append("\nj/k, page keys, g/G scroll; escape or ? closes this screen.", style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help_close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="help_down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="help_up"),
        Binding("pagedown,space,ctrl+d", "page(1)", "Page down", show=False, id="help_page_down"),
        Binding("pageup,ctrl+u", "page(-1)", "Page up", show=False, id="help_page_up"),
        Binding("g,home", "edge(0)", "Top", show=False, id="help_top"),
        Binding("G,end", "edge(1)", "Bottom", show=False, id="help_bottom"),
    ]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self._keys = bindings

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(help_text(self._keys), id="help-text")

    @property
    def box(self) -> VerticalScroll:
        return self.query_one("#help-box", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        self.box.scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        box = self.box
        box.scroll_relative(
            y=pages * max(1, box.scrollable_content_region.height - 1), animate=False
        )

    def action_edge(self, end: int) -> None:
        box = self.box
        box.scroll_to(y=box.max_scroll_y if end else 0, animate=False)
