"""The ``?`` screen: every key, the glyph legend and the prefix convention."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
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


def help_text(bindings: list[Binding]) -> Text:
    text = Text()
    text.append("Keys\n", style="bold")
    for binding in bindings:
        if not binding.description:
            continue
        keys = binding.key_display or ", ".join(binding.key.split(","))
        text.append(f"  {keys:<22}", style="bold")
        text.append(binding.description + "\n")
    text.append(
        "  ctrl+p                 command palette: go to trace / sentence, outcome, metric\n"
    )
    text.append("\nGlyphs\n", style="bold")
    for glyph, meaning in LEGEND:
        text.append(f"  {glyph:<6}", style="bold")
        text.append(meaning + "\n")
    text.append("\nRates\n", style="bold")
    text.append(
        f"  x axis: {X_LABEL}.\n  The rate after sentence i is the rate at the next "
        "position.\n  Bands: 95% interval (Wilson) where rollout counts are known.\n"
        "  Plot: the active outcome solid over its band, the others dashed; under the x axis\n"
        "  each sentence's direction glyph; the vertical bar is the selected sentence.\n"
    )
    text.append("\nescape or ? closes this screen.", style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self._keys = bindings

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(help_text(self._keys), id="help-text")
