"""Per-prefix rate curves with their interval band and a marker at the selected sentence."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from afscope.explore.plot_data import Curve
from afscope.tui.failures import describe

COLORS = ("cyan", "orange", "green", "magenta", "red", "blue")
MARKERS = ("braille", "dot", "sd", "hd")
X_LABEL = "sentence i  (rate over rollouts that keep sentences < i)"


def drawable_points(
    x: Sequence[float | None], y: Sequence[float | None]
) -> tuple[list[float], list[float]]:
    """The points of a curve plotext can draw, rates clamped to [0, 1]: plotext overflows
    on infinite or huge values and fails on missing ones, and data that slipped past the
    bundle checks must not take the explorer down with it."""
    xs: list[float] = []
    ys: list[float] = []
    for a, b in zip(x, y, strict=False):
        if a is None or b is None or not math.isfinite(a) or not math.isfinite(b):
            continue
        xs.append(float(a))
        ys.append(min(1.0, max(0.0, float(b))))
    return xs, ys


class RatePlot(PlotextPlot):
    """Keeps its data and replots on change, resize and theme change."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._curves: list[Curve] = []
        self._marker: float | None = None
        self._x_max = 1.0
        self._active: str | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._fit_theme())
        self._fit_theme()

    def _fit_theme(self) -> None:
        # Textual's ansi themes have no concrete colours to derive a plot theme from; the
        # auto theme then draws black on black, so use plotext's colourless theme there.
        self.theme = "clear" if self.app.theme.startswith("ansi") else "auto"
        self.replot()

    def show(
        self, curves: list[Curve], marker: float | None, x_max: float, active: str | None = None
    ) -> None:
        """Curves for every outcome; the interval band only for the ``active`` one."""
        self._curves = curves
        self._active = active
        self._marker = marker
        self._x_max = max(1.0, x_max)
        self.replot()

    def replot(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        for i, curve in enumerate(self._curves):
            color = COLORS[i % len(COLORS)]
            points = drawable_points(curve.x, curve.rate)
            if not points[0]:  # plotext cannot draw a legend entry for an empty curve
                continue
            if curve.outcome == self._active and curve.low is not None and curve.high is not None:
                for band in (curve.low, curve.high):
                    plt.plot(*drawable_points(curve.x, band), color=color, marker="·")
            plt.plot(
                *points,
                label=curve.outcome,
                color=color,
                marker=MARKERS[i % len(MARKERS)],
            )
        if self._marker is not None:
            plt.vline(self._marker, "white" if self.theme != "clear" else "default")
        plt.ylim(0, 1)
        plt.xlim(0, self._x_max)
        step = max(1, round(self._x_max / 5))
        ticks: list[float] = list(range(0, int(self._x_max) + 1, step))
        plt.xticks(ticks, [str(int(t)) for t in ticks])
        plt.yticks([0, 0.25, 0.5, 0.75, 1.0], ["0", ".25", ".5", ".75", "1"])
        plt.xlabel(X_LABEL)
        self.refresh()

    def render(self) -> RenderResult:
        """The plot, or a note when plotext cannot draw it: a plotting failure on odd
        data must never crash the explorer (the detail panel still shows the numbers)."""
        try:
            return super().render()
        except Exception as exc:
            return Text(f"cannot draw this plot: {describe(exc, 200)}", style="dim")
