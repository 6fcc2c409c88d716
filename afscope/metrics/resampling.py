"""Per-prefix rates and signed importance from raw resamples, as Polars expressions.

Definitions follow the Thought Anchors pipeline (see docs/metrics.md), converted to
afscope's sign convention: a positive direction means the sentence promotes the outcome.
All per-rollout work is group-bys and joins; there is no Python loop over rollouts.
"""

from __future__ import annotations

import polars as pl

from afscope.bundle.schema import OUTCOME_PREFIX
from afscope.metrics.wilson import wilson_interval

DEFAULT_SIMILARITY_THRESHOLD = 0.8
POSITION = ["trace_id", "sentence_idx"]


def long_labels(resamples: pl.LazyFrame, outcomes: list[str]) -> pl.LazyFrame:
    """One row per (rollout, outcome) with a non-null label: the valid rollouts."""
    names = resamples.collect_schema().names()
    labels = [f"{OUTCOME_PREFIX}{o}" for o in outcomes if f"{OUTCOME_PREFIX}{o}" in names]
    keep = [*POSITION, "rollout_id"] + (["similarity"] if "similarity" in names else [])
    return (
        resamples.select(*keep, *labels)
        .unpivot(index=keep, on=labels, variable_name="outcome", value_name="label")
        .with_columns(pl.col("outcome").str.strip_prefix(OUTCOME_PREFIX))
        .filter(pl.col("label").is_not_null())
    )


def compute_rates(resamples: pl.LazyFrame, outcomes: list[str]) -> pl.LazyFrame:
    """Rate at each position (rollouts keep sentences before it), with n and Wilson 95%."""
    counts = (
        long_labels(resamples, outcomes)
        .group_by([*POSITION, "outcome"])
        .agg(pl.col("label").sum().alias("k"), pl.len().alias("n"))
    )
    low, high = wilson_interval(pl.col("k"), pl.col("n"))
    return counts.select(
        *POSITION,
        "outcome",
        (pl.col("k") / pl.col("n")).alias("rate"),
        pl.col("n").cast(pl.Int64),
        low.alias("ci_low"),
        high.alias("ci_high"),
    ).sort([*POSITION, "outcome"])


def compute_importance(
    resamples: pl.LazyFrame,
    outcomes: list[str],
    threshold: float = DEFAULT_SIMILARITY_THRESHOLD,
) -> pl.LazyFrame:
    """Resampling and (where similarities exist) counterfactual importance, signed.

    resampling:      direction(i) = rate(R_next) - rate(R_i)
    counterfactual:  direction(i) = rate(R_next) - rate(D_i), D_i = rollouts at i with
                     similarity < threshold; 0 when D_i or R_next is empty (as the source
                     pipeline does). Equal to minus the pipeline's counterfactual_importance.
    The last position with rollouts has no next set and gets no importance.
    """
    long = long_labels(resamples, outcomes)
    has_similarity = "similarity" in long.collect_schema().names()
    per_position = long.group_by([*POSITION, "outcome"]).agg(
        pl.col("label").sum().alias("k"),
        pl.len().alias("n"),
        *(
            [
                (pl.col("label") & (pl.col("similarity") < threshold)).sum().alias("k_d"),
                (pl.col("similarity") < threshold).sum().alias("n_d"),
                pl.col("similarity").is_not_null().any().alias("has_sim"),
            ]
            if has_similarity
            else []
        ),
    )
    ordered = per_position.sort([*POSITION, "outcome"]).with_columns(
        (pl.col("k") / pl.col("n")).alias("rate")
    )
    by_series = ["trace_id", "outcome"]
    ordered = (
        ordered.sort(["trace_id", "outcome", "sentence_idx"])
        .with_columns(
            pl.col("rate").shift(-1).over(by_series).alias("rate_next"),
            pl.col("n").shift(-1).over(by_series).alias("n_next"),
        )
        .filter(pl.col("rate_next").is_not_null())
    )
    resampling = ordered.select(
        *POSITION,
        "outcome",
        pl.lit("resampling").alias("metric"),
        (pl.col("rate_next") - pl.col("rate")).alias("direction"),
    )
    frames = [resampling]
    if has_similarity:
        cf = (
            pl.when(pl.col("n_d") > 0)
            .then(pl.col("rate_next") - pl.col("k_d") / pl.col("n_d"))
            .otherwise(0.0)
        )
        counterfactual = ordered.filter(pl.col("has_sim")).select(
            *POSITION,
            "outcome",
            pl.lit("counterfactual").alias("metric"),
            cf.alias("direction"),
        )
        frames.append(counterfactual)
    return (
        pl.concat(frames)
        .with_columns(pl.col("direction").abs().alias("importance"))
        .select(*POSITION, "outcome", "metric", "importance", "direction")
        .sort([*POSITION, "outcome", "metric"])
    )
