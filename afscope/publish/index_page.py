"""The site's front page: the trace list, the conditions chart and the tag statistics.

The numbers come from the analyses the commands use (``analysis.conditions`` for
``afscope conditions``, ``analysis.tags`` for ``afscope tags``); this module only lays
them out. Sections the bundle has no data for are left out with a line saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from afscope.analysis.conditions import TIER_NOTES, ConditionRates
from afscope.numbers import MISSING, interval, number, percent
from afscope.palette import DEFAULT, Palette
from afscope.publish.charts import conditions_chart, interval_cell
from afscope.publish.escape import esc
from afscope.publish.trace_page import labels_html


@dataclass(frozen=True)
class TraceRow:
    """One published trace as the list shows it."""

    file: str
    trace_id: str
    variant: str | None
    condition: str | None
    labels: dict[str, bool | None]
    sentences: int
    peaks: dict[str, float | None]
    """Peak |importance| per outcome for the site's metric."""


def trace_list(rows: Sequence[TraceRow], outcomes: Sequence[str], metric: str) -> str:
    head = "".join(f"<th>peak {esc(o)}</th>" for o in outcomes)
    body = []
    for n, row in enumerate(rows, start=1):
        peaks = "".join(f'<td class="num">{number(row.peaks.get(o))}</td>' for o in outcomes)
        body.append(
            f'<tr data-href="{row.file}"><td class="num">{n}</td>'
            f'<td><a class="trace-link" href="{row.file}">{esc(row.trace_id)}</a></td>'
            f"<td>{esc(row.variant or '-')}</td><td>{esc(row.condition or '-')}</td>"
            f'<td>{labels_html(row.labels)}</td><td class="num">{row.sentences}</td>'
            f"{peaks}</tr>"
        )
    return (
        f'<section id="traces"><h2>Traces ({len(rows)})</h2>'
        f'<p class="muted">Peak: the largest |importance| of a sentence in the trace '
        f"({esc(metric)}). <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>enter</kbd> opens.</p>"
        '<table class="list"><thead><tr><th>#</th><th>trace</th><th>variant</th>'
        f"<th>condition</th><th>final labels</th><th>sentences</th>{head}</tr></thead>"
        f'<tbody id="trace-rows">{"".join(body)}</tbody></table></section>'
    )


def _pct_ci(rate: float | None, low: float | None, high: float | None, sign: str = "") -> str:
    """A rate (or with ``sign="+"`` a difference) and its interval, in percent."""
    if rate is None:
        return MISSING
    signed = sign == "+"
    span = (
        ""
        if low is None or high is None
        else f" [{percent(low, sign=signed)}, {percent(high, sign=signed)}]"
    )
    return f"{percent(rate, sign=signed)}{span}"


def conditions_section(result: ConditionRates, palette: Palette = DEFAULT) -> str:
    """Figure 4 as a chart, then its numbers and the differences that matter."""
    rate_rows = "".join(
        f"<tr><td>{esc(r['prompt_variant'])}</td><td>{esc(r['condition'])}"
        f"{' (' + TIER_NOTES[r['condition']] + ')' if r['condition'] in TIER_NOTES else ''}"
        f'</td><td>{esc(r["outcome"])}</td><td class="num">{r["k"]}/{r["n"]}</td>'
        f'<td class="num">{_pct_ci(r["rate"], r["ci_low"], r["ci_high"])}</td></tr>'
        for r in result.rates.iter_rows(named=True)
    )
    diff_rows = "".join(
        f"<tr><td>{esc(d['outcome'])}</td><td>{esc(d['first'])} - {esc(d['second'])}</td>"
        f"<td>within {esc(d['within'])}</td>"
        f'<td class="num">{_pct_ci(d["difference"], d["ci_low"], d["ci_high"], "+")}</td></tr>'
        for d in result.differences.iter_rows(named=True)
    )
    note = f'<p class="note">{esc(result.note)}</p>' if result.note else ""
    return (
        '<section id="conditions"><h2>Conditions</h2>'
        f'<p class="muted">Rates per prompt variant and condition from the {esc(result.basis)} '
        f"({result.rows} rows), Wilson 95% intervals; differences with Newcombe 95% "
        f"intervals.</p>{note}"
        f'<figure class="figure">{conditions_chart(result, palette=palette)}</figure>'
        '<div class="tables"><table class="list"><thead><tr><th>variant</th><th>condition</th>'
        "<th>outcome</th><th>k/n</th><th>rate [95%]</th></tr></thead>"
        f"<tbody>{rate_rows}</tbody></table>"
        '<table class="list"><thead><tr><th>outcome</th><th>difference</th><th></th>'
        f"<th>[95%]</th></tr></thead><tbody>{diff_rows}</tbody></table></div></section>"
    )


def tags_section(
    stats: pl.DataFrame, *, outcome: str, metric: str, draws: int, threshold: float
) -> str:
    """Mean signed importance per tag with cluster-bootstrap intervals, beside a dot-and-
    interval chart per row."""
    values = [
        abs(v)
        for column in ("mean", "ci_low", "ci_high")
        for v in stats[column].to_list()
        if v is not None
    ]
    reach = max([0.05, *values]) * 1.05
    rows = "".join(
        f'<tr><td>{esc(r["group"])}</td><td class="num">{r["sentences"]}</td>'
        f'<td class="num">{r["traces"]}</td>'
        f'<td class="num">{_signed(r["mean"])} {_signed_ci(r["ci_low"], r["ci_high"])}</td>'
        f"<td>{interval_cell(r['mean'], r['ci_low'], r['ci_high'], reach)}</td>"
        f'<td class="num">{number(r["mean_abs"])}</td>'
        f'<td class="num">{_share(r["share_high"])}</td>'
        f'<td class="num">{_signed(r["adjusted"])}</td></tr>'
        for r in stats.iter_rows(named=True)
    )
    return (
        '<section id="tags"><h2>Tags</h2>'
        f'<p class="muted">Signed importance of tagged sentences for {esc(outcome)} '
        f"({esc(metric)}): mean with a cluster-bootstrap 95% interval over traces ({draws} "
        f"draws, seed 0), mean |importance|, share with |importance| ≥ {threshold:.2f}, and "
        "the mean after subtracting each position's average (position-adjusted). "
        "Scale of the chart: ± "
        f"{reach:.2f}.</p>"
        '<table class="list"><thead><tr><th>tag</th><th>sentences</th><th>traces</th>'
        "<th>mean [95%]</th><th></th><th>mean |imp.|</th><th>share high</th>"
        f"<th>position-adjusted</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _signed(value: float | None) -> str:
    return number(value, 3, sign=True)


def _signed_ci(low: float | None, high: float | None) -> str:
    return interval(low, high, 3, sign=True)


def _share(value: float | None) -> str:
    return percent(value, 0)


def index_body(
    *,
    title: str,
    description: str,
    synthetic: bool,
    source: str,
    filters: str,
    rows: Sequence[TraceRow],
    outcomes: Sequence[str],
    metric: str,
    sections: Sequence[str],
) -> str:
    banner = (
        '<p class="banner">This bundle is marked synthetic: illustrative, not real model '
        "output.</p>"
        if synthetic
        else ""
    )
    chosen = f" · traces: {esc(filters)}" if filters else ""
    return (
        f'<section class="intro"><h1>{esc(title)}</h1>{banner}'
        f'<p class="description">{esc(description)}</p>'
        f'<p class="muted">source: {esc(source)}{chosen}</p></section>'
        f"{trace_list(rows, outcomes, metric)}{''.join(sections)}"
    )
