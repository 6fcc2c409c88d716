"""One trace's page: direction-coloured sentences, rate chart, and every sentence's detail.

The sentence detail is what the explorer's detail panel and the exports say, taken from
their functions (``export.records.trace_record`` for rates and metric values,
``explore.detail.sentence_detail`` for alternatives and effects), never recomputed. It
travels as JSON in a ``<script type="application/json">`` block that the page's script
turns into elements with ``textContent`` (no HTML is ever built from data in the browser).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from afscope.explore.detail import Effect, sentence_detail
from afscope.explore.direction import NEGLIGIBLE, Direction
from afscope.explore.plot_data import rate_curves
from afscope.explore.scores import SentenceScores, most_important, score_sentences
from afscope.explore.settings import ViewSettings
from afscope.explore.trace_data import TraceData
from afscope.export.records import SentenceRecord, TraceRecord, trace_record
from afscope.numbers import MISSING, interval, number, percent
from afscope.palette import DEFAULT, Palette
from afscope.publish.charts import SentenceMark, rate_chart
from afscope.publish.escape import esc, esc_block, script_json
from afscope.publish.layout import INDEX_FILE
from afscope.text import one_line

CHART_POINTS = 400
"""Rate-curve points per outcome (longer traces are averaged in buckets)."""
NUMBERED = 5
"""The most important sentences whose index is written under the chart."""
LOW_EVIDENCE = "?"


@dataclass(frozen=True)
class TraceLink:
    """Where a trace page sits among the published ones."""

    number: int
    total: int
    previous: str | None
    next: str | None


def _r(value: float | None) -> float | None:
    """A number for the page's JSON (4 decimals; None for a missing or non-finite one)."""
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


def level(scores: SentenceScores, position: int) -> int:
    """Strength 0-3 of a sentence's colour relative to the trace's peak (the explorer's)."""
    value = scores.importance[position]
    kind = scores.kind(position)
    if value is None or kind not in (Direction.PROMOTES, Direction.SUPPRESSES):
        return 0
    ratio = value / scores.peak if scores.peak > 0 else 0.0
    return 3 if ratio >= 0.67 else 2 if ratio >= 0.34 else 1


def _metric_json(record: SentenceRecord) -> list[dict[str, Any]]:
    """Each metric's value as the explorer's detail writes it (``MetricValue.describe``:
    ``+0.279 [+0.12, +0.43] promotes``), so the page never formats a number itself."""
    out = []
    for m in record.metrics:
        kind = m.kind
        out.append(
            {
                "o": one_line(m.outcome),
                "m": one_line(m.metric),
                "t": m.describe(),
                "low": m.low_evidence,
                "g": kind.glyph(),
                "w": kind.word,
            }
        )
    return out


def _rate_text(rate: float | None, n: int | None, ci: tuple[float, float] | None) -> str:
    """``0.47 [0.33, 0.61] (n=43)``: a rate as the explorer's detail writes it."""
    span = interval(*ci) if ci is not None else ""
    return " ".join(part for part in (number(rate, 2), span) if part) + (
        f" (n={MISSING if n is None else n})"
    )


def _effect_text(effect: Effect) -> str:
    kind = f" ({one_line(effect.kind)})" if effect.kind else ""
    return f"#{effect.other_idx} {number(effect.score, 2, sign=True)}{kind}"


def detail_json(data: TraceData, record: TraceRecord, outcome: str) -> list[dict[str, Any]]:
    """Per sentence (trace order): rates before -> after with Wilson intervals, every
    metric with its interval and direction, resampled alternatives, effects. ``record``
    is the export record of every sentence of the trace (``trace_record``)."""
    out = []
    for position, sentence in enumerate(record.sentences):
        detail = sentence_detail(data, position, outcome)
        out.append(
            {
                "i": sentence.sentence_idx,
                "tags": [one_line(t) for t in sentence.tags],
                "rates": [
                    {
                        "o": one_line(r.outcome),
                        "b": _rate_text(r.before, r.n_before, r.before_ci),
                        "a": _rate_text(r.after, r.n_after, r.after_ci),
                    }
                    for r in sentence.rates
                ],
                "metrics": _metric_json(sentence),
                "resampled": detail.resample_count,
                "over": detail.overdetermined,
                "alts": [
                    {
                        "t": one_line(a.text, 300),
                        "c": a.count,
                        "s": None if a.share is None else percent(a.share, 0),
                    }
                    for a in detail.alternatives
                ],
                "in": [{"i": e.other_idx, "t": _effect_text(e)} for e in detail.incoming],
                "out": [{"i": e.other_idx, "t": _effect_text(e)} for e in detail.outgoing],
            }
        )
    return out


def labels_html(labels: dict[str, bool | None]) -> str:
    """Final labels as ``name = yes/no/unknown`` chips."""
    words = {True: "yes", False: "no"}
    parts = []
    for outcome, value in labels.items():
        word = words.get(value, "unknown") if isinstance(value, bool) else "unknown"
        parts.append(f'<span class="label {word}">{esc(outcome)} = {word}</span>')
    return " ".join(parts)


def _legend(settings: ViewSettings) -> str:
    promotes, suppresses = Direction.PROMOTES, Direction.SUPPRESSES
    items = [
        ("promotes", f"{promotes.glyph()} {promotes.word} {esc(settings.outcome)}"),
        ("suppresses", f"{suppresses.glyph()} {suppresses.word} {esc(settings.outcome)}"),
        ("unsigned", f"{Direction.UNSIGNED.glyph()} {Direction.UNSIGNED.word} (magnitude only)"),
        ("negligible", f"{Direction.NEGLIGIBLE.glyph()} negligible (|importance| < {NEGLIGIBLE})"),
    ]
    chips = "".join(f'<span class="chip {cls}">{text}</span>' for cls, text in items)
    return (
        f'<div class="legend">{chips}<span class="note">filled glyph: '
        f"{esc(settings.describe())} (high importance), hollow: below; shade: strength "
        f"relative to this trace's peak; {LOW_EVIDENCE}: low evidence</span></div>"
    )


def _sentences(data: TraceData, scores: SentenceScores) -> str:
    rows = []
    texts = data.sentences["text"].to_list()
    for position, (idx, text) in enumerate(zip(data.indices, texts, strict=True)):
        kind = scores.kind(position)
        high = scores.highlighted[position]
        classes = f"s {kind.value} l{level(scores, position)}" + (" hi" if high else "")
        evidence = LOW_EVIDENCE if scores.low_evidence[position] else ""
        rows.append(
            f'<div class="{classes}" id="s-{position}" data-pos="{position}">'
            f'<span class="gut"><span class="ix">{idx}</span><span class="ev">{evidence}</span>'
            f'<span class="g">{kind.glyph(high)}</span></span>'
            f'<span class="tx">{esc_block(text)}</span></div>'
        )
    return "".join(rows)


def _marks(data: TraceData, scores: SentenceScores, settings: ViewSettings) -> list[SentenceMark]:
    ranked = sorted(
        (p for p, v in enumerate(scores.importance) if v is not None and scores.highlighted[p]),
        key=lambda p: -(scores.importance[p] or 0.0),
    )[:NUMBERED]
    marks = []
    for position, idx in enumerate(data.indices):
        kind = scores.kind(position)
        value = scores.importance[position]
        signed = scores.direction[position]
        shown = (
            "no value"
            if value is None
            else number(value)
            if signed is None
            else number(signed, sign=True)
        )
        marks.append(
            SentenceMark(
                position=position,
                index=idx,
                kind=kind.value,
                level=level(scores, position),
                label=f"sentence {idx}: {kind.glyph(scores.highlighted[position])} {kind.word} "
                f"{settings.outcome} ({settings.metric} {shown})",
                rank=ranked.index(position) if position in ranked else None,
            )
        )
    return marks


def _nav(link: TraceLink) -> str:
    previous = (
        f'<a rel="prev" id="prev-trace" href="{link.previous}">&lsaquo; previous</a>'
        if link.previous
        else '<span class="muted">&lsaquo; previous</span>'
    )
    following = (
        f'<a rel="next" id="next-trace" href="{link.next}">next &rsaquo;</a>'
        if link.next
        else '<span class="muted">next &rsaquo;</span>'
    )
    return (
        f'<nav class="crumbs"><a id="trace-list" href="{INDEX_FILE}">all traces</a>'
        f"{previous}<span>trace {link.number} of {link.total}</span>{following}</nav>"
    )


KEYS = (
    "<kbd>j</kbd>/<kbd>k</kbd> next/previous sentence · <kbd>n</kbd>/<kbd>N</kbd> "
    "next/previous high-importance · <kbd>g</kbd>/<kbd>G</kbd> first/last · "
    "<kbd>[</kbd>/<kbd>]</kbd> previous/next trace · <kbd>t</kbd> trace list · "
    "or click a sentence or a mark under the chart"
)


def trace_body(
    data: TraceData, settings: ViewSettings, link: TraceLink, palette: Palette = DEFAULT
) -> tuple[str, str]:
    """(navigation, page body) for one trace."""
    scores = score_sentences(data, settings)
    record = trace_record(data, data.indices, settings.outcome)
    high = sum(scores.highlighted)
    curves = rate_curves(data, CHART_POINTS)
    chart = rate_chart(curves, _marks(data, scores, settings), data.outcomes, palette=palette)
    payload = {
        "outcome": one_line(settings.outcome),
        "metric": one_line(settings.metric),
        "start": most_important(scores),
        "sentences": detail_json(data, record, settings.outcome),
    }
    fields = (record.prompt_variant, record.condition, record.model)
    meta = " · ".join(esc(value or "-") for value in fields)
    body = (
        f'<section class="trace-head"><h1 class="trace-id">{esc(data.trace_id)}</h1>'
        f'<p class="meta">{meta} · {len(data.indices)} sentences · {high} high importance '
        f"({esc(settings.outcome)} / {esc(settings.metric)})</p>"
        f'<p class="labels">{labels_html(record.labels)}</p>'
        f'<p class="query"><span class="muted">query:</span> {esc(record.query or "-")}'
        f"</p></section>"
        f'<div class="columns"><section class="trace" aria-label="sentences">'
        f'{_legend(settings)}<div id="sentences">{_sentences(data, scores)}</div></section>'
        f'<aside class="side"><figure class="figure">{chart}<figcaption>Rates per prefix '
        "with Wilson 95% bands; the marks under the axis are the sentences, coloured by "
        f"direction for {esc(settings.outcome)} (the most important numbered).</figcaption>"
        '</figure><section id="detail" aria-live="polite"><noscript>The selected sentence\'s '
        "detail needs JavaScript; the trace and the chart are complete without it."
        f'</noscript></section><p class="keys">{KEYS}</p></aside></div>'
        f'<script type="application/json" id="afscope-data">{script_json(payload)}</script>'
    )
    return _nav(link), body
