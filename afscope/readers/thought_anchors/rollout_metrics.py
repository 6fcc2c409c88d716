"""Rates and importance from imported rollouts, merged with carried values.

The importer calls this once per staged batch of whole traces: every value is computed
within a trace, so batches give what one pass over all rollouts would.

The computed part is ``afscope.metrics.compute_metrics``, the same engine (counts,
rate table, importance table with intervals and low-evidence flags) ``afscope compute``
uses, so an import and a compute of the same rollouts agree value for value. Values
carried from ``chunks_labeled.json`` win for importance (they may rest on similarities
afscope does not have): a computed metric is added for a trace and outcome only where
the labeled file has none. Computed rates win over carried ones (they know n).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from afscope.metrics import compute_metrics
from afscope.metrics.importance import METRICS
from afscope.metrics.options import MetricOptions

RATE_KEY = ["trace_id", "sentence_idx", "outcome"]
METRIC_KEY = ["trace_id", "outcome", "metric"]
OPTIONS = MetricOptions()


@dataclass
class MergedMetrics:
    rates: pl.LazyFrame | None
    importance: pl.LazyFrame | None
    computed: list[str]
    """Metrics computed from the rollouts for at least one trace, in ``METRICS`` order."""


def _concat(frames: list[pl.LazyFrame]) -> pl.LazyFrame | None:
    return pl.concat(frames, how="diagonal_relaxed") if frames else None


def derive_metrics(
    resamples: pl.LazyFrame | None,
    rates: pl.LazyFrame | None,
    importance: pl.LazyFrame | None,
    outcomes: list[str],
) -> MergedMetrics:
    """Carried rates and importance with the values computed from ``resamples`` added."""
    if resamples is None:
        return MergedMetrics(rates, importance, [])
    computed = compute_metrics(resamples, outcomes, OPTIONS)
    # per-position rows: small next to the rollouts, and collecting once names the metrics
    computed_imp = computed.importance.collect()
    if importance is not None:
        carried = importance.select(METRIC_KEY).unique().collect()
        computed_imp = computed_imp.join(carried, on=METRIC_KEY, how="anti")
    present = set(computed_imp["metric"].unique().to_list())
    rate_parts = [computed.rates]
    if rates is not None:
        rate_parts.append(rates.join(computed.rates.select(RATE_KEY), on=RATE_KEY, how="anti"))
    imp_parts = [importance] if importance is not None else []
    imp_parts.append(computed_imp.lazy())
    return MergedMetrics(
        _concat(rate_parts), _concat(imp_parts), [m for m in METRICS if m in present]
    )
