"""Every metric ``afscope compute`` writes, from one pass of per-position counts.

Signed (direction; positive = the sentence promotes the outcome), with a 95% interval:
  resampling       rate(R_next) - rate(R_i)
  counterfactual   rate(R_next) - rate(D_i)            (needs similarities)
Unsigned (KL in nats, additive smoothing alpha):
  resampling_kl    KL(R_i || R_next)
  counterfactual_kl KL(D_i || R_next + S_i)           (needs similarities)
Low evidence: either compared set has fewer than MIN_EVIDENCE rollouts (for the
counterfactual metrics that includes an empty D_i, where the value is 0 by convention).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from afscope.metrics.counts import POSITION, position_counts
from afscope.metrics.intervals import newcombe_interval
from afscope.metrics.kl import DEFAULT_ALPHA, bernoulli_kl
from afscope.metrics.resampling import DEFAULT_SIMILARITY_THRESHOLD, signed_directions

MIN_EVIDENCE = 5
SIGNED = ("resampling", "counterfactual")
UNSIGNED = ("resampling_kl", "counterfactual_kl")
NEEDS_SIMILARITY = ("counterfactual", "counterfactual_kl", "different_trajectories_fraction")


@dataclass(frozen=True)
class MetricOptions:
    threshold: float = DEFAULT_SIMILARITY_THRESHOLD
    alpha: float = DEFAULT_ALPHA
    min_evidence: int = MIN_EVIDENCE


def _metric_rows(
    rows: pl.LazyFrame,
    metric: str,
    low_evidence: pl.Expr,
    *,
    direction: pl.Expr | None = None,
    importance: pl.Expr | None = None,
    interval: tuple[pl.Expr, pl.Expr] | None = None,
) -> pl.LazyFrame:
    """One metric's rows in the importance table's columns (signed or unsigned)."""
    null = pl.lit(None, pl.Float64)
    low, high = interval if interval is not None else (null, null)
    return rows.select(
        *POSITION,
        "outcome",
        pl.lit(metric).alias("metric"),
        (importance if importance is not None else direction.abs()).alias("importance"),
        (direction if direction is not None else null).alias("direction"),
        low.alias("ci_low"),
        high.alias("ci_high"),
        low_evidence.alias("low_evidence"),
    )


def importance_table(counts: pl.LazyFrame, options: MetricOptions) -> pl.LazyFrame:
    """Long importance rows (4 metrics) with analytic intervals and low-evidence flags."""
    rows = signed_directions(counts)
    few = options.min_evidence
    k_ns, n_ns = pl.col("k_next") + pl.col("k_s"), pl.col("n_next") + pl.col("n_s")
    rs_low, rs_high = newcombe_interval(
        pl.col("k_next"), pl.col("n_next"), pl.col("k"), pl.col("n")
    )
    cf_low, cf_high = newcombe_interval(
        pl.col("k_next"), pl.col("n_next"), pl.col("k_d"), pl.col("n_d")
    )
    rs_low_evidence = (pl.col("n") < few) | (pl.col("n_next") < few)
    cf_low_evidence = (pl.col("n_d") < few) | (pl.col("n_next") < few)
    empty_d = pl.col("n_d") == 0
    kl_cf = (
        pl.when(empty_d)
        .then(0.0)
        .otherwise(bernoulli_kl(pl.col("k_d"), pl.col("n_d"), k_ns, n_ns, options.alpha))
    )
    kl_rs = bernoulli_kl(
        pl.col("k"), pl.col("n"), pl.col("k_next"), pl.col("n_next"), options.alpha
    )
    with_sim = rows.filter(pl.col("has_sim"))
    parts = [
        _metric_rows(
            rows,
            "resampling",
            rs_low_evidence,
            direction=pl.col("resampling"),
            interval=(rs_low, rs_high),
        ),
        _metric_rows(rows, "resampling_kl", rs_low_evidence, importance=kl_rs),
        _metric_rows(
            with_sim,
            "counterfactual",
            cf_low_evidence,
            direction=pl.col("counterfactual"),
            interval=(cf_low, cf_high),
        ),
        _metric_rows(with_sim, "counterfactual_kl", cf_low_evidence, importance=kl_cf),
    ]
    return pl.concat(parts).sort([*POSITION, "outcome", "metric"])


def sentence_stats(resamples: pl.LazyFrame, options: MetricOptions) -> pl.LazyFrame:
    """Per sentence: share of rollouts whose first sentence is dissimilar (null without
    similarities) and overdeterminedness = 1 - distinct / total resampled sentences."""
    names = resamples.collect_schema().names()
    sim = pl.col("similarity") if "similarity" in names else pl.lit(None, pl.Float64)
    text = (
        pl.col("resampled_sentence").str.strip_chars()
        if "resampled_sentence" in names
        else pl.lit(None, pl.String)
    )
    return resamples.group_by(POSITION).agg(
        pl.when(sim.is_not_null().any())
        .then((sim < options.threshold).sum() / sim.is_not_null().sum())
        .alias("different_trajectories_fraction"),
        pl.when(text.is_not_null().any())
        .then(1.0 - text.drop_nulls().n_unique() / text.is_not_null().sum())
        .alias("overdeterminedness"),
    )


def compute_all(
    resamples: pl.LazyFrame, outcomes: list[str], options: MetricOptions
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(importance rows, per-sentence stats) from raw resamples."""
    counts = position_counts(resamples, outcomes, options.threshold)
    return importance_table(counts, options), sentence_stats(resamples, options)
