"""Per-prefix rates and signed importance from raw resamples, as Polars expressions.

Definitions follow the Thought Anchors pipeline (see docs/metrics.md), converted to
afscope's sign convention: a positive direction means the sentence promotes the outcome.
All per-rollout work is one group-by (``counts.position_counts``); no Python loop per rollout.
"""

from __future__ import annotations

import polars as pl

from afscope.metrics.counts import POSITION, long_labels, position_counts
from afscope.metrics.wilson import wilson_interval

DEFAULT_SIMILARITY_THRESHOLD = 0.8

__all__ = ["compute_importance", "compute_rates", "long_labels"]


def rates_from_counts(counts: pl.LazyFrame) -> pl.LazyFrame:
    """Rate at each position (rollouts keep sentences before it), with n and Wilson 95%,
    from ``counts.position_counts`` output."""
    low, high = wilson_interval(pl.col("k"), pl.col("n"))
    return counts.select(
        *POSITION,
        "outcome",
        (pl.col("k") / pl.col("n")).alias("rate"),
        pl.col("n").cast(pl.Int64),
        low.alias("ci_low"),
        high.alias("ci_high"),
    ).sort([*POSITION, "outcome"])


def compute_rates(resamples: pl.LazyFrame, outcomes: list[str]) -> pl.LazyFrame:
    """Rates straight from raw resamples (similarities play no part in them)."""
    counts = position_counts(resamples, outcomes, DEFAULT_SIMILARITY_THRESHOLD)
    return rates_from_counts(counts)


def signed_directions(counts: pl.LazyFrame) -> pl.LazyFrame:
    """``counts`` plus ``resampling`` and ``counterfactual`` directions (rows with a next
    position only).

    resampling:      rate(R_next) - rate(R_i)
    counterfactual:  rate(R_next) - rate(D_i), 0 when D_i is empty (as the pipeline does);
                     minus the pipeline's counterfactual_importance.
    """
    rate_next = pl.col("k_next") / pl.col("n_next")
    return counts.filter(pl.col("n_next").is_not_null()).with_columns(
        (rate_next - pl.col("k") / pl.col("n")).alias("resampling"),
        pl.when(pl.col("n_d") > 0)
        .then(rate_next - pl.col("k_d") / pl.col("n_d"))
        .otherwise(0.0)
        .alias("counterfactual"),
    )


def compute_importance(
    resamples: pl.LazyFrame,
    outcomes: list[str],
    threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
) -> pl.LazyFrame:
    """Resampling and (where similarities exist) counterfactual importance, signed.

    The last position with rollouts has no next set and gets no importance.
    """
    return importance_from_counts(position_counts(resamples, outcomes, threshold))


def importance_from_counts(counts: pl.LazyFrame) -> pl.LazyFrame:
    """``compute_importance`` from ``counts.position_counts`` output."""
    directions = signed_directions(counts)
    resampling = directions.select(
        *POSITION,
        "outcome",
        pl.lit("resampling").alias("metric"),
        pl.col("resampling").alias("direction"),
    )
    counterfactual = directions.filter(pl.col("has_sim")).select(
        *POSITION,
        "outcome",
        pl.lit("counterfactual").alias("metric"),
        pl.col("counterfactual").alias("direction"),
    )
    return (
        pl.concat([resampling, counterfactual])
        .with_columns(pl.col("direction").abs().alias("importance"))
        .select(*POSITION, "outcome", "metric", "importance", "direction")
        .sort([*POSITION, "outcome", "metric"])
    )
