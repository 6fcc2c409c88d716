"""Statistics by tag (``S``): the table of ``afscope tags`` beside a bar chart.

One bar per tag (category, note): its mean signed importance, whiskers for the cluster
bootstrap 95% interval, coloured and marked by direction with the ``Direction`` glyphs
(so the chart reads without colour). Statistics are computed in a worker by
``afscope.analysis.tags``; keys switch grouping, outcome, metric and the comparison,
and enter opens the ranking filtered to the tag.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from afscope.analysis.categories import CategoryRules
from afscope.analysis.frame import Choice, sentence_frame
from afscope.analysis.notes import Notes
from afscope.analysis.tags import GROUPINGS, NONE_GROUP, Comparison, GroupBy, tag_statistics
from afscope.bundle.reader import Bundle
from afscope.explore.direction import Direction
from afscope.numbers import number
from afscope.text import one_line
from afscope.tui.widgets.footer import KeyFooter

DRAWS = 1000
"""Bootstrap draws on screen (the CLI defaults to 2000)."""
FILTER_FIELD = {"tags": "tag", "categories": "category", "notes": "note"}
CHART_CHROME = 5
"""Rows of the chart plotext keeps for the title, the x axis lines, ticks and label."""


@dataclass
class StatsSource:
    """What the screen computes from: the bundle and the researcher's rules and notes."""

    bundle: Bundle
    outcome: str
    metric: str
    rules: CategoryRules | None = None
    notes: Notes | None = None
    comparisons: list[Comparison] = field(default_factory=list)


def comparisons_for(traces: pl.DataFrame) -> list[Comparison]:
    """Two-group comparisons the trace list allows: condition and variant, first two values."""
    out = []
    for column, name in (("condition", "condition"), ("prompt_variant", "variant")):
        if column in traces.columns:
            values = [v for v in traces[column].unique(maintain_order=True).to_list() if v]
            if len(values) >= 2:
                out.append(Comparison(name, str(values[0]), str(values[1])))
    return out


class TagChart(PlotextPlot):
    """One bar per table row, each on its own canvas row.

    When there are more groups than rows the chart shows a window of the table's rows
    that follows the table cursor, and its title says which: plotext drops (and, through
    a set, picks at random) labels that fall on the same row, so a crowded chart would
    silently disagree with the table and differ between runs.
    """

    def __init__(self) -> None:
        super().__init__(id="stats-plot")
        self.stats = pl.DataFrame()
        self.start = 0
        """Index of the first table row in the chart."""
        self.cursor = 0

    def on_mount(self) -> None:
        self.theme = "clear" if self.app.theme.startswith("ansi") else "auto"

    def _colour(self, kind: Direction) -> str | tuple[int, int, int]:
        """The configured direction colour (``$afscope-promotes`` ...), else gray."""
        if kind not in (Direction.PROMOTES, Direction.SUPPRESSES):
            return "gray"
        value = self.app.theme_variables.get(f"afscope-{kind.value}")
        try:
            return Color.parse(value).rgb if value else "gray"
        except ColorParseError:
            return "gray"

    def on_resize(self) -> None:
        """The number of bars that fit depends on the height."""
        self.replot()

    @property
    def capacity(self) -> int:
        """How many bars fit: one per canvas row."""
        return max(1, self.size.height - CHART_CHROME)

    @property
    def window(self) -> tuple[int, int]:
        """The table rows drawn: ``start`` inclusive to the end exclusive."""
        return self.start, min(self.stats.height, self.start + self.capacity)

    def show(self, stats: pl.DataFrame, cursor: int = 0) -> None:
        self.stats = stats
        self.start = 0
        self.cursor = cursor
        self.replot()

    def follow(self, cursor: int) -> None:
        """Keep the table's cursor row in the chart (scrolls like the table)."""
        self.cursor = cursor
        start, end = self.window
        if not start <= cursor < end:
            self.replot()

    def _fit_window(self) -> None:
        capacity, total = self.capacity, self.stats.height
        cursor = max(0, min(self.cursor, total - 1))
        if cursor < self.start:
            self.start = cursor
        elif cursor >= self.start + capacity:
            self.start = cursor - capacity + 1
        self.start = max(0, min(self.start, total - capacity))

    def replot(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        total = self.stats.height
        if not total:
            self.refresh()
            return
        self._fit_window()
        start, end = self.window
        rows = self.stats.slice(start, end - start).to_dicts()
        n = len(rows)
        label = max(10, min(24, self.size.width // 4))  # wide charts: whole names
        ys: list[float] = []
        labels: list[str] = []
        for i, row in enumerate(rows):
            y = n - i
            mean = row["mean"]
            kind = Direction.of(mean, abs(mean) if mean is not None else None)
            color = self._colour(kind)
            if row["ci_low"] is not None and row["ci_high"] is not None:
                plt.plot([row["ci_low"], row["ci_high"]], [y, y], color=color, marker="─")
                plt.scatter([row["ci_low"], row["ci_high"]], [y, y], color=color, marker="│")
            if mean is not None:
                plt.plot([0, mean], [y, y], color=color, marker="█")
            ys.append(float(y))
            labels.append(f"{kind.glyph()} {one_line(row['group'], label)}")
        plt.vline(0, "gray")
        plt.yticks(ys, labels)
        # a whole number of canvas rows per bar, first bar on the top row: no two share a row
        rows_on_canvas = self.capacity
        per_bar = max(1, min(2, rows_on_canvas // n))  # a blank row between bars at most
        span = (rows_on_canvas - 1) / per_bar
        if span > 0:
            plt.ylim(n - span, n)
        else:
            plt.ylim(n - 0.5, n + 0.5)
        if n == total:
            plt.title(f"all {total} groups")
        else:
            plt.title(f"groups {start + 1}-{end} of {total} (follows the table cursor)")
        plt.xlabel("mean signed importance (95% CI, traces resampled)")
        self.refresh()


class TagStatsScreen(Screen[str | None]):
    """Dismisses with a ranking filter (``tag=X``) for the tag under the cursor, or None."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    AUTO_FOCUS = "#stats-table"

    BINDINGS = [
        Binding("escape,q", "dismiss_none", "Back", id="stats_back"),
        Binding("enter", "open", "Rank this tag", priority=True, id="stats_open"),
        Binding("b", "grouping", "By tags/categories/notes", id="stats_by"),
        Binding("o", "outcome", "Outcome", id="stats_outcome"),
        Binding("m", "metric", "Metric", id="stats_metric"),
        Binding("c", "compare", "Comparison", id="stats_compare"),
    ]

    def __init__(self, source: StatsSource, by: GroupBy = "tags") -> None:
        super().__init__()
        self.source = source
        self.by: GroupBy = by
        self.compare_index = -1
        self.stats = pl.DataFrame()

    def compose(self) -> ComposeResult:
        yield Static("computing…", id="stats-status")
        with Horizontal(id="stats-main"):
            yield DataTable(id="stats-table", cursor_type="row")
            yield TagChart()
        yield KeyFooter({"metric": 100, "compare": 110})

    def on_mount(self) -> None:
        self.recompute()

    @property
    def comparison(self) -> Comparison | None:
        options = self.source.comparisons
        return options[self.compare_index] if 0 <= self.compare_index < len(options) else None

    def recompute(self) -> None:
        self.query_one("#stats-status", Static).update("computing…")
        self._compute(self.source.outcome, self.source.metric, self.by, self.comparison)

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _compute(self, outcome: str, metric: str, by: GroupBy, compare: Comparison | None) -> None:
        source = self.source
        frame = sentence_frame(
            source.bundle, Choice(outcome, metric), rules=source.rules, notes=source.notes
        )
        stats = tag_statistics(frame, by, draws=DRAWS, compare=compare)
        self.app.call_from_thread(self._show, stats)

    def _show(self, stats: pl.DataFrame) -> None:
        self.stats = stats
        compare = self.comparison
        table = self.query_one(DataTable)
        table.clear(columns=True)
        columns = [FILTER_FIELD[self.by], "n", "tr.", "mean", "95% CI", "|imp|", "adj."]
        if compare is not None:
            columns += ["diff", "diff 95% CI"]
        table.add_columns(*columns)
        for row in stats.to_dicts():
            kind = Direction.of(row["mean"], abs(row["mean"]) if row["mean"] is not None else None)
            cells: list[str | Text] = [
                Text(f"{kind.glyph()} {one_line(row['group'], 30)}"),
                str(row["sentences"]),
                str(row["traces"]),
                _num(row["mean"]),
                f"{_num(row['ci_low'])}..{_num(row['ci_high'])}",
                _num(row["mean_abs"], sign=False),
                _num(row["adjusted"]),
            ]
            if compare is not None:
                cells += [
                    _num(row["difference"]),
                    f"{_num(row['diff_low'])}..{_num(row['diff_high'])}",
                ]
            table.add_row(*cells)
        self.query_one(TagChart).show(stats, table.cursor_row)
        table.focus()
        what = f"{self.source.outcome} · {self.source.metric} · by {self.by}"
        if compare is not None:
            what += f" · difference {compare.describe()}"
        if stats.height == 0:
            what += " · no groups (tags missing? try b for categories or notes)"
        self.query_one("#stats-status", Static).update(
            Text(f"{one_line(what, 200)} · {DRAWS} bootstrap draws over traces, seed 0")
        )

    @on(DataTable.RowHighlighted, "#stats-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(TagChart).follow(event.cursor_row)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def action_grouping(self) -> None:
        self.by = GROUPINGS[(GROUPINGS.index(self.by) + 1) % len(GROUPINGS)]
        self.recompute()

    def action_outcome(self) -> None:
        self.source.outcome = _next(self.source.bundle.outcomes, self.source.outcome)
        self.recompute()

    def action_metric(self) -> None:
        self.source.metric = _next(self.source.bundle.metrics, self.source.metric)
        self.recompute()

    def action_compare(self) -> None:
        options = len(self.source.comparisons)
        self.compare_index = (self.compare_index + 2) % (options + 1) - 1
        self.recompute()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.stats.height == 0:
            return
        group = self.stats["group"][table.cursor_row]
        if group == NONE_GROUP:
            self.dismiss("")
        else:
            self.dismiss(f"{FILTER_FIELD[self.by]}={group}" if " " not in group else group)


def _num(value: float | None, sign: bool = True) -> str:
    return number(value, sign=sign)


def _next(values: list[str], current: str) -> str:
    if not values:
        return current
    return values[(values.index(current) + 1) % len(values)] if current in values else values[0]
