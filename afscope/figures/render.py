"""Draw figure data with matplotlib (the ``afscope[figures]`` extra), headless.

matplotlib is imported only here and only when a figure is drawn, so afscope runs
without it and ``afscope figure`` says which extra to install. Figures are built as
``matplotlib.figure.Figure`` on an Agg canvas (never pyplot): no window ever opens and
no global figure state is kept. Untrusted text (trace ids, outcome names, tags, sentences)
is drawn with mathtext off, so a ``$`` in model text stays a dollar sign.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, cast

from afscope import __version__
from afscope.analysis.tags import NONE_GROUP
from afscope.figures.model import (
    ConditionsFigure,
    Figure,
    NumberedSentence,
    RatesFigure,
    TagsFigure,
)
from afscope.figures.output import FIGURE_MARK
from afscope.figures.style import (
    Colours,
    condition_hatch,
    condition_label,
    outcome_dash,
    outcome_label,
)
from afscope.numbers import number
from afscope.palette import DEFAULT, Palette

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

FORMATS = ("svg", "png", "pdf")
EXTRA_HINT = "pip install 'afscope[figures]'"
PNG_DPI = 200
BASELINE_COLOR = "#666666"
"""The tags figure's ``(none)`` group: the baseline, in neither direction's colour."""
RC = {
    "text.parse_math": False,
    "text.usetex": False,
    "svg.hashsalt": "afscope",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "hatch.linewidth": 0.8,
}


class FiguresUnavailable(RuntimeError):
    """matplotlib is not installed: the message names the extra to install."""


def require_matplotlib() -> None:
    """Raise ``FiguresUnavailable`` unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise FiguresUnavailable(
            f"figures need matplotlib, which is not installed: {EXTRA_HINT}"
        ) from None


def render(figure: Figure, fmt: str, palette: Palette = DEFAULT) -> bytes:
    """``figure`` drawn as ``fmt`` (svg, png or pdf) in ``palette``'s colours, marked as
    afscope's in its metadata."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}: expected one of {', '.join(FORMATS)}")
    require_matplotlib()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    colours = Colours(palette)
    with matplotlib.rc_context(cast(Any, RC)):
        canvas_figure = MplFigure(layout="constrained")
        FigureCanvasAgg(canvas_figure)
        if isinstance(figure, RatesFigure):
            _draw_rates(canvas_figure, figure, colours)
        elif isinstance(figure, ConditionsFigure):
            _draw_conditions(canvas_figure, figure, colours)
        else:
            _draw_tags(canvas_figure, figure, colours)
        buffer = io.BytesIO()
        canvas_figure.savefig(
            buffer,
            format=fmt,
            dpi=PNG_DPI,
            metadata=metadata(fmt, figure.title),
            facecolor="white",
        )
    return buffer.getvalue()


def metadata(fmt: str, title: str) -> dict[str, Any]:
    """The mark ``output.is_afscope_figure`` looks for, in each format's own field; no
    dates, so the same data gives the same file."""
    mark = f"{FIGURE_MARK} {__version__} (matplotlib)"
    if fmt == "png":
        return {"Software": mark, "Title": title}
    if fmt == "svg":
        return {"Creator": mark, "Title": title, "Date": None}
    return {"Creator": mark, "Title": title, "CreationDate": None}


def _title(fig: MplFigure, title: str) -> None:
    fig.suptitle(title, x=0.01, ha="left", fontsize=12)


# -- rates ---------------------------------------------------------------------------------
def _draw_rates(fig: MplFigure, data: RatesFigure, colours: Colours) -> None:
    quote_lines = len(data.numbered)
    fig.set_size_inches(10, 4.6 + 0.5 + 0.22 * quote_lines)
    ratios = [1.0, 0.09] + ([0.055 * quote_lines + 0.02] if quote_lines else [])
    axes = fig.subplots(len(ratios), 1, height_ratios=ratios, sharex=False)
    plot, strip = axes[0], axes[1]
    xs = [m.sentence_idx for m in data.marks]
    x_max = max([*xs, *(x for s in data.series for x in s.x), 1])
    for i, series in enumerate(data.series):
        color = colours.outcome(i)
        if series.low is not None and series.high is not None:
            plot.fill_between(
                series.x,
                [v * 100 for v in series.low],
                [v * 100 for v in series.high],
                color=color,
                alpha=0.16,
                linewidth=0,
                step=None,
            )
        plot.plot(
            series.x,
            [v * 100 for v in series.rate],
            color=color,
            linestyle=outcome_dash(i),
            linewidth=1.8,
            label=outcome_label(series.outcome),
        )
    for item, level in _staggered(data.numbered, x_max):
        color = colours.direction[item.direction]
        plot.axvline(item.sentence_idx, color=color, linewidth=0.9, linestyle=(0, (2, 2)), zorder=0)
        plot.annotate(
            str(item.sentence_idx),
            (item.sentence_idx, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3 + 11 * level),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=8.5,
            fontweight="bold",
            color=colours.direction_text[item.direction],
        )
    plot.set_xlim(-0.8, x_max + 0.8)
    plot.set_ylim(-2, 102)
    plot.set_ylabel("rate of resampled rollouts (%)")
    plot.tick_params(labelbottom=False)
    plot.grid(axis="y", color="#E6E6E6", linewidth=0.7)
    _title(fig, data.title)
    _handles(plot, data, colours)
    _draw_strip(strip, data, x_max, colours)
    if quote_lines:
        _draw_quotes(axes[2], data, colours)


def _staggered(
    numbered: list[NumberedSentence], x_max: float
) -> list[tuple[NumberedSentence, int]]:
    """Numbers at neighbouring sentences go on alternating heights so they never overlap."""
    placed: list[tuple[NumberedSentence, int]] = []
    close = max(1.0, x_max / 25)
    for item in sorted(numbered, key=lambda n: n.sentence_idx):
        level = 0
        if placed and item.sentence_idx - placed[-1][0].sentence_idx <= close:
            level = (placed[-1][1] + 1) % 3
        placed.append((item, level))
    return placed


def _handles(plot: Axes, data: RatesFigure, colours: Colours) -> None:
    from matplotlib.patches import Patch

    handles, labels = plot.get_legend_handles_labels()
    if any(s.low is not None for s in data.series):
        handles.append(Patch(color="#999999", alpha=0.3, linewidth=0))
        labels.append("Wilson 95% band")
    target = outcome_label(data.marks_outcome)
    drawn = {m.direction for m in data.marks}
    for word in [w for w in ("promotes", "suppresses") if w in drawn]:
        handles.append(Patch(color=colours.direction[word]))
        labels.append(f"{word} {target}")
    plot.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)


def _draw_strip(strip: Axes, data: RatesFigure, x_max: float, colours: Colours) -> None:
    for mark in data.marks:
        if mark.direction == "unknown":
            continue
        strong = mark.direction not in ("negligible",)
        strip.bar(
            mark.sentence_idx,
            1.0,
            width=0.92,
            bottom=0,
            color=colours.direction[mark.direction],
            alpha=(0.3 + 0.7 * mark.strength) if strong else 1.0,
            linewidth=0,
        )
    strip.set_xlim(-0.8, x_max + 0.8)
    strip.set_ylim(0, 1)
    strip.set_yticks([])
    strip.spines[["left", "top", "right"]].set_visible(False)
    strip.set_xlabel(
        "sentence i (rate at i: rollouts that keep sentences 0..i-1); "
        f"colour: {data.metric} importance"
    )
    from matplotlib.ticker import MaxNLocator

    strip.xaxis.set_major_locator(MaxNLocator(integer=True))


def _draw_quotes(ax: Axes, data: RatesFigure, colours: Colours) -> None:
    ax.axis("off")
    count = len(data.numbered)
    ax.set_ylim(0, count)
    ax.set_xlim(0, 1)
    ranked = sorted(data.numbered, key=lambda n: n.sentence_idx)
    for row, item in enumerate(ranked):
        y = count - row - 0.5
        color = colours.direction_text[item.direction]
        glyph = (
            "▲" if item.direction == "promotes" else "▼" if item.direction == "suppresses" else "◆"
        )
        ax.text(
            0.0,
            y,
            f"{item.sentence_idx:>3}",
            color=color,
            fontweight="bold",
            va="center",
            fontsize=9,
            family="DejaVu Sans Mono",
        )
        ax.text(
            0.04,
            y,
            f"{glyph} {number(item.signed, 2, sign=True)}",
            color=color,
            va="center",
            fontsize=9,
            family="DejaVu Sans Mono",
        )
        ax.text(0.135, y, item.text, color="#222222", va="center", fontsize=9)


# -- conditions ----------------------------------------------------------------------------
def _draw_conditions(fig: MplFigure, data: ConditionsFigure, colours: Colours) -> None:
    from matplotlib.patches import Patch

    fig.set_size_inches(9, 4.8)
    ax = fig.subplots()
    per_group = len(data.outcomes) * len(data.conditions)
    width = 0.8 / max(1, per_group)
    lookup = {(b.variant, b.condition, b.outcome): b for b in data.bars}
    top = 0.0
    for g, variant in enumerate(data.variants):
        slot = 0
        for o, outcome in enumerate(data.outcomes):
            for c, condition in enumerate(data.conditions):
                bar = lookup.get((variant, condition, outcome))
                x = g - 0.4 + width * (slot + 0.5)
                slot += 1
                if bar is None:
                    continue
                rate, low, high = bar.rate * 100, bar.low * 100, bar.high * 100
                top = max(top, high)
                ax.bar(
                    x,
                    rate,
                    width=width * 0.92,
                    color=colours.outcome(o) if c == 0 else "white",
                    edgecolor=colours.outcome(o),
                    hatch=condition_hatch(c),
                    linewidth=1.2,
                )
                ax.errorbar(
                    x,
                    rate,
                    yerr=[[rate - low], [high - rate]],
                    color="#222222",
                    capsize=3,
                    linewidth=1,
                )
                ax.annotate(
                    f"{rate:.1f}%",
                    (x, high),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=8,
                )
    ax.set_xticks(range(len(data.variants)))
    ax.set_xticklabels([_group_label(data, v) for v in data.variants])
    ax.set_xlim(-0.6, len(data.variants) - 0.4)
    ax.set_ylim(0, max(1.0, top) * 1.18)
    ax.set_ylabel("rate (%)")
    ax.set_xlabel("prompt variant")
    ax.grid(axis="y", color="#E6E6E6", linewidth=0.7)
    ax.set_axisbelow(True)
    _title(fig, data.title)
    handles: list[Any] = [
        Patch(facecolor=colours.outcome(o), edgecolor=colours.outcome(o), label=outcome_label(name))
        for o, name in enumerate(data.outcomes)
    ]
    handles += [
        Patch(
            facecolor="#777777" if c == 0 else "white",
            edgecolor="#444444",
            hatch=condition_hatch(c),
            label=condition_label(name),
        )
        for c, name in enumerate(data.conditions)
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    if data.note:
        fig.supxlabel(f"note: {data.note}", x=0.01, ha="left", fontsize=7.5, color="#555555")


def _group_label(data: ConditionsFigure, variant: str) -> str:
    counts = {b.n for b in data.bars if b.variant == variant}
    return f"{variant}\n(n = {counts.pop()} per bar)" if len(counts) == 1 else variant


# -- tags ----------------------------------------------------------------------------------
def _draw_tags(fig: MplFigure, data: TagsFigure, colours: Colours) -> None:
    rows = len(data.points)
    fig.set_size_inches(9, 1.6 + 0.34 * max(rows, 2))
    ax = fig.subplots()
    for row, point in enumerate(data.points):
        y = rows - 1 - row
        word = "promotes" if point.mean > 0 else "suppresses"
        color = BASELINE_COLOR if point.group == NONE_GROUP else colours.direction[word]
        if point.low is not None and point.high is not None:
            ax.errorbar(
                point.mean,
                y,
                xerr=[[point.mean - point.low], [point.high - point.mean]],
                color=color,
                capsize=3,
                linewidth=1.4,
                marker="o",
                markersize=6,
            )
        else:
            ax.plot(point.mean, y, marker="o", color=color, markersize=6)
    ax.axvline(0, color="#444444", linewidth=0.9)
    ax.set_yticks(range(rows))
    ax.set_yticklabels(
        [f"{p.group}  ({p.sentences} sentences, {p.traces} traces)" for p in reversed(data.points)]
    )
    ax.set_ylim(-0.7, rows - 0.3)
    ax.grid(axis="x", color="#E6E6E6", linewidth=0.7)
    ax.set_axisbelow(True)
    ax.set_xlabel(
        f"mean signed importance (> 0 promotes {outcome_label(data.outcome)})\n"
        f"95% cluster-bootstrap interval over traces ({data.draws} draws)"
    )
    _title(fig, data.title)
