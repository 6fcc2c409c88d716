"""The conditions screen (``C``): Figure 4 as a chart, the rates and the differences.

It gets a ``ConditionRates`` computed headlessly (``afscope.analysis.conditions``, the
same numbers ``afscope conditions`` prints) and only draws it: the chart on top, the two
tables below in a scrolling pane.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from afscope.analysis.conditions import ConditionRates
from afscope.analysis.tables import (
    basis_line,
    differences_table,
    name,
    rates_table,
    tier_note,
)
from afscope.tui.widgets.conditions_chart import Bar, ConditionsChart


def bars_of(result: ConditionRates) -> tuple[list[Bar], list[str]]:
    """One bar per variant x condition x outcome, and the cluster labels in order."""
    groups: list[str] = []
    bars = []
    for row in result.rates.iter_rows(named=True):
        group = f"{name(row['prompt_variant'])} {name(row['condition'])}"
        if group not in groups:
            groups.append(group)
        bars.append(Bar(group, name(row["outcome"]), row["rate"], row["ci_low"], row["ci_high"]))
    return bars, groups


class ConditionsScreen(Screen[None]):
    """Rates by prompt variant and tier with Wilson whiskers; differences below."""

    BINDINGS = [
        Binding("escape,q,C", "back", "Back", id="conditions_back"),
        Binding("j,down", "scroll(1)", "Scroll", show=False, id="conditions_down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="conditions_up"),
    ]

    def __init__(self, result: ConditionRates, source: str) -> None:
        super().__init__()
        self.result = result
        self.source = source

    def compose(self) -> ComposeResult:
        yield Static(id="conditions-title", markup=False)
        yield ConditionsChart(id="conditions-chart")
        with VerticalScroll(id="conditions-tables"):
            yield Static(id="conditions-body")
        yield Footer()

    def on_mount(self) -> None:
        result = self.result
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("Rates by prompt variant and tier", style="bold")
        title.append(f"{tier_note(result)}  · {name(self.source)}", style="dim")
        self.query_one("#conditions-title", Static).update(title)
        bars, groups = bars_of(result)
        outcomes = [name(o) for o in result.outcomes]
        chart = self.query_one(ConditionsChart)
        chart.show(bars, groups, outcomes)
        legend = Text("bars: ", style="dim")
        for i, outcome in enumerate(outcomes):
            legend.append(f"{chart.pattern(i)} {outcome}  ")
        legend.append("whiskers: Wilson 95%", style="dim")
        note = Text(basis_line(result), style="bold" if result.note else "dim")
        self.query_one("#conditions-body", Static).update(
            Group(legend, note, rates_table(result), differences_table(result))
        )
        self.query_one("#conditions-tables").focus()

    def action_scroll(self, step: int) -> None:
        self.query_one("#conditions-tables", VerticalScroll).scroll_relative(y=step, animate=False)

    def action_back(self) -> None:
        self.dismiss(None)
