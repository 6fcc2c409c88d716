"""Figure 4 in the terminal: grouped bars per prompt variant and tier, one per outcome,
with Wilson 95% whiskers.

Each outcome has its own colour and its own fill pattern (named in the legend), so the
chart reads the same under ``NO_COLOR`` and in monochrome terminals.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.color import Color, ColorParseError
from textual_plotext import PlotextPlot

from afscope.palette import DEFAULT

PATTERNS = ("█", "▒", "░", "▚", "▞", "▤")
"""Fill per outcome: tells outcomes apart without colour."""


@dataclass(frozen=True)
class Bar:
    group: str
    """The cluster label (variant and tier)."""
    outcome: str
    rate: float
    low: float | None
    high: float | None


class ConditionsChart(PlotextPlot):
    """Keeps its bars and replots on change, resize and theme change."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._bars: list[Bar] = []
        self._groups: list[str] = []
        self._outcomes: list[str] = []

    def _outcome_colour(self, index: int) -> tuple[int, int, int]:
        """The configured outcome colour (``$afscope-outcome-N``, ``afscope.palette``):
        never a direction colour, as in the explorer's plot."""
        slot = index % len(DEFAULT.outcomes)
        value = self.app.theme_variables.get(f"afscope-outcome-{slot}") or DEFAULT.outcomes[slot]
        try:
            return Color.parse(value).rgb
        except ColorParseError:
            return Color.parse(DEFAULT.outcomes[slot]).rgb

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._fit_theme())
        self._fit_theme()

    def _fit_theme(self) -> None:
        self.theme = "clear" if self.app.theme.startswith("ansi") else "auto"
        self.replot()

    def show(self, bars: list[Bar], groups: list[str], outcomes: list[str]) -> None:
        self._bars = bars
        self._groups = groups
        self._outcomes = outcomes
        self.replot()

    @staticmethod
    def pattern(outcome: int) -> str:
        """The fill of the ``outcome``-th outcome's bars (for a legend outside the chart)."""
        return PATTERNS[outcome % len(PATTERNS)]

    def _x(self, group: int, outcome: int) -> float:
        return group * (len(self._outcomes) + 1) + outcome + 1

    def replot(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if not self._bars:
            self.refresh()
            return
        width = len(self._outcomes) + 1
        where = {(b.group, b.outcome): b for b in self._bars}
        top = max((b.high if b.high is not None else b.rate) for b in self._bars) * 100
        top = max(1.0, top * 1.45)  # headroom for the legend above the bars
        for i, outcome in enumerate(self._outcomes):
            xs, ys = [], []
            for g, group in enumerate(self._groups):
                bar = where.get((group, outcome))
                if bar is not None:
                    xs.append(self._x(g, i))
                    ys.append(100 * bar.rate)
            if xs:
                plt.bar(
                    xs,
                    ys,
                    marker=PATTERNS[i % len(PATTERNS)],
                    color=self._outcome_colour(i),
                    width=0.6 / width,
                    label=outcome,
                )
        whisker = "default" if self.theme == "clear" else "white"
        for g, group in enumerate(self._groups):
            for i, outcome in enumerate(self._outcomes):
                bar = where.get((group, outcome))
                if bar is None or bar.low is None or bar.high is None:
                    continue
                x = self._x(g, i)
                plt.plot([x, x], [100 * bar.low, 100 * bar.high], marker="│", color=whisker)
                plt.plot([x - 0.25, x + 0.25], [100 * bar.high] * 2, marker="─", color=whisker)
        centres = [g * width + width / 2 for g in range(len(self._groups))]
        room = max(6, (self.size.width or 80) // max(1, len(self._groups)) - 2)
        plt.xticks(centres, [label[:room] for label in self._groups])
        plt.xlim(0.3, len(self._groups) * width - 0.3)
        plt.ylim(0, top)
        step = next(s for s in (0.5, 1, 2, 5, 10, 20, 25, 50) if top / s <= 5)
        ticks = [step * k for k in range(int(top / step) + 1)]
        plt.yticks(ticks, [f"{t:g}%" for t in ticks])
        self.refresh()
