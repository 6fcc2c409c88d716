"""The published site's charts as inline SVG strings, drawn here in Python.

Why SVG from Python rather than a JavaScript charting library: the page must open from
disk with no network and a strict Content-Security-Policy, so a library would have to be
vendored, licensed, kept up to date and allowed to run; inline SVG needs none of that,
is searchable and prints sharply, and a chart is a few kilobytes. Colours come from
``afscope.palette`` as presentation attributes, or as classes whose colours the site's
stylesheet takes from the same palette (no ``style`` attributes, which the policy
forbids). Every piece of input text is escaped with ``esc``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from afscope.analysis.conditions import TIER_NOTES, ConditionRates
from afscope.explore.plot_data import Curve
from afscope.palette import DEFAULT, Palette
from afscope.publish.escape import esc


def _n(value: float) -> str:
    return f"{value:.1f}"


def _ticks(low: float, high: float, most: int = 10) -> list[int]:
    """Whole-number ticks from ``low`` to ``high`` with a 1-2-5 step, at most ``most``."""
    span = max(1.0, high - low)
    step = 1
    while span / step > most:
        for factor in (2, 5, 10):
            if span / (step * factor) <= most or factor == 10:
                step *= factor
                break
    first = math.ceil(low / step) * step
    return list(range(int(first), int(high) + 1, step))


@dataclass(frozen=True)
class SentenceMark:
    """One sentence on the rate chart's x axis, coloured by its direction."""

    position: int
    """Row number in the trace (what the page's script selects)."""
    index: int
    """Sentence index (the x value)."""
    kind: str
    """``Direction`` value: promotes, suppresses, unsigned, negligible, unknown."""
    level: int
    """Strength 0-3 relative to the trace's peak (as the explorer's tint)."""
    label: str
    """Tooltip: index, glyph, direction and value."""
    rank: int | None
    """Place among the most important (0: the first), whose indices are written under
    their marks (a less important one only where it does not overlap); None: not."""


def rate_chart(
    curves: Sequence[Curve],
    marks: Sequence[SentenceMark],
    outcomes: Sequence[str],
    *,
    palette: Palette = DEFAULT,
    width: int = 660,
    height: int = 300,
) -> str:
    """Rates per prefix with Wilson bands, and direction-coloured sentence marks below the
    x axis (the most important numbered): the post's Figures 1-3 for one trace."""
    left, right, top, bottom = 46, 12, 30, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    indices = [m.index for m in marks] or [0]
    x_lo = min([*indices, *(x for c in curves for x in c.x)])
    x_hi = max([*indices, *(x for c in curves for x in c.x)])
    span = max(1.0, float(x_hi - x_lo))

    def sx(x: float) -> float:
        return left + (x - x_lo) / span * plot_w

    def sy(y: float) -> float:
        return top + (1.0 - max(0.0, min(1.0, y))) * plot_h

    out = [
        f'<svg class="chart rate-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="rates per prefix with Wilson 95% bands">'
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = sy(tick)
        out.append(
            f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{_n(y)}" y2="{_n(y)}"/>'
            f'<text class="tick" x="{left - 6}" y="{_n(y + 4)}" text-anchor="end">'
            f"{tick:.0%}</text>"
        )
    base = top + plot_h
    for tick in _ticks(x_lo, x_hi):
        x = sx(tick)
        out.append(
            f'<line class="axis" x1="{_n(x)}" x2="{_n(x)}" y1="{base}" y2="{base + 4}"/>'
            f'<text class="tick" x="{_n(x)}" y="{base + 15}" text-anchor="middle">{tick}</text>'
        )
    out.append(f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{base}" y2="{base}"/>')
    for curve in curves:
        colour = palette.outcome_colour(curve.outcome, outcomes)
        points = [
            (x, r)
            for x, r in zip(curve.x, curve.rate, strict=True)
            if r is not None and math.isfinite(r)
        ]
        if curve.low is not None and curve.high is not None:
            band = [
                (x, lo, hi)
                for x, lo, hi in zip(curve.x, curve.low, curve.high, strict=True)
                if lo is not None and hi is not None and math.isfinite(lo + hi)
            ]
            if band:
                upper = " ".join(f"{_n(sx(x))},{_n(sy(hi))}" for x, _, hi in band)
                lower = " ".join(f"{_n(sx(x))},{_n(sy(lo))}" for x, lo, _ in reversed(band))
                out.append(
                    f'<polygon class="band" fill="{colour}" fill-opacity="0.16" '
                    f'points="{upper} {lower}"/>'
                )
        if points:
            line = " ".join(f"{_n(sx(x))},{_n(sy(r))}" for x, r in points)
            out.append(
                f'<polyline class="curve" fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{line}"/>'
            )
    legend_x = left
    for curve in curves:
        colour = palette.outcome_colour(curve.outcome, outcomes)
        name = esc(curve.outcome)
        out.append(
            f'<rect x="{legend_x}" y="8" width="14" height="10" fill="{colour}" '
            f'fill-opacity="0.35" stroke="{colour}"/>'
            f'<text class="legend" x="{legend_x + 19}" y="17">{name}</text>'
        )
        legend_x += 30 + 7 * len(curve.outcome)
    out.append(
        f'<text class="legend muted" x="{left + plot_w}" y="17" text-anchor="end">'
        "band: Wilson 95%</text>"
    )
    strip = base + 22
    mark_w = max(1.5, plot_w / max(1, len(marks)) * 0.9)
    numbered: list[float] = []  # x of the numbers written so far (most important first)
    ranked = sorted((m for m in marks if m.rank is not None), key=lambda m: m.rank or 0)
    for mark in ranked:
        if all(abs(sx(mark.index) - x) >= 18 for x in numbered):
            numbered.append(sx(mark.index))
    for mark in marks:
        x = sx(mark.index) - mark_w / 2
        out.append(
            f'<rect class="mk {mark.kind} l{mark.level}" data-pos="{mark.position}" '
            f'x="{_n(x)}" y="{strip}" width="{_n(mark_w)}" height="14">'
            f"<title>{esc(mark.label)}</title></rect>"
        )
        if mark.rank is not None and sx(mark.index) in numbered:
            out.append(
                f'<text class="mk-n" x="{_n(sx(mark.index))}" y="{strip + 27}" '
                f'text-anchor="middle">{mark.index}</text>'
            )
    out.append(
        f'<text class="axis-label" x="{left + plot_w / 2}" y="{height - 4}" '
        'text-anchor="middle">sentence index (the prefix ends before it)</text>'
        f'<line id="cursor" class="cursor" x1="0" x2="0" y1="{top}" y2="{strip + 14}"/>'
        "</svg>"
    )
    return "".join(out)


def _pct(value: float) -> str:
    return f"{value:.1%}"


def conditions_chart(
    result: ConditionRates, *, palette: Palette = DEFAULT, width: int = 660, height: int = 300
) -> str:
    """The post's Figure 4: a group per prompt variant x condition, a bar per outcome
    (its colour; hatched for conditions after the first), Wilson 95% whiskers."""
    left, right, top, bottom = 50, 12, 30, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    rows = {
        (r["prompt_variant"], r["condition"], r["outcome"]): r
        for r in result.rates.iter_rows(named=True)
    }
    groups = [(v, c) for v in result.variants for c in result.conditions]
    highest = max([0.01, *(r["ci_high"] or r["rate"] or 0.0 for r in rows.values())])
    step = next((s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25) if highest / s <= 6), 0.25)
    ceiling = math.ceil(highest / step) * step

    def sy(y: float) -> float:
        return top + (1.0 - y / ceiling) * plot_h

    out = [
        f'<svg class="chart conditions-chart" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="rates per prompt variant and condition with Wilson 95% intervals">'
        "<defs>"
    ]
    for i, outcome in enumerate(result.outcomes):
        colour = palette.outcome_colour(outcome, result.outcomes)
        out.append(
            f'<pattern id="hatch-{i}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="3"/></pattern>'
        )
    out.append("</defs>")
    ticks = round(ceiling / step)
    for k in range(ticks + 1):
        value = k * step
        y = sy(value)
        out.append(
            f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{_n(y)}" y2="{_n(y)}"/>'
            f'<text class="tick" x="{left - 6}" y="{_n(y + 4)}" text-anchor="end">'
            f"{value:.0%}</text>"
        )
    group_w = plot_w / max(1, len(groups))
    bar_w = min(40.0, group_w * 0.8 / max(1, len(result.outcomes)))
    for g, (variant, condition) in enumerate(groups):
        centre = left + group_w * (g + 0.5)
        start = centre - bar_w * len(result.outcomes) / 2
        hatched = result.conditions.index(condition) > 0
        for i, outcome in enumerate(result.outcomes):
            row = rows.get((variant, condition, outcome))
            if row is None or row["rate"] is None:
                continue
            colour = palette.outcome_colour(outcome, result.outcomes)
            x = start + i * bar_w
            y = sy(row["rate"])
            fill = f"url(#hatch-{i})" if hatched else colour
            tip = f"{outcome}, {variant} / {condition}: {_pct(row['rate'])} ({row['k']}/{row['n']})"
            out.append(
                f'<rect x="{_n(x + 1)}" y="{_n(y)}" width="{_n(bar_w - 2)}" '
                f'height="{_n(top + plot_h - y)}" fill="{fill}" stroke="{colour}">'
                f"<title>{esc(tip)}</title></rect>"
            )
            if row["ci_low"] is not None and row["ci_high"] is not None:
                mid = x + bar_w / 2
                y_lo, y_hi = sy(row["ci_low"]), sy(min(ceiling, row["ci_high"]))
                out.append(
                    f'<path class="whisker" d="M{_n(mid)},{_n(y_lo)}V{_n(y_hi)}'
                    f"M{_n(mid - 4)},{_n(y_lo)}H{_n(mid + 4)}M{_n(mid - 4)},{_n(y_hi)}"
                    f'H{_n(mid + 4)}"/>'
                )
        note = TIER_NOTES.get(condition)
        label = f"{condition} ({note})" if note else condition
        out.append(
            f'<text class="tick" x="{_n(centre)}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{esc(variant)}</text>'
            f'<text class="tick muted" x="{_n(centre)}" y="{top + plot_h + 30}" '
            f'text-anchor="middle">{esc(label)}</text>'
        )
    out.append(
        f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}"/>'
    )
    legend_x = left
    for outcome in result.outcomes:
        colour = palette.outcome_colour(outcome, result.outcomes)
        out.append(
            f'<rect x="{legend_x}" y="8" width="14" height="10" fill="{colour}"/>'
            f'<text class="legend" x="{legend_x + 19}" y="17">{esc(outcome)}</text>'
        )
        legend_x += 30 + 7 * len(outcome)
    if len(result.conditions) > 1:
        out.append(
            f'<text class="legend muted" x="{left + plot_w}" y="17" text-anchor="end">'
            f"solid: {esc(result.conditions[0])}, hatched: "
            f"{esc(', '.join(result.conditions[1:]))}; whiskers: Wilson 95%</text>"
        )
    out.append("</svg>")
    return "".join(out)


def interval_cell(
    mean: float | None,
    low: float | None,
    high: float | None,
    reach: float,
    *,
    width: int = 160,
    height: int = 16,
) -> str:
    """One group's mean signed importance as a dot and its 95% interval as a line, on a
    scale from -``reach`` to +``reach`` around a zero line (orange dot: promotes, purple:
    suppresses); a table cell, so the rows of a tag table line up with their charts."""
    pad = 5
    reach = max(reach, 1e-9)

    def sx(x: float) -> float:
        return pad + (max(-reach, min(reach, x)) + reach) / (2 * reach) * (width - 2 * pad)

    mid = height / 2
    out = [
        f'<svg class="cell-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true">'
        f'<line class="axis" x1="{_n(sx(0))}" x2="{_n(sx(0))}" y1="0" y2="{height}"/>'
    ]
    if low is not None and high is not None:
        out.append(
            f'<line class="ci" x1="{_n(sx(low))}" x2="{_n(sx(high))}" '
            f'y1="{_n(mid)}" y2="{_n(mid)}"/>'
        )
    if mean is not None:
        kind = "promotes" if mean > 0 else "suppresses"
        out.append(f'<circle class="dot {kind}" cx="{_n(sx(mean))}" cy="{_n(mid)}" r="4"/>')
    out.append("</svg>")
    return "".join(out)
