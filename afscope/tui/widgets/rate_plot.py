"""Per-prefix rate curves with their interval band and a marker at the selected sentence."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from afscope.explore.plot_data import Curve

COLORS = ("cyan", "orange", "green", "magenta", "red", "blue")
MARKERS = ("braille", "dot", "sd", "hd")
X_LABEL = "sentence i  (rate over rollouts that keep sentences < i)"


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
            if curve.outcome == self._active and curve.low is not None and curve.high is not None:
                plt.plot(curve.x, curve.low, color=color, marker="·")
                plt.plot(curve.x, curve.high, color=color, marker="·")
            plt.plot(
                curve.x,
                curve.rate,
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
