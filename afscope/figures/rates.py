"""The rates figure's data: the explorer's rate curves and sentence scores for one trace.

Everything comes from the explorer's view models (``load_trace``, ``rate_curves``,
``score_sentences``), so the figure shows what the explorer shows for the same outcome,
metric and top-k setting.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from afscope.analysis.frame import check_choice
from afscope.bundle.reader import Bundle
from afscope.explore.plot_data import rate_curves
from afscope.explore.scores import score_sentences
from afscope.explore.settings import ViewSettings
from afscope.explore.trace_data import TraceData, load_trace
from afscope.figures.model import NumberedSentence, RateSeries, RatesFigure, SentenceMark
from afscope.problems import BundleError, Problem
from afscope.text import one_line

QUOTE_LIMIT = 110
"""Characters of a numbered sentence quoted under the plot."""
ALL_POINTS = 1 << 30
"""``rate_curves`` downsamples for a terminal pane; a figure keeps every position."""


def chosen_outcomes(bundle: Bundle, outcomes: Sequence[str] | None) -> list[str]:
    """``outcomes`` checked against the bundle (every outcome when none are given)."""
    if not outcomes:
        return list(bundle.outcomes)
    for outcome in outcomes:
        check_choice(bundle, outcome, None)
    return list(dict.fromkeys(outcomes))


def rates_figure(
    bundle: Bundle,
    trace_id: str,
    *,
    outcomes: Sequence[str] | None = None,
    metric: str | None = None,
    top: int = 5,
    source: str = "",
) -> RatesFigure:
    """Rates per prefix for ``outcomes`` (default: all), sentence marks coloured by their
    direction for the first of them, and its ``top`` most important sentences numbered.

    Raises ``BundleError`` naming ``--trace``, ``--outcome`` or ``--metric`` when unknown.
    """
    shown = chosen_outcomes(bundle, outcomes)
    choice = check_choice(bundle, shown[0] if shown else None, metric)
    try:
        data = load_trace(bundle, trace_id)
    except KeyError:
        known = bundle.traces["trace_id"].head(8).to_list()
        listed = ", ".join(one_line(str(t), 40) for t in known)
        more = ", ..." if bundle.traces.height > len(known) else ""
        raise BundleError(
            [
                Problem(
                    "--trace", f"unknown trace {one_line(trace_id, 80)!r}; traces: {listed}{more}"
                )
            ]
        ) from None
    if not outcomes:  # colour by the first outcome this trace has values for
        choice = check_choice(bundle, _marked_outcome(data, shown, choice.metric), metric)
    series = [
        RateSeries(c.outcome, c.x, c.rate, c.low, c.high)
        for c in rate_curves(data, ALL_POINTS)
        if c.outcome in shown
    ]
    series.sort(key=lambda s: shown.index(s.outcome))
    settings = ViewSettings(choice.outcome, choice.metric, mode="top_k", top_k=max(0, top))
    scores = score_sentences(data, settings)
    indices = data.indices
    texts: list[str] = data.sentences["text"].fill_null("").to_list()
    peak = scores.peak or 1.0
    marks = [
        SentenceMark(
            sentence_idx=idx,
            direction=scores.kind(pos).value,
            strength=min(1.0, (scores.importance[pos] or 0.0) / peak),
            low_evidence=bool(scores.low_evidence[pos]),
        )
        for pos, idx in enumerate(indices)
    ]
    numbered = [
        NumberedSentence(
            sentence_idx=indices[pos],
            direction=scores.kind(pos).value,
            signed=_signed(scores.direction[pos], scores.importance[pos]),
            text=one_line(texts[pos], QUOTE_LIMIT),
        )
        for pos in range(len(indices))
        if scores.highlighted[pos] and top > 0
    ]
    trace = data.trace
    facts = [str(trace.get(k)) for k in ("prompt_variant", "condition") if trace.get(k)]
    label = one_line(str(trace_id), 60)
    title = f"Trace {label}" + (f" ({', '.join(one_line(f, 20) for f in facts)})" if facts else "")
    return RatesFigure(
        title=title,
        trace_id=one_line(str(trace_id)),
        source=source,
        marks_outcome=choice.outcome,
        metric=choice.metric,
        series=series,
        marks=marks,
        numbered=numbered,
    )


def _marked_outcome(data: TraceData, outcomes: list[str], metric: str) -> str | None:
    """The first of ``outcomes`` with an importance value for ``metric`` in this trace (a
    Thought Anchors tree mixes problems labelled with different outcomes)."""
    valued = data.importance.filter(
        (pl.col("metric") == metric) & pl.col("importance").is_not_null()
    )["outcome"].unique()
    present = set(valued.to_list())
    return next((o for o in outcomes if o in present), outcomes[0] if outcomes else None)


def _signed(direction: float | None, importance: float | None) -> float:
    if direction is not None:
        return float(direction)
    return float(importance or 0.0)
