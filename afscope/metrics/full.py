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
    parts = [
        rows.select(
            *POSITION,
            "outcome",
            pl.lit("resampling").alias("metric"),
            pl.col("resampling").alias("direction"),
            rs_low.alias("ci_low"),
            rs_high.alias("ci_high"),
            rs_low_evidence.alias("low_evidence"),
        ),
        rows.select(
            *POSITION,
            "outcome",
            pl.lit("resampling_kl").alias("metric"),
            bernoulli_kl(
                pl.col("k"), pl.col("n"), pl.col("k_next"), pl.col("n_next"), options.alpha
            ).alias("importance"),
            rs_low_evidence.alias("low_evidence"),
        ),
    ]
    with_sim = rows.filter(pl.col("has_sim"))
    parts += [
        with_sim.select(
            *POSITION,
            "outcome",
            pl.lit("counterfactual").alias("metric"),
            pl.col("counterfactual").alias("direction"),
            cf_low.alias("ci_low"),
            cf_high.alias("ci_high"),
            cf_low_evidence.alias("low_evidence"),
        ),
        with_sim.select(
            *POSITION,
            "outcome",
            pl.lit("counterfactual_kl").alias("metric"),
            pl.when(empty_d)
            .then(0.0)
            .otherwise(bernoulli_kl(pl.col("k_d"), pl.col("n_d"), k_ns, n_ns, options.alpha))
            .alias("importance"),
            cf_low_evidence.alias("low_evidence"),
        ),
    ]
    return (
        pl.concat(parts, how="diagonal_relaxed")
        .with_columns(
            pl.coalesce(pl.col("importance"), pl.col("direction").abs()).alias("importance")
        )
        .select(
            *POSITION,
            "outcome",
            "metric",
            "importance",
            "direction",
            "ci_low",
            "ci_high",
            "low_evidence",
        )
        .sort([*POSITION, "outcome", "metric"])
    )


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
