"""Metrics from raw resamples: one engine behind ``afscope import`` and ``afscope compute``.

``counts.position_table`` reduces the rollouts to per-position counts in one group-by;
``rates.rate_table`` and ``importance.importance_table`` are arithmetic on those counts
(``wilson``, ``intervals``, ``kl``; ``bootstrap`` for seeded intervals) and
``sentence_stats`` summarises the resampled sentences. ``compute_metrics`` runs them all.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from afscope.bundle.schema import label_columns
from afscope.metrics.counts import ORDER, long_counts, position_table
from afscope.metrics.importance import METRICS, importance_rows
from afscope.metrics.options import MetricOptions
from afscope.metrics.rates import rate_table
from afscope.metrics.sentence_stats import finish_stats, stat_aggregates
from afscope.metrics.wilson import wilson_interval

SIGNED_COLUMNS = (
    "trace_id",
    "sentence_idx",
    "outcome",
    "metric",
    "importance",
    "direction",
    "ci_low",
    "ci_high",
    "low_evidence",
)


@dataclass(frozen=True)
class ComputedMetrics:
    """Counts (collected: one row per position and outcome, small, in that order), the
    tables built from them, and with ``stats`` the sentence statistics
    (``sentence_stats.finish_stats``). Made by ``compute_metrics``; the tables are
    attributes built from the counts, the importance table on first use."""

    ordered_counts: pl.DataFrame
    """``counts.long_counts`` output: the counts with each row's place (``ORDER``)."""
    options: MetricOptions
    stats: pl.DataFrame | None = None

    @property
    def counts(self) -> pl.DataFrame:
        """One row per position and outcome (the bootstrap's and ``metrics_present``'s
        input)."""
        return self.ordered_counts.drop(ORDER)

    @cached_property
    def rates(self) -> pl.LazyFrame:
        """The rates table (``rates.rate_table``), lazily: one plan, however often read."""
        return rate_table(self.ordered_counts.lazy())

    @cached_property
    def importance(self) -> pl.LazyFrame:
        """Computed on first use, from the counts alone: a caller that holds the rollouts
        can free them first (the importance table is the largest one built)."""
        return importance_rows(self.ordered_counts, self.options).lazy()


def compute_metrics(
    resamples: pl.LazyFrame,
    outcomes: list[str],
    options: MetricOptions | None = None,
    *,
    stats: bool = False,
    complete: Collection[str] = (),
) -> ComputedMetrics:
    """Rates and every importance metric (and with ``stats`` the sentence statistics) from
    raw resamples, in one group-by over them (``counts.position_table``; ``complete``:
    columns with a value in every row, ``counts.complete_columns``)."""
    options = options or MetricOptions()
    names = resamples.collect_schema().names()
    extra = stat_aggregates(names, options) if stats else []
    wide = position_table(resamples, outcomes, options.threshold, extra, complete)
    counts = long_counts(wide, label_columns(outcomes, names))
    return ComputedMetrics(counts, options, finish_stats(wide) if stats else None)


def compute_rates(resamples: pl.LazyFrame, outcomes: list[str]) -> pl.LazyFrame:
    """Just the rates (``compute_metrics(...).rates``)."""
    return compute_metrics(resamples, outcomes).rates


def compute_importance(
    resamples: pl.LazyFrame, outcomes: list[str], options: MetricOptions | None = None
) -> pl.LazyFrame:
    """Just the signed metrics, with their 95% intervals and low-evidence flags, as the
    bundled sample stores them (``scripts/make_sample_bundle.py``): rows and columns of
    ``importance_table``."""
    signed = [name for name, is_signed in METRICS.items() if is_signed]
    return (
        compute_metrics(resamples, outcomes, options)
        .importance.filter(pl.col("metric").is_in(signed))
        .select(SIGNED_COLUMNS)
    )


__all__ = [
    "ComputedMetrics",
    "MetricOptions",
    "compute_importance",
    "compute_metrics",
    "compute_rates",
    "wilson_interval",
]
