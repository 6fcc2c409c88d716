"""Benchmark the explorer's rate plot: from a `j` key to the plot drawn again.

    python scripts/bench_plot.py [--moves 60]

For each move: the key (Pilot presses `j` and waits until the app has handled it), then
what the debounced panel redraw does (detail and plot), then the plot's lines rendered as
the compositor asks for them. Also printed: the part after the key ("detail and plot")
and the plot's own share ("plot alone": its `show` and the render of its lines). The
60 ms debounce itself is left out (it is a wait, not work). The floor, timed in the same
run, is a minimal Textual app whose `j` updates one line: the same key round trip and a
one-line render. Wall-clock medians and p95 over --moves moves, on the bundled sample and
on a 2,000-sentence trace, at 120x36.
Numbers go in docs and notes, never in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import ClassVar

from bench_tui import make_bundle  # type: ignore[import-not-found]
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import Static

from afscope.sample import sample_bundle_path
from afscope.tui.app import AfscopeApp
from afscope.tui.screens.explorer import ExplorerScreen
from afscope.tui.widgets.rate_plot import RatePlot

SIZE = (120, 36)


class Floor(App[None]):
    """One line that follows `j`: the key round trip and a repaint, nothing else."""

    BINDINGS: ClassVar = [("j", "move", "move")]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("0", id="line")

    def action_move(self) -> None:
        self.count += 1
        self.query_one(Static).update(str(self.count))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def time_floor(moves: int) -> list[float]:
    app = Floor()
    times = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = app.query_one(Static)
        for _ in range(moves):
            started = time.perf_counter()
            await pilot.press("j")
            line.render_lines(Region(0, 0, line.size.width, line.size.height))
            times.append(time.perf_counter() - started)
    return times


async def time_moves(
    path: Path, moves: int, plot_only: list[float], panels: list[float]
) -> list[float]:
    app = AfscopeApp(path)
    times = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, ExplorerScreen)
        plot = screen.query_one(RatePlot)
        show = plot.show
        plot_time = [0.0]

        def timed_show(*args: object, **kwargs: object) -> None:
            started = time.perf_counter()
            show(*args, **kwargs)  # type: ignore[arg-type]
            plot_time[0] = time.perf_counter() - started

        plot.show = timed_show  # type: ignore[method-assign]
        for _ in range(moves):
            started = time.perf_counter()
            await pilot.press("j")
            key = time.perf_counter()
            screen._draw_panels()  # what the debounce timer would run
            drawn = time.perf_counter()
            plot.render_lines(Region(0, 0, plot.size.width, plot.size.height))
            done = time.perf_counter()
            times.append(done - started)
            plot_only.append(plot_time[0] + done - drawn)
            panels.append(done - key)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        long_trace = make_bundle(Path(tmp) / "long", 1, 2000)
        results: dict[str, list[float]] = {}
        results["floor (minimal app, j -> line)"] = asyncio.run(time_floor(args.moves))
        for label, path in (("sample", sample_bundle_path()), ("2,000 sentences", long_trace)):
            plot_only: list[float] = []
            panels: list[float] = []
            results[f"{label}: j -> plot redrawn"] = asyncio.run(
                time_moves(path, args.moves, plot_only, panels)
            )
            results[f"{label}: detail and plot"] = panels
            results[f"{label}: plot alone"] = plot_only
    floor = statistics.median(results["floor (minimal app, j -> line)"])
    for name, values in results.items():
        ms = [v * 1e3 for v in values]
        median = statistics.median(ms)
        print(
            f"{name:<36} median {median:6.1f} ms  p95 {p95(ms):6.1f} ms  "
            f"x floor {median / (floor * 1e3):4.1f}  (n={len(ms)})"
        )


if __name__ == "__main__":
    main()
