"""Rates and importance from all imported rollouts at once, merged with carried values.

Computed values come from the raw rollouts (so rates have n and Wilson intervals). Values
carried from ``chunks_labeled.json`` win for importance (they may rest on similarities
afscope does not have); computed rates win over carried ones (they know n).
"""

from __future__ import annotations

import polars as pl

from afscope.metrics.counts import position_counts
from afscope.metrics.resampling import (
    DEFAULT_SIMILARITY_THRESHOLD,
    importance_from_counts,
    rates_from_counts,
)

RATE_KEY = ["trace_id", "sentence_idx", "outcome"]
METRIC_KEY = ["trace_id", "outcome", "metric"]


def _concat(frames: list[pl.LazyFrame]) -> pl.LazyFrame | None:
    return pl.concat(frames, how="diagonal_relaxed") if frames else None


def derive_metrics(
    resamples: pl.LazyFrame | None,
    rates: pl.LazyFrame | None,
    importance: pl.LazyFrame | None,
    outcomes: list[str],
) -> tuple[pl.LazyFrame | None, pl.LazyFrame | None]:
    """(rates, importance) with computed values added where the source had none."""
    if resamples is None:
        return rates, importance
    # one pass over the rollouts (collected: per-position counts are small) feeds both
    counts = position_counts(resamples, outcomes, DEFAULT_SIMILARITY_THRESHOLD).collect().lazy()
    computed_rates = rates_from_counts(counts)
    computed_imp = importance_from_counts(counts)
    rate_parts = [computed_rates]
    if rates is not None:
        rate_parts.append(rates.join(computed_rates.select(RATE_KEY), on=RATE_KEY, how="anti"))
    imp_parts = [importance] if importance is not None else []
    if importance is not None:
        carried = importance.select(METRIC_KEY).unique()
        imp_parts.append(computed_imp.join(carried, on=METRIC_KEY, how="anti"))
    else:
        imp_parts.append(computed_imp)
    return _concat(rate_parts), _concat(imp_parts)
